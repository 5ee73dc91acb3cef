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


def schedule(
    subject: models.Model,
    kind: str,
    due: Due,
    *,
    node: Any = None,
    start: dt.datetime | None = None,
) -> Deadline:
    """Store a deadline of `kind` on `subject`, due at `due.at` (see calendar.due_after)."""
    return Deadline.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        node=node,
        started_at=start or timezone.now(),
        due_at=due.at,
        basis=due.basis,
    )


_OPEN = {"met_at__isnull": True, "breached_at__isnull": True, "cancelled_at__isnull": True}


def _for(subject: models.Model, kind: str) -> models.QuerySet[Deadline]:
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        kind=kind,
    )


def meet(subject: models.Model, kind: str, at: dt.datetime | None = None) -> int:
    """Record that `subject` did what deadline `kind` asked. Returns how many were marked.

    A deadline already breached is marked too ("met late": both `breached_at` and `met_at` set),
    so on-time rates can be computed from the rows; a cancelled or already met one is not.
    """
    return (
        _for(subject, kind)
        .filter(met_at__isnull=True, cancelled_at__isnull=True)
        .update(met_at=at or timezone.now())
    )


def cancel(subject: models.Model, kind: str) -> int:
    """Withdraw the open deadline(s) of `kind` on `subject` (e.g. the case was voided)."""
    return _for(subject, kind).filter(**_OPEN).update(cancelled_at=timezone.now())


def sweep(now: dt.datetime | None = None, *, batch: int = 500) -> int:
    """Mark every overdue open deadline breached and run its handler once. Returns breaches.

    Safe on several workers at once: each deadline is claimed in its own transaction by a
    conditional UPDATE (still open → breached), so only one worker's UPDATE matches; on PostgreSQL
    rows another worker is handling are skipped (SKIP LOCKED) rather than waited for. The handler
    runs inside that transaction: if it raises, the breach is rolled back, logged, and retried by
    the next sweep, and this sweep carries on with the other deadlines.
    """
    now = now or timezone.now()
    claimed = 0
    after = 0  # keyset: each deadline is tried at most once per sweep, whatever happens to it
    while True:
        candidates = list(
            Deadline.objects.filter(due_at__lt=now, pk__gt=after, **_OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not candidates:
            return claimed
        for pk in candidates:
            after = pk
            try:
                claimed += _claim(pk, now)
            except Exception:
                log.exception("breach handler failed for deadline %s; the next sweep retries", pk)


def _claim(pk: int, now: dt.datetime) -> int:
    with transaction.atomic():
        # Lock the row if nobody else holds it; a no-op on SQLite, where writers are serialised.
        deadline = (
            Deadline.objects.select_for_update(skip_locked=True).filter(pk=pk, **_OPEN).first()
        )
        if deadline is None:
            return 0  # claimed by another worker, met or cancelled meanwhile
        won = Deadline.objects.filter(pk=pk, **_OPEN).update(breached_at=now)
        if not won:
            return 0
        deadline.breached_at = now
        handler = _HANDLERS.get(deadline.kind)
        if handler is not None:
            handler(deadline)
        else:
            log.info("deadline %s breached; no handler for %s", deadline.uuid, deadline.kind)
        return 1
