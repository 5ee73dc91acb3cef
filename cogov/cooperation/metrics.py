"""Co-construction metrics for a territory node and a period, computed from the need,
project and resource rows and their events (docs/cooperation.md has the definitions).

Units are organizations, not territory nodes, so their contribution is a function beside the
registry (`unit_contribution`), like the cases app's department scorecard.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import Period, ratio, register

from .models import (
    DONE_STATUSES,
    Need,
    NeedEvent,
    Project,
    ProjectRating,
    ProjectResource,
    Resource,
    Wish,
)

LEVELS = ("district", "street", "community", "grid")
SHARE = pgettext_lazy("metric unit", "share")


def _in(period: Period, field: str) -> Q:
    start, end = period.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _needs(node: Any) -> QuerySet[Need]:
    return Need.objects.filter(territory_path__startswith=node.path)


@register("cooperation.need_conversion", _("Needs turned into projects"), unit=SHARE, levels=LEVELS)
def need_conversion(node: Any, period: Period) -> Decimal | None:
    """Needs listed in the period that were taken into a project (not later rejected or
    cancelled) / needs listed in the period."""
    listed = _needs(node).filter(_in(period, "listed_at"))
    converted = listed.filter(
        project_links__project__status__in=(
            "proposed",
            "deliberating",
            "approved",
            "claimed",
            "implementing",
            *DONE_STATUSES,
        )
    ).distinct()
    return ratio(converted.count(), listed.count())


@register(
    "cooperation.days_to_claim",
    _("Median days from listing to claim"),
    unit=_("days"),
    direction="cost",
    levels=LEVELS,
)
def days_to_claim(node: Any, period: Period) -> Decimal | None:
    """Median, over needs first claimed in the period (by a unit, or by being taken into a
    project), of the days between listing and that claim."""
    rows = (
        _needs(node)
        .filter(_in(period, "claimed_at"), listed_at__isnull=False)
        .values_list("listed_at", "claimed_at")
    )
    days = [
        (c - lst).total_seconds() / 86400 for lst, c in rows if lst is not None and c is not None
    ]
    if not days:
        return None
    return Decimal(str(statistics.median(days))).quantize(Decimal("0.01"))


@register("cooperation.fulfilment_rate", _("Claimed needs fulfilled"), unit=SHARE, levels=LEVELS)
def fulfilment_rate(node: Any, period: Period) -> Decimal | None:
    """Needs claimed in the period that are met now / needs claimed in the period."""
    claimed = _needs(node).filter(_in(period, "claimed_at"))
    return ratio(claimed.filter(status="met").count(), claimed.count())


@register(
    "cooperation.resource_use", _("Resources used against offered"), unit=SHARE, levels=LEVELS
)
def resource_use(node: Any, period: Period) -> Decimal | None:
    """Capacity committed to projects delivered in the period / capacity of the resources
    listed (verified) up to the end of the period and still available in it."""
    start, end = period.bounds()
    offered = (
        Resource.objects.filter(territory_path__startswith=node.path, listed_at__lt=end)
        .exclude(status__in=("offered", "declined"))
        .aggregate(s=Sum("capacity"))["s"]
        or 0
    )
    used = (
        ProjectResource.objects.filter(
            resource__territory_path__startswith=node.path,
            project__delivered_at__gte=start,
            project__delivered_at__lt=end,
        ).aggregate(s=Sum("quantity"))["s"]
        or 0
    )
    return ratio(used, offered)


@register(
    "cooperation.project_satisfaction",
    _("Residents' rating of projects"),
    unit=_("of 5"),
    levels=LEVELS,
)
def project_satisfaction(node: Any, period: Period) -> Decimal | None:
    """Mean score (1–5) of the ratings given in the period to the area's projects."""
    mean = (
        ProjectRating.objects.filter(project__territory_path__startswith=node.path)
        .filter(_in(period, "at"))
        .aggregate(m=Avg("score"))["m"]
    )
    return None if mean is None else Decimal(str(mean)).quantize(Decimal("0.01"))


@register(
    "cooperation.wishes_fulfilled", _("Micro-wishes delivered"), unit=_("wishes"), levels=LEVELS
)
def wishes_fulfilled(node: Any, period: Period) -> Decimal | None:
    """Micro-wishes delivered in the period."""
    return Decimal(
        Wish.objects.filter(territory_path__startswith=node.path)
        .filter(_in(period, "fulfilled_at"))
        .count()
    )


@register("cooperation.needs_listed", _("Needs listed"), unit=_("needs"), levels=LEVELS)
def needs_listed(node: Any, period: Period) -> Decimal | None:
    """Needs put on the public list in the period (from the list events)."""
    start, end = period.bounds()
    return Decimal(
        NeedEvent.objects.filter(
            subject__territory_path__startswith=node.path,
            to_status="listed",
            at__gte=start,
            at__lt=end,
        )
        .values("subject_id")
        .distinct()
        .count()
    )


# --- units: organizations, not territory nodes, so beside the registry -----------------------


@dataclass(frozen=True)
class Contribution:
    """A unit's part in co-construction in a period."""

    resources_offered: int
    capacity_offered: int
    capacity_used: int
    use_rate: Decimal | None  # used / offered
    needs_claimed: int
    projects_led: int
    projects_delivered: int
    average_rating: Decimal | None
    wishes_fulfilled: int


def unit_contribution(org: Any, period: Period) -> Contribution:
    """Resources the unit listed in the period and how much of them delivered projects used;
    needs it claimed; projects it led and delivered, and their mean rating; wishes it
    fulfilled. Computed from rows, never kept as counters."""
    start, end = period.bounds()
    offered = Resource.objects.filter(
        organization=org, listed_at__gte=start, listed_at__lt=end
    ).aggregate(n=Count("pk"), s=Sum("capacity"))
    used = (
        ProjectResource.objects.filter(
            resource__organization=org,
            project__delivered_at__gte=start,
            project__delivered_at__lt=end,
        ).aggregate(s=Sum("quantity"))["s"]
        or 0
    )
    led = Project.objects.filter(lead_organization=org, claimed_at__gte=start, claimed_at__lt=end)
    delivered = Project.objects.filter(
        lead_organization=org, delivered_at__gte=start, delivered_at__lt=end
    )
    mean = delivered.filter(rating__isnull=False).aggregate(m=Avg("rating"))["m"]
    return Contribution(
        resources_offered=offered["n"],
        capacity_offered=offered["s"] or 0,
        capacity_used=used,
        use_rate=ratio(used, offered["s"] or 0),
        needs_claimed=Need.objects.filter(
            claimed_by=org, claimed_at__gte=start, claimed_at__lt=end
        ).count(),
        projects_led=led.count(),
        projects_delivered=delivered.count(),
        average_rating=None if mean is None else Decimal(str(mean)).quantize(Decimal("0.01")),
        wishes_fulfilled=Wish.objects.filter(
            claimant_organization=org, fulfilled_at__gte=start, fulfilled_at__lt=end
        ).count(),
    )
