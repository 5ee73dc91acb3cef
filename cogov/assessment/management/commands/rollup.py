from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cogov.core.metrics import Period

from ...rollups import refresh


class Command(BaseCommand):
    help = "Fill the metric rollups for a period (YYYY or YYYY-MM); --dirty repairs only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period")
        parser.add_argument("--dirty", action="store_true")
        parser.add_argument("--metric", action="append")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            period = Period.parse(opts["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        n = refresh(period, dirty_only=opts["dirty"], keys=opts["metric"])
        self.stdout.write(f"{n} rollups computed for {period}")
