"""Background tasks of core, run by `cogov worker` (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from . import deadlines, notifications


@task()
def sweep_deadlines() -> int:
    return deadlines.sweep()


@task()
def deliver_notifications(notification_ids: list[int], via: list[str]) -> None:
    notifications.deliver(notification_ids, via)
