"""Points metrics for a territory node and a period, computed from sign-ups and ledger entries.

Definitions are in docs/points.md; keep the two in step. Residents are the Person rows whose
grid lies under the node; an activity and an account belong to the node of their community.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import Period, ratio, register

from .models import AccountKind, Entry, EntryKind, PartyRecord, RecordStatus, Signup

LEVELS = ("district", "street", "community")


def _attended(node: Any, period: Period) -> Any:
    lo, hi = period.bounds()
    return Signup.objects.attended().filter(
        activity__community__path__startswith=node.path,
        checked_out_at__gte=lo,
        checked_out_at__lt=hi,
    )


def _residents(node: Any) -> int:
    from cogov.people.models import Person

    return Person.objects.filter(grid__path__startswith=node.path).count()


@register(
    "points.volunteer_participation_rate",
    _("Volunteer participation rate"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=LEVELS,
)
def participation_rate(node: Any, period: Period) -> Decimal | None:
    """Residents of the node who served in at least one activity of the node in the period /
    residents of the node."""
    from cogov.people.models import Person

    served = (
        Person.objects.filter(grid__path__startswith=node.path)
        .filter(Exists(_attended(node, period).filter(person=OuterRef("pk"))))
        .count()
    )
    return ratio(served, _residents(node))


@register(
    "points.hours_per_1000_residents",
    _("Volunteer hours per 1,000 residents"),
    unit=_("hours"),
    levels=LEVELS,
)
def hours_per_1000(node: Any, period: Period) -> Decimal | None:
    """Hours served in the node's activities in the period × 1,000 / residents of the node."""
    residents = _residents(node)
    if not residents:
        return None
    hours = _attended(node, period).aggregate(h=Sum("hours"))["h"] or Decimal(0)
    return (Decimal(hours) * 1000 / residents).quantize(Decimal("0.01"))


@register(
    "points.active_party_member_share",
    _("Share of active party members"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=LEVELS,
)
def active_party_members(node: Any, period: Period) -> Decimal | None:
    """Party members of branches based under the node who served in an activity or had an
    approved task record in the period / those party members."""
    from cogov.people.models import PartyMember

    members = PartyMember.objects.filter(branch__node__path__startswith=node.path)
    lo, hi = period.bounds()
    served = Signup.objects.attended().filter(
        person=OuterRef("person"), checked_out_at__gte=lo, checked_out_at__lt=hi
    )
    tasks = PartyRecord.objects.filter(
        member=OuterRef("pk"),
        status=RecordStatus.APPROVED,
        bucket="task",
        occurred_on__gte=period.start,
        occurred_on__lt=period.end,
    )
    active = members.filter(Exists(served) | Exists(tasks)).count()
    return ratio(active, members.count())


def _sum(node: Any, period: Period, kind: str) -> Decimal:
    lo, hi = period.bounds()
    total = Entry.objects.filter(
        account__community__path__startswith=node.path,
        account__kind=AccountKind.POINTS,
        kind=kind,
        occurred_at__gte=lo,
        occurred_at__lt=hi,
    ).aggregate(s=Sum("amount"))["s"]
    return Decimal(total or 0)


@register("points.points_issued", _("Points issued"), unit=_("points"), levels=LEVELS)
def points_issued(node: Any, period: Period) -> Decimal | None:
    """Points earned on the node's accounts in the period (earn entries; corrections are
    separate adjust entries and not netted here)."""
    return _sum(node, period, EntryKind.EARN)


@register("points.points_redeemed", _("Points redeemed"), unit=_("points"), levels=LEVELS)
def points_redeemed(node: Any, period: Period) -> Decimal | None:
    """Points spent in the shop in the period (spend entries, as a positive number), less
    refunds of cancelled redemptions made in the period."""
    spent = -_sum(node, period, EntryKind.SPEND)
    lo, hi = period.bounds()
    refunds = Entry.objects.filter(
        account__community__path__startswith=node.path,
        account__kind=AccountKind.POINTS,
        kind=EntryKind.ADJUST,
        redemption__isnull=False,
        occurred_at__gte=lo,
        occurred_at__lt=hi,
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return spent - Decimal(refunds)
