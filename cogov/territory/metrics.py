"""Metrics of the territory, for a node and a period.

Buildings and households carry no dates, so these are the state of the register now, over the
grids in force on the last day of the period. A retired node keeps its records' history but
its buildings have moved to its successors, so its counts are zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cogov.core.metrics import Period, register
from cogov.core.models import Policy
from cogov.core.policies import get_policy

from .models import Household, Level, Node


def _last_day(period: Period) -> dt.date:
    return period.end - dt.timedelta(days=1)


def _grids(node: Node, period: Period) -> Any:
    return Node.objects.within(node).of_level(Level.GRID).active(_last_day(period))


def grid_household_counts(node: Node, period: Period) -> dict[int, int]:
    """{grid id: households} for the grids in force under `node` at the end of `period`."""
    rows = _grids(node, period).annotate(n=Count("buildings__households")).values_list("pk", "n")
    return dict(rows)


@register("territory.households", _("Households"), unit=_("households"))
def households(node: Node, period: Period) -> Decimal | None:
    """Households registered in the buildings under the node."""
    return Decimal(Household.objects.within(node).count())


@register("territory.buildings", _("Buildings"), unit=_("buildings"))
def buildings(node: Node, period: Period) -> Decimal | None:
    """Buildings registered under the node."""
    from .models import Building

    return Decimal(Building.objects.within(node).count())


@register("territory.grids", _("Grids"), unit=_("grids"))
def grids(node: Node, period: Period) -> Decimal | None:
    """Grids in force under the node on the last day of the period."""
    return Decimal(_grids(node, period).count())


@register("territory.households_per_grid", _("Households per grid (mean)"), unit=_("households"))
def households_per_grid(node: Node, period: Period) -> Decimal | None:
    """Mean households per grid over the grids in force at the end of the period."""
    counts = grid_household_counts(node, period)
    if not counts:
        return None
    return (Decimal(sum(counts.values())) / Decimal(len(counts))).quantize(Decimal("0.01"))


@register(
    "territory.grids_outside_size",
    _("Grids outside the size range"),
    unit=_("grids"),
    direction="cost",
)
def grids_outside_size(node: Node, period: Period) -> Decimal | None:
    """Grids whose household count is outside the `territory.grid_size` policy in force there."""
    on = _last_day(period)
    grids = list(
        _grids(node, period).select_related("parent").annotate(n=Count("buildings__households"))
    )
    if not grids:
        return Decimal(0)
    # The policy is resolved once per community unless a grid has a policy of its own.
    own = set(
        Policy.objects.filter(
            kind="territory.grid_size", node_id__in=[g.pk for g in grids]
        ).values_list("node_id", flat=True)
    )
    by_scope: dict[int, Any] = {}
    outside = 0
    for g in grids:
        scope = g if g.pk in own or g.parent is None else g.parent
        if scope.pk not in by_scope:
            by_scope[scope.pk] = get_policy("territory.grid_size", scope, on)
        size = by_scope[scope.pk]
        if not size.min_households <= g.n <= size.max_households:  # type: ignore[attr-defined]
            outside += 1
    return Decimal(outside)
