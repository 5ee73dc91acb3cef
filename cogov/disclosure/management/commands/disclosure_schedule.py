"""`cogov disclosure_schedule`: create the missing disclosure obligations (idempotent), archive
notices whose posting period ended, remind staff of overdue obligations, and arm the daily tick
that `cogov worker` runs (cogov.disclosure.scheduling)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cogov.disclosure import scheduling


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Create the disclosure obligations due from the catalogue (safe to repeat)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--on", help="the day to schedule for (default: today), YYYY-MM-DD")
        parser.add_argument(
            "--since", help="create periods back to this day (default: the previous period)"
        )
        parser.add_argument(
            "--no-arm", action="store_true", help="do not arm the worker's daily run"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["on"]) if options["on"] else None
        since = _date(options["since"]) if options["since"] else None
        if on and since and since > on:
            raise CommandError("--since must not be after --on")
        result = scheduling.schedule(on, since=since)
        armed = False if options["no_arm"] else scheduling.arm()
        self.stdout.write(
            f"disclosure: {result.created} obligation(s) created in {result.communities} "
            f"communities, {result.archived} notice(s) archived, {result.reminded} overdue "
            f"reminder(s){'; daily run armed' if armed else ''}"
        )
