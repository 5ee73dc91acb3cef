"""What the funds app contributes to dashboards and assessment (docs/funds.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import Period, notifies, register

from .models import AccountKind, EntryKind, JournalLine

LEVELS = ("district", "street", "community")
RATE = Decimal("0.0001")


def _net(lines: Any) -> Decimal:
    row = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return Decimal(row["d"] or 0) - Decimal(row["c"] or 0)


def _lines(node: Any, period: Period) -> Any:
    return JournalLine.objects.filter(
        account__fund__community__path__startswith=node.path,
        entry__occurred_on__gte=period.start,
        entry__occurred_on__lt=period.end,
    )


@register(
    "funds.execution_rate",
    _("Fund execution rate"),
    unit=pgettext_lazy("funds", "share"),
    direction="benefit",
    levels=LEVELS,
)
def execution_rate(node: Any, period: Period) -> Decimal | None:
    """Money paid out (payments less refunds and reversals) by the funds of the communities in
    the area, dated in the period, divided by the money allocated to them in the period (new
    allocations and carry-overs, less reversals). None when nothing was allocated."""
    lines = _lines(node, period)
    spent = _net(lines.filter(account__kind=AccountKind.SPENT))
    allocated = -_net(lines.filter(account__kind=AccountKind.SOURCE))
    if allocated <= 0:
        return None
    return (spent / allocated).quantize(RATE)


COMMITMENT_MOVES = Q(entry__kind__in=[EntryKind.COMMITMENT, EntryKind.RELEASE]) | Q(
    entry__kind=EntryKind.REVERSAL,
    entry__reverses__kind__in=[EntryKind.COMMITMENT, EntryKind.RELEASE],
)


@register(
    "funds.resident_decided_share",
    _("Share of funds decided by residents"),
    unit=pgettext_lazy("funds", "share"),
    direction="benefit",
    levels=LEVELS,
)
def resident_decided_share(node: Any, period: Period) -> Decimal | None:
    """Of the money committed to budget lines in the period (commitments less releases and
    their reversals, in the funds of the communities in the area), the share whose budget line
    was decided by residents (a participatory-budgeting vote, a residents' meeting). None when
    nothing was committed."""
    lines = _lines(node, period).filter(COMMITMENT_MOVES, account__kind=AccountKind.COMMITTED)
    total = _net(lines)
    if total <= 0:
        return None
    by_residents = _net(lines.filter(budget__decided_by_residents=True))
    return (max(by_residents, Decimal(0)) / total).quantize(RATE)


# Every change to what these metrics count is a journal entry, and `ledger.post` (the only
# writer of entries) calls `touched("funds", community path, [entry date])`: values may be cached.
notifies("funds")
