"""`cogov rollup 2026 [--metric KEY]` fills the rollups of a period (YYYY or YYYY-MM);
`cogov rollup --dirty` recomputes every dirty rollup (run it from cron or a worker between
readers, so that a dashboard rarely pays for a recomputation itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cogov.core.metrics import Period

from ...rollups import refresh, refresh_dirty


class Command(BaseCommand):
    help = "Fill the metric rollups for a period (YYYY or YYYY-MM); --dirty repairs only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", nargs="?", default="")
        parser.add_argument("--dirty", action="store_true")
        parser.add_argument("--metric", action="append")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["period"]:
            if not opts["dirty"]:
                raise CommandError("give a period (YYYY or YYYY-MM), or --dirty")
            self.stdout.write(f"{refresh_dirty()} dirty rollups recomputed")
            return
        try:
            period = Period.parse(opts["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        n = refresh(period, dirty_only=opts["dirty"], keys=opts["metric"])
        self.stdout.write(f"{n} rollups computed for {period}")
