"""Periodic enqueueing of the deadline sweep, safe when several workers run.

Every `cogov worker` process runs a small thread that, every COGOV_SWEEP_SECONDS, asks
`enqueue_sweep_if_due()`. That function enqueues `sweep_deadlines` only when no sweep is waiting
and none was enqueued during the last 90 % of the period, deciding under a lock (a PostgreSQL
advisory lock; SQLite serialises writers itself), so a cluster of workers enqueues about one
sweep per period rather than one per worker. Even a duplicate would be harmless: the sweep
claims each breach with a conditional UPDATE.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Mapping

from django.db import connection, transaction
from django.utils import timezone

from cogov.lib.env import Env

log = logging.getLogger("cogov.worker")

DEFAULT_SWEEP_SECONDS = 60
_LOCK_KEY = 0x0C0_6E0_5EE9  # an arbitrary, fixed advisory-lock key for "sweep scheduling"


def sweep_seconds(environ: Mapping[str, str] | None = None) -> int:
    """COGOV_SWEEP_SECONDS, strictly parsed: a whole number of seconds, at least 1."""
    env = Env(os.environ if environ is None else environ)
    return env.int("COGOV_SWEEP_SECONDS", DEFAULT_SWEEP_SECONDS, minimum=1)


def _task_path() -> str:
    from .tasks import sweep_deadlines

    return sweep_deadlines.module_path


def enqueue_sweep_if_due(period: int, now: dt.datetime | None = None) -> bool:
    """Enqueue one `sweep_deadlines` unless a recent or waiting one makes it unnecessary."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import sweep_deadlines

    now = now or timezone.now()
    recent = now - dt.timedelta(seconds=period * 0.9)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        existing = DBTaskResult.objects.filter(task_path=_task_path())
        if (
            existing.filter(status="READY").exists()
            or existing.filter(enqueued_at__gte=recent).exists()
        ):
            return False
        sweep_deadlines.enqueue()
    return True


class SweepScheduler(threading.Thread):
    """A daemon thread that offers a sweep every `period` seconds until stopped."""

    def __init__(self, period: int) -> None:
        super().__init__(name="cogov-sweep-scheduler", daemon=True)
        self.period = period
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import close_old_connections

        while not self.stopped.is_set():
            try:
                if enqueue_sweep_if_due(self.period):
                    log.info("enqueued sweep_deadlines")
            except Exception:  # keep scheduling; the next tick retries
                log.exception("could not enqueue sweep_deadlines")
            finally:
                close_old_connections()
            self.stopped.wait(self.period)

    def stop(self) -> None:
        self.stopped.set()
