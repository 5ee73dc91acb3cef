"""`cogov import_geojson FILE [--as USERNAME] [--valid-from YYYY-MM-DD]`: import a district."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cogov.core.errors import ActionError
from cogov.territory.actions import ImportFailed, import_geojson
from cogov.territory.models import level_noun


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
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from None
        actor = None
        if options.get("username"):
            try:
                actor = get_user_model().objects.get(username=options["username"])
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("There is no user %(username)s.") % {"username": repr(options["username"])}
                ) from None
        valid_from = None
        if options.get("valid_from"):
            try:
                valid_from = dt.date.fromisoformat(options["valid_from"])
            except ValueError:
                raise CommandError(_("--valid-from must be a date: YYYY-MM-DD.")) from None
        try:
            created = import_geojson(actor=actor, data=text, valid_from=valid_from)
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(
                ngettext(
                    "Nothing was imported (%(count)d problem).",
                    "Nothing was imported (%(count)d problems).",
                    len(exc.errors),
                )
                % {"count": len(exc.errors)}
            ) from None
        except ActionError as exc:
            raise CommandError(exc.message) from None
        counts: dict[str, int] = {}
        for node in created:
            counts[node.level] = counts.get(node.level, 0) + 1
        summary = ", ".join(f"{level_noun(level)} {n}" for level, n in counts.items())
        message = _("Imported %(count)d units (%(summary)s).") % {
            "count": len(created),
            "summary": summary,
        }
        self.stdout.write(self.style.SUCCESS(message))
