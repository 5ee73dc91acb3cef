"""`cogov verify-funds`: recompute every fund from its journal, to the cent.

Checks that every entry balances (debits = credits = amount), every account's and budget line's
cached balance equals the sum of its lines, no balance has the wrong sign, and per fund
available + committed + spent + returned + carried out = allocated. Prints one line per problem
(the first names the fund and entry) and exits with status 1 when anything is wrong.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cogov.funds.ledger import verify
from cogov.funds.models import Fund


class Command(BaseCommand):
    help = "Verify the funds ledgers (balances, reconciliation); exit 1 on any problem."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fund", help="only this fund (uuid)")

    def handle(self, *args: Any, **options: Any) -> None:
        funds = Fund.objects.order_by("pk")
        if options.get("fund"):
            funds = funds.filter(uuid=options["fund"])
        problems, checked, entries = 0, 0, 0
        first = ""
        for fund in funds.iterator(chunk_size=200):
            checked += 1
            entries += fund.entry_count
            for problem in verify([fund]):
                problems += 1
                first = first or str(problem)
                self.stderr.write(f"BROKEN {problem}")
        if problems:
            raise CommandError(f"{problems} problem(s) in {checked} fund(s); first: {first}")
        self.stdout.write(
            f"{checked} fund(s), {entries} entries verified: every balance reconciles to the cent"
        )
