"""Disclosure metrics for a territory node and a period (definitions in docs/disclosure.md).

`disclosure.timeliness`: of the obligations of the node's communities whose due date falls in
the period and has passed (or that are already published), the share published by their due
date. A still-missing obligation whose due date has passed counts as not on time; one not yet
due and not yet published is left out (it cannot be judged yet).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import Period, notifies, ratio, register

from .models import Obligation

LEVELS = ("district", "street", "community")


def timeliness_counts(node: Any, period: Period, today: dt.date | None = None) -> tuple[int, int]:
    """(published on time, judged) for the metric: one query."""
    today = today or timezone.localdate()
    row = (
        Obligation.objects.within(node)
        .due_between(period.start, period.end)
        .filter(Q(due_on__lt=today) | Q(fulfilled_on__isnull=False))
        .aggregate(
            judged=Count("pk"),
            on_time=Count("pk", filter=Q(fulfilled_on__lte=F("due_on"))),
        )
    )
    return row["on_time"], row["judged"]


@register(
    "disclosure.timeliness",
    _("Disclosure timeliness"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=LEVELS,
)
def timeliness(node: Any, period: Period) -> Decimal | None:
    """Obligations due in the period that were published by their due date / obligations due
    in the period whose due date has passed or that were published (a missing overdue one
    counts as not on time)."""
    on_time, judged = timeliness_counts(node, period)
    return ratio(on_time, judged)


# Every change to what timeliness counts notifies (`actions.touched`, with the due dates):
# obligations created (`trigger`, `scheduling.schedule`), fulfilled (`publish`), unfulfilled
# (`withdraw`), and judged once their due date has passed (`scheduling.remind_overdue`, the daily
# run, claims each newly overdue obligation once). Values may be cached.
notifies("disclosure")
