"""Background tasks of core, run by `cogov worker` (django-tasks, database backend)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django_tasks import task

from . import deadlines, notifications

log = logging.getLogger("cogov.worker")

_AFTER_SWEEP: list[tuple[str, Callable[[], object]]] = []


def after_sweep(name: str, job: Callable[[], object]) -> None:
    """Run `job` after every periodic sweep (apps register upkeep here in AppConfig.ready, e.g.
    assessment repairs its dirty rollups ahead of readers). Core imports no app for it."""
    if all(existing != name for existing, _job in _AFTER_SWEEP):
        _AFTER_SWEEP.append((name, job))


def run_sweep() -> int:
    """The deadline sweep, then every registered upkeep job; a failing job is logged and the
    others still run (each must be safe to repeat, like the sweep)."""
    breached = deadlines.sweep()
    for name, job in list(_AFTER_SWEEP):
        try:
            job()
        except Exception:
            log.exception("after-sweep job %s failed", name)
    return breached


@task()
def sweep_deadlines() -> int:
    return run_sweep()


@task()
def deliver_notifications(notification_ids: list[int], via: list[str]) -> None:
    notifications.deliver(notification_ids, via)
