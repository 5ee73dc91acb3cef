"""`cogov import_geojson FILE [--as USERNAME] [--valid-from YYYY-MM-DD]`: import a district."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cogov.core.errors import ActionError
from cogov.territory.actions import ImportFailed, import_geojson


class Command(BaseCommand):
    help = (
        "Import districts, streets, communities and grids from a GeoJSON FeatureCollection "
        "(properties: level, code, name, parent_code). All or nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="path to the .geojson file (UTF-8)")
        parser.add_argument("--as", dest="username", help="act as this user (default: the system)")
        parser.add_argument("--valid-from", help="date the units come into force (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        actor = None
        if options.get("username"):
            try:
                actor = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user {options['username']!r}") from None
        valid_from = None
        if options.get("valid_from"):
            try:
                valid_from = dt.date.fromisoformat(options["valid_from"])
            except ValueError:
                raise CommandError("--valid-from must be YYYY-MM-DD") from None
        try:
            created = import_geojson(actor=actor, data=text, valid_from=valid_from)
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"nothing imported ({len(exc.errors)} problems)") from None
        except ActionError as exc:
            raise CommandError(exc.message) from None
        counts: dict[str, int] = {}
        for node in created:
            counts[node.level] = counts.get(node.level, 0) + 1
        summary = ", ".join(f"{n} {level}" for level, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"imported {len(created)} units ({summary})"))
