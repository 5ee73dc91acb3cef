"""`cogov verify-ballots [VOTE]`: recompute every ballot log and re-tally; exit 1 on any change."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cogov.voting.integrity import verify
from cogov.voting.models import Status, Vote


class Command(BaseCommand):
    help = (
        "Recompute the hash chain of the ballot log of one vote (UUID) or of every vote, compare "
        "it with the published digest and re-tally; exits non-zero when anything changed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("vote", nargs="?", help="the vote's UUID (default: every vote)")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = Vote.objects.exclude(status=Status.DRAFT).order_by("pk")
        if options["vote"]:
            qs = qs.filter(uuid=options["vote"])
            if not qs.exists():
                raise CommandError(f"no vote {options['vote']}")
        bad = 0
        for vote in qs:
            report = verify(vote)
            if report.ok:
                self.stdout.write(f"OK {vote.uuid} ballots={report.ballots} digest={report.digest}")
            else:
                bad += 1
                self.stdout.write(f"CHANGED {vote.uuid} ballots={report.ballots}")
                for problem in report.problems:
                    self.stdout.write(f"  - {problem}")
        if bad:
            raise CommandError(f"{bad} vote(s) failed verification", returncode=1)
