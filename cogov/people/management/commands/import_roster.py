"""`cogov import_roster FILE --community CODE --user USERNAME [--dry-run]`.

Imports a resident roster (.xlsx or CSV) as USERNAME, who needs `people.import_roster` on the
community. All rows or none: with any error nothing is written, the errors are listed (personal
values masked) and the command exits with status 1.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cogov.core.errors import ActionError
from cogov.people.imports import import_roster
from cogov.territory.models import Level, Node


class Command(BaseCommand):
    help = "Import a resident roster (.xlsx or CSV) into a community: all rows or none."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="path of the .xlsx or .csv roster")
        parser.add_argument("--community", required=True, help="12-digit community code")
        parser.add_argument("--user", required=True, help="username of the importing staff member")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        community = Node.objects.filter(code=options["community"], level=Level.COMMUNITY).first()
        if community is None:
            raise CommandError(f"no community with code {options['community']!r}")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        try:
            report = import_roster(
                actor=user, community=community, file=path.read_bytes(), dry_run=options["dry_run"]
            )
        except ActionError as exc:
            raise CommandError(exc.message) from None

        read_as = f"{report.format}, {report.encoding}" if report.encoding else report.format
        self.stdout.write(f"{path.name} ({read_as}) → {community.code} {community.name}")
        self.stdout.write(
            f"rows {report.rows}  new {report.created}  updated {report.updated}  "
            f"unchanged {report.unchanged}  new households {report.households_created}"
        )
        if report.errors:
            self.stdout.write("row\tcolumn\tvalue\treason")
            for e in report.errors:
                self.stdout.write(f"{e.row}\t{e.column}\t{e.value}\t{e.reason}")
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported", returncode=1)
        if report.written:
            self.stdout.write(self.style.SUCCESS("imported"))
        else:
            self.stdout.write("dry run: nothing was written")
