"""Campaign metrics for a territory node and a period, computed from CampaignHousehold, Visit
and Finding rows (never counters). Definitions in docs/campaigns.md."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import Period, ratio, register

from .handoff import targets
from .models import Campaign, CampaignHousehold, Finding, Visit

LEVELS = ("district", "street", "community", "grid")


def _campaigns(node: Any, period: Period) -> Any:
    """Campaigns active at some time in the period."""
    start, end = period.bounds()
    return Campaign.objects.filter(activated_at__isnull=False, activated_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=start)
    )


@register(
    "campaigns.coverage",
    _("Campaign coverage"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=LEVELS,
)
def coverage(node: Any, period: Period) -> Decimal | None:
    """Households of the node in campaigns active in the period that had been visited by the
    end of the period / those households."""
    _start, end = period.bounds()
    rows = CampaignHousehold.objects.filter(
        campaign__in=_campaigns(node, period), territory_path__startswith=node.path
    ).aggregate(total=Count("id"), visited=Count("id", filter=Q(visited_at__lt=end)))
    return ratio(rows["visited"], rows["total"])


@register(
    "campaigns.time_to_coverage",
    _("Time to full coverage"),
    unit=_("hours"),
    direction="cost",
    levels=LEVELS,
)
def time_to_coverage(node: Any, period: Period) -> Decimal | None:
    """Mean hours from activation to the first visit of the node's last household, over the
    campaigns whose households in the node were all visited within the period."""
    start, end = period.bounds()
    spans = []
    for campaign in _campaigns(node, period):
        agg = CampaignHousehold.objects.filter(
            campaign=campaign, territory_path__startswith=node.path
        ).aggregate(
            total=Count("id"),
            pending=Count("id", filter=Q(visited_at__isnull=True)),
            last=Max("visited_at"),
        )
        if agg["total"] and not agg["pending"] and start <= agg["last"] < end:
            spans.append((agg["last"] - campaign.activated_at).total_seconds() / 3600)
    if not spans:
        return None
    return Decimal(sum(spans) / len(spans)).quantize(Decimal("0.01"))


@register(
    "campaigns.visits_per_worker", _("Visits per campaign worker"), unit=_("visits"), levels=LEVELS
)
def visits_per_worker(node: Any, period: Period) -> Decimal | None:
    """Visits in the node in the period / people who made them."""
    start, end = period.bounds()
    agg = Visit.objects.filter(
        entry__territory_path__startswith=node.path, server_time__gte=start, server_time__lt=end
    ).aggregate(visits=Count("id"), people=Count("visitor", distinct=True))
    return ratio(agg["visits"], agg["people"])


def _needs(node: Any, period: Period) -> Any:
    start, end = period.bounds()
    return Finding.objects.filter(
        kind="need",
        entry__territory_path__startswith=node.path,
        found_at__gte=start,
        found_at__lt=end,
    )


@register("campaigns.needs_found", _("Needs found in campaigns"), unit=_("needs"), levels=LEVELS)
def needs_found(node: Any, period: Period) -> Decimal | None:
    """Needs found on visits in the node in the period."""
    return Decimal(_needs(node, period).count())


@register("campaigns.needs_resolved", _("Needs found and resolved"), unit=_("needs"), levels=LEVELS)
def needs_resolved(node: Any, period: Period) -> Decimal | None:
    """Needs found in the period whose hand-off is resolved now (for a case: the case closed)."""
    refs: dict[str, list[str]] = {}
    for target, ref in (
        _needs(node, period).exclude(handoff_ref="").values_list("handoff_target", "handoff_ref")
    ):
        refs.setdefault(target, []).append(ref)
    registry = targets()
    done = sum(len(registry[t].resolved(r)) if t in registry else 0 for t, r in refs.items())
    return Decimal(done)
