"""Rollups: cached metric values per (metric, node, period), so dashboards read rows, not events.

Apps that change records a metric counts call `mark_dirty(node, period)` after commit, e.g.
`transaction.on_commit(lambda: mark_dirty(case.grid, Period.month(y, m)))`. The node and every
ancestor (street, district) are marked for every period that overlaps; dirty rows recompute on
the next read (`value`) or by `cogov rollup`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from cogov.core import metrics as registry
from cogov.core.metrics import Period

from .models import Rollup


def mark_dirty(node: Any, period: Period) -> int:
    """Mark every rollup of `node` and its ancestors that overlaps `period`; returns the count."""
    ids = node.ancestor_ids(include_self=True)
    return Rollup.objects.filter(
        node_id__in=ids, period_start__lt=period.end, period_end__gt=period.start
    ).update(dirty=True)


def _store(key: str, node: Any, period: Period) -> Decimal | None:
    value = registry.compute(key, node, period)
    Rollup.objects.update_or_create(
        metric=key,
        node=node,
        period_start=period.start,
        period_end=period.end,
        defaults={"value": value, "computed_at": timezone.now(), "dirty": False},
    )
    return value


def values(key: str, nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    """The metric for many nodes in one query; missing or dirty rows recompute now."""
    rows = {
        r.node_id: r
        for r in Rollup.objects.filter(
            metric=key, node__in=nodes, period_start=period.start, period_end=period.end
        )
    }
    out: dict[int, Decimal | None] = {}
    for node in nodes:
        row = rows.get(node.pk)
        out[node.pk] = _store(key, node, period) if row is None or row.dirty else row.value
    return out


def value(key: str, node: Any, period: Period) -> Decimal | None:
    return values(key, [node], period)[node.pk]


def refresh(period: Period, *, dirty_only: bool = False, keys: list[str] | None = None) -> int:
    """Fill (or only repair) the rollups of every node and metric for `period`."""
    from cogov.territory.models import Node

    done = 0
    if dirty_only:
        for row in Rollup.objects.filter(
            dirty=True, period_start=period.start, period_end=period.end
        ).select_related("node"):
            _store(row.metric, row.node, period)
            done += 1
        return done
    metrics = [m for m in registry.all_metrics() if keys is None or m.key in keys]
    for node in Node.objects.filter(level__in=["district", "street", "community", "grid"]):
        for m in metrics:
            if node.level in m.levels:
                _store(m.key, node, period)
                done += 1
    return done
