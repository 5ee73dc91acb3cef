"""`cogov verify-ledgers`: recompute every account's hash chain and balance.

Prints one line per problem naming the entry (uuid, account, sequence number) and exits with
status 1 when anything is wrong; prints a summary and exits 0 when all is well.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cogov.points.ledger import verify
from cogov.points.models import Account


class Command(BaseCommand):
    help = "Verify the points ledgers (hash chains, balances); exit 1 on any problem."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--account", help="only this account (uuid)")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = Account.objects.order_by("pk")
        if options.get("account"):
            accounts = accounts.filter(uuid=options["account"])
        problems = 0
        checked = 0
        for account in accounts.iterator(chunk_size=500):
            checked += 1
            for problem in verify([account]):
                problems += 1
                self.stderr.write(f"BROKEN {problem}")
        if problems:
            raise CommandError(f"{problems} problem(s) in {checked} account(s)")
        self.stdout.write(f"{checked} account(s) verified, no problems")
