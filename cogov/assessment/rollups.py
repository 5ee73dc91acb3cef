"""Rollups: cached metric values per (metric, node, period), so dashboards read rows, not events.

How they stay correct (docs/assessment.md, "Rollups"):

* Capability apps call `cogov.core.metrics.touched(app, path, dates)` from the actions that change
  what their metrics count (cases from `workflow.move` and the few direct updates). Assessment
  subscribes (`on_touched`, wired in AppConfig.ready): every rollup of a metric "<app>.…" of the
  node at `path` or one of its ancestors whose period contains one of `dates` is marked dirty and
  its `stamp` is bumped. The notice is heard inside the writer's transaction (which marks only
  rows that are still clean, so that writers do not queue on rows already dirty) and again after
  its commit (which bumps every affected row).
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
    if not registry.committed():
        # Inside the writer's transaction only clean rows are marked: a row stays locked until
        # that transaction ends, and every intake of a city touches the same district rows, so
        # marking rows that are already dirty would queue all writers behind each other. The
        # notice after the commit bumps every row's stamp, dirty or not, which is what keeps a
        # computation that overlapped the change from storing its value as clean.
        rows = rows.filter(dirty=False)
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


def _store_many(
    key: str, nodes: list[Any], period: Period, rows: dict[int, Rollup]
) -> dict[int, Decimal | None]:
    """Recompute `key` for `nodes` over `period` in one batch (`registry.compute_many`) and
    store each value unless its row's stamp moved meanwhile. `rows` holds the rows already
    read ({node pk: row}); the missing ones are created dirty first, so their stamps are
    noted before the computation."""
    missing = [n for n in nodes if n.pk not in rows]
    if missing:
        now = timezone.now()
        Rollup.objects.bulk_create(
            [
                Rollup(
                    metric=key,
                    node=n,
                    period_start=period.start,
                    period_end=period.end,
                    computed_at=now,
                    dirty=True,
                )
                for n in missing
            ],
            ignore_conflicts=True,  # some created meanwhile by a concurrent reader
        )
        rows = {**rows}
        for row in Rollup.objects.filter(
            metric=key, node__in=missing, period_start=period.start, period_end=period.end
        ):
            rows[row.node_id] = row
    stamps = {n.pk: rows[n.pk].stamp for n in nodes}
    computed = registry.compute_many(key, nodes, period)
    now = timezone.now()
    for n in nodes:
        Rollup.objects.filter(pk=rows[n.pk].pk, stamp=stamps[n.pk]).update(
            value=computed[n.pk], computed_at=now, dirty=False
        )
    return computed


def _store(key: str, node: Any, period: Period, row: Rollup | None = None) -> Decimal | None:
    return _store_many(key, [node], period, {node.pk: row} if row else {})[node.pk]


def values(key: str, nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    """The metric for many nodes in one query; missing or dirty rows recompute now, all
    together (`registry.compute_many`: one batch for the metric when it has a batched form).
    A metric whose app does not notify its changes (`cogov.core.metrics.cacheable`) is
    computed afresh."""
    if not registry.cacheable(key):
        return registry.compute_many(key, nodes, period)
    rows = {
        r.node_id: r
        for r in Rollup.objects.filter(
            metric=key, node__in=nodes, period_start=period.start, period_end=period.end
        )
    }
    stale = [n for n in nodes if n.pk not in rows or rows[n.pk].dirty]
    fresh = _store_many(key, stale, period, rows) if stale else {}
    return {n.pk: fresh[n.pk] if n.pk in fresh else rows[n.pk].value for n in nodes}


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


def _repair(dirty: Any) -> int:
    """Recompute the rollup rows of `dirty` (a queryset), a batch per metric and period."""
    groups: dict[tuple[str, Period], dict[int, Rollup]] = {}
    nodes: dict[tuple[str, Period], list[Any]] = {}
    for row in dirty.select_related("node"):
        group = (row.metric, Period(row.period_start, row.period_end))
        groups.setdefault(group, {})[row.node_id] = row
        nodes.setdefault(group, []).append(row.node)
    for (key, period), rows in groups.items():
        _store_many(key, nodes[(key, period)], period, rows)
    return sum(len(rows) for rows in groups.values())


def refresh_dirty() -> int:
    """Recompute every dirty rollup (a worker or cron runs this between readers)."""
    return _repair(Rollup.objects.filter(dirty=True))


def refresh(period: Period, *, dirty_only: bool = False, keys: list[str] | None = None) -> int:
    """Fill (or only repair) the rollups of every node and metric for `period`, a batch per
    metric (`registry.compute_many`)."""
    from cogov.territory.models import Node

    if dirty_only:
        return _repair(
            Rollup.objects.filter(dirty=True, period_start=period.start, period_end=period.end)
        )
    metrics = [
        m
        for m in registry.all_metrics()
        if (keys is None or m.key in keys) and registry.cacheable(m.key)
    ]
    nodes = list(Node.objects.filter(level__in=["district", "street", "community", "grid"]))
    done = 0
    for m in metrics:
        wanted = [n for n in nodes if n.level in m.levels]
        if not wanted:
            continue
        rows = {
            r.node_id: r
            for r in Rollup.objects.filter(
                metric=m.key, period_start=period.start, period_end=period.end
            )
        }
        _store_many(m.key, wanted, period, rows)
        done += len(wanted)
    return done
