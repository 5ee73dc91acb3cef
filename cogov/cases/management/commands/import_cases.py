"""`cogov import_cases FILE --user USERNAME [--dry-run]`.

Imports cases (.xlsx or CSV in UTF-8/GB18030) as USERNAME, an administrator (the "import"
channel is theirs). All rows or none: with any error nothing is written, the errors are listed
by row and column (phones masked) and the command exits with status 1. Columns: docs/cases/ui.md.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cogov.cases.imports import import_cases
from cogov.core.errors import ActionError


class Command(BaseCommand):
    help = "Import cases from an .xlsx or CSV file: all rows or none."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="path of the .xlsx or .csv file")
        parser.add_argument("--user", required=True, help="username of the importing administrator")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        try:
            result = import_cases(actor=user, data=path.read_bytes(), dry_run=options["dry_run"])
        except ActionError as exc:
            raise CommandError(exc.message) from None
        read_as = f"{result.format}, {result.encoding}" if result.encoding else result.format
        self.stdout.write(f"{path.name} ({read_as}): {result.rows} rows")
        if result.errors:
            self.stdout.write("row\tcolumn\tvalue\treason")
            for e in result.errors:
                self.stdout.write(f"{e.row}\t{e.column}\t{e.value}\t{e.reason}")
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported", returncode=1)
        if result.written:
            self.stdout.write(self.style.SUCCESS(f"imported {result.created} cases"))
        else:
            self.stdout.write("checked: no errors (dry run, nothing written)")
