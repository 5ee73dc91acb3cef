"""Deadlines as rows, and the sweep that marks breaches exactly once.

Apps register what happens on a breach:

    @on_breach("accounts.verification")
    def _remind_staff(deadline: Deadline) -> None: ...

`sweep()` is safe to run on several workers at once: each breach is claimed with a conditional
UPDATE (`breached_at IS NULL`), so exactly one worker runs its handler.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .calendar import Due
from .models import Deadline

log = logging.getLogger(__name__)

BreachHandler = Callable[[Deadline], None]
_HANDLERS: dict[str, BreachHandler] = {}


def on_breach(kind: str) -> Callable[[BreachHandler], BreachHandler]:
    def decorator(func: BreachHandler) -> BreachHandler:
        _HANDLERS[kind] = func
        return func

    return decorator


def schedule(subject: models.Model, kind: str, due: Due, *, node: Any = None, start: dt.datetime | None = None) -> Deadline:
    return Deadline.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        node=node,
        started_at=start or timezone.now(),
        due_at=due.at,
        basis=due.basis,
    )


def _open_for(subject: models.Model, kind: str) -> models.QuerySet[Deadline]:
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        kind=kind,
        met_at__isnull=True,
        breached_at__isnull=True,
        cancelled_at__isnull=True,
    )


def meet(subject: models.Model, kind: str, at: dt.datetime | None = None) -> int:
    """Mark the open deadline(s) of `kind` on `subject` met. Returns how many were open."""
    return _open_for(subject, kind).update(met_at=at or timezone.now())


def cancel(subject: models.Model, kind: str) -> int:
    return _open_for(subject, kind).update(cancelled_at=timezone.now())


def sweep(now: dt.datetime | None = None, *, batch: int = 500) -> int:
    """Mark every overdue open deadline breached and run its handler once. Returns breaches."""
    now = now or timezone.now()
    claimed = 0
    candidates = list(
        Deadline.objects.filter(
            due_at__lt=now, met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True
        ).values_list("pk", flat=True)[:batch]
    )
    for pk in candidates:
        with transaction.atomic():
            won = Deadline.objects.filter(pk=pk, breached_at__isnull=True, met_at__isnull=True).update(
                breached_at=now
            )
            if not won:
                continue  # another worker claimed it, or it was met meanwhile
            claimed += 1
            deadline = Deadline.objects.get(pk=pk)
            handler = _HANDLERS.get(deadline.kind)
            if handler is not None:
                handler(deadline)
            else:
                log.info("deadline %s breached; no handler for %s", deadline.uuid, deadline.kind)
    return claimed
