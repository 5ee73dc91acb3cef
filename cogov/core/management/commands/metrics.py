"""`cogov metrics list` and `cogov metrics compute KEY --node CODE --period 2026-01|2026`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cogov.core import metrics as registry


class Command(BaseCommand):
    help = "List the registered metrics, or compute one for a territory node and a period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every registered metric")
        compute = sub.add_parser("compute", help="compute one metric")
        compute.add_argument("key", help="metric key, e.g. people.residents")
        compute.add_argument("--node", required=True, help="territory node code, e.g. 440111001001")
        compute.add_argument("--period", required=True, help="YYYY or YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for m in registry.all_metrics():
                unit = f" [{m.unit}]" if str(m.unit) else ""
                self.stdout.write(f"{m.key}\t{m.label}{unit}\t{m.direction}\t{','.join(m.levels)}")
            return
        from cogov.territory.models import Node

        try:
            metric = registry.get(options["key"])
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        node = Node.objects.filter(code=options["node"]).first()
        if node is None:
            raise CommandError(f"no territory node with code {options['node']!r}")
        try:
            period = registry.Period.parse(options["period"])
            value = registry.compute(metric.key, node, period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        shown = "n/a" if value is None else str(value)
        self.stdout.write(f"{metric.key}\t{node.code} {node.name}\t{options['period']}\t{shown}")
