"""Rollups: cached metric values per (metric, node, period), so dashboards read rows, not events.

How they stay correct (docs/assessment.md, "Rollups"):

* Capability apps call `cogov.core.metrics.touched(app, path, dates)` from the actions that change
  what their metrics count (cases from `workflow.move` and the few direct updates). Assessment
  subscribes (`on_touched`, wired in AppConfig.ready): every rollup of a metric "<app>.…" of the
  node at `path` or one of its ancestors whose period contains one of `dates` is marked dirty and
  its `stamp` is bumped. The notice is heard inside the writer's transaction and again after its
  commit.
* A read (`values`, `series`) returns clean rows as they are and recomputes missing or dirty ones
  at once: a dashboard never shows a value older than the last committed change.
* A recomputation first makes sure the row exists (dirty), notes its stamp, computes, and stores
  the value only if the stamp has not moved meanwhile (a conditional UPDATE). A change that
  commits while the value is being computed therefore leaves the row dirty for the next read,
  instead of a stale value marked clean.
* Only metrics of apps that declare `notifies(app)` are cached (cases so far); the others are
  computed afresh on every read until their app calls `touched` from its actions.
* `cogov rollup YEAR --dirty` (or `refresh_dirty()`, run by a worker or cron) repairs dirty rows
  ahead of readers, so a busy dashboard rarely pays for a recomputation itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from cogov.core import metrics as registry
from cogov.core.metrics import Days, Period

from .models import Rollup


def on_touched(app: str, path: str, days: Days) -> int:
    """Listener of `cogov.core.metrics.touched`: mark the affected rollups dirty."""
    ids = [int(p) for p in path.strip("/").split("/") if p]
    if not ids:
        return 0
    rows = Rollup.objects.filter(metric__startswith=f"{app}.", node_id__in=ids)
    if days is not None:
        if not days:
            return 0
        overlap = Q()
        for day in days:
            overlap |= Q(period_start__lte=day, period_end__gt=day)
        rows = rows.filter(overlap)
    return rows.update(dirty=True, stamp=F("stamp") + 1)


def mark_dirty(node: Any, period: Period, metric_prefix: str = "") -> int:
    """Mark every rollup of `node` and its ancestors that overlaps `period` (optionally only
    metrics starting with `metric_prefix`); returns the count."""
    ids = node.ancestor_ids(include_self=True)
    rows = Rollup.objects.filter(
        node_id__in=ids, period_start__lt=period.end, period_end__gt=period.start
    )
    if metric_prefix:
        rows = rows.filter(metric__startswith=metric_prefix)
    return rows.update(dirty=True, stamp=F("stamp") + 1)


def _row(key: str, node: Any, period: Period) -> Rollup:
    lookup = {"metric": key, "node": node, "period_start": period.start, "period_end": period.end}
    try:
        with transaction.atomic():
            row, _ = Rollup.objects.get_or_create(
                **lookup, defaults={"computed_at": timezone.now(), "dirty": True}
            )
    except IntegrityError:  # created by a concurrent reader
        row = Rollup.objects.get(**lookup)
    return row


def _store(key: str, node: Any, period: Period, row: Rollup | None = None) -> Decimal | None:
    row = row or _row(key, node, period)
    stamp = row.stamp
    value = registry.compute(key, node, period)
    Rollup.objects.filter(pk=row.pk, stamp=stamp).update(
        value=value, computed_at=timezone.now(), dirty=False
    )
    return value


def values(key: str, nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    """The metric for many nodes in one query; missing or dirty rows recompute now. A metric
    whose app does not notify its changes (`cogov.core.metrics.cacheable`) is computed afresh."""
    if not registry.cacheable(key):
        return {n.pk: registry.compute(key, n, period) for n in nodes}
    rows = {
        r.node_id: r
        for r in Rollup.objects.filter(
            metric=key, node__in=nodes, period_start=period.start, period_end=period.end
        )
    }
    out: dict[int, Decimal | None] = {}
    for node in nodes:
        row = rows.get(node.pk)
        out[node.pk] = _store(key, node, period, row) if row is None or row.dirty else row.value
    return out


def value(key: str, node: Any, period: Period) -> Decimal | None:
    return values(key, [node], period)[node.pk]


def series(key: str, node: Any, periods: list[Period]) -> list[Decimal | None]:
    """The metric of one node over several periods (a trend) in one query."""
    if not registry.cacheable(key):
        return [registry.compute(key, node, p) for p in periods]
    wanted = {(p.start, p.end) for p in periods}
    rows = {
        (r.period_start, r.period_end): r
        for r in Rollup.objects.filter(
            metric=key,
            node=node,
            period_start__gte=min(p.start for p in periods),
            period_end__lte=max(p.end for p in periods),
        )
        if (r.period_start, r.period_end) in wanted
    }
    out: list[Decimal | None] = []
    for p in periods:
        row = rows.get((p.start, p.end))
        out.append(_store(key, node, p, row) if row is None or row.dirty else row.value)
    return out


def refresh_dirty() -> int:
    """Recompute every dirty rollup (a worker or cron runs this between readers)."""
    done = 0
    for row in Rollup.objects.filter(dirty=True).select_related("node"):
        _store(row.metric, row.node, Period(row.period_start, row.period_end), row)
        done += 1
    return done


def refresh(period: Period, *, dirty_only: bool = False, keys: list[str] | None = None) -> int:
    """Fill (or only repair) the rollups of every node and metric for `period`."""
    from cogov.territory.models import Node

    done = 0
    if dirty_only:
        for row in Rollup.objects.filter(
            dirty=True, period_start=period.start, period_end=period.end
        ).select_related("node"):
            _store(row.metric, row.node, period, row)
            done += 1
        return done
    metrics = [
        m
        for m in registry.all_metrics()
        if (keys is None or m.key in keys) and registry.cacheable(m.key)
    ]
    for node in Node.objects.filter(level__in=["district", "street", "community", "grid"]):
        for m in metrics:
            if node.level in m.levels:
                _store(m.key, node, period)
                done += 1
    return done
