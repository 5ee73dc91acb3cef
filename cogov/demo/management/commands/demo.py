"""`cogov demo --scale tiny|small|district|city --seed N [--force]`: load the demo district."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cogov.demo.accounts import DEMO_ACCOUNTS, database_is_empty
from cogov.demo.builder import build
from cogov.demo.scales import SCALES
from cogov.demo.writers import writer_for


class Command(BaseCommand):
    help = "Load the synthetic demo district (District G) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="load even though the database is not empty"
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="rows per table buffered before writing (default 20000 with COPY, 5000 else)",
        )
        parser.add_argument(
            "--writer",
            choices=["auto", "copy", "bulk"],
            default="auto",
            help="copy: PostgreSQL COPY; bulk: bulk_create; auto (default): COPY on PostgreSQL",
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--digest",
            action="store_true",
            help="print a digest of the generated rows (same seed, same digest)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from cogov.territory.models import Node

        if not database_is_empty():
            if not options["force"]:
                raise CommandError(
                    "The database is not empty; use --force to load the demo anyway."
                )
            if Node.objects.filter(code="440111").exists():
                raise CommandError(
                    "District G (440111) is already loaded; start from an empty database."
                )
        try:
            writer = writer_for(options["batch_size"], options["digest"], options["writer"])
        except ValueError as exc:
            raise CommandError(f"--writer: {exc}") from exc
        report = build(
            options["scale"],
            options["seed"],
            writer=writer,
            progress=not options["no_progress"] and options["verbosity"] > 0,
        )
        c = report.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo '{report.scale}' (seed {report.seed}) loaded in {report.seconds:.1f} s "
                f"({report.cpu_seconds:.1f} s CPU): "
                f"{c.get('nodes.street', 0)} streets, {c.get('nodes.community', 0)} communities, "
                f"{c.get('nodes.grid', 0)} grids, {c.get('buildings', 0)} buildings, "
                f"{c.get('households', 0)} households, {c.get('persons', 0)} residents, "
                f"{sum(v for k, v in c.items() if k.startswith('organizations.'))} organizations."
            )
        )
        self.stdout.write(
            "stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.stages.items()) + "\n"
        )
        if options["digest"]:
            self.stdout.write(f"digest {report.digest}\n")
        self.stdout.write(accounts_table())


def accounts_table() -> str:
    rows = [("username", "password", "role", "scope")]
    rows += [(a.username, a.password, a.role, a.scope) for a in DEMO_ACCOUNTS]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
