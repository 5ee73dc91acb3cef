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


Cell = tuple[int, Period]  # (node pk, period)


def _store_many(
    key: str, nodes: list[Any], periods: list[Period], rows: dict[Cell, Rollup]
) -> dict[Cell, Decimal | None]:
    """Recompute `key` for every node and period in one batch (`registry.compute_series`) and
    store each value unless its row's stamp moved meanwhile. `rows` holds the rows already read;
    the missing ones are created dirty first, so their stamps are noted before the
    computation.

    The metrics computed in the same batch as `key` (`registry.family`: the resolution and
    satisfaction rates) are stored too, in their cells that are missing or dirty, under the
    same stamp rule: the next rate of the dashboard then reads rollup rows."""
    cells = [(n.pk, p) for n in nodes for p in periods]
    siblings = [k for k in registry.family(key)[1:] if registry.cacheable(k)]
    read = {key: rows, **{k: _read(k, nodes, periods) for k in siblings}}
    stale = {key: cells}
    for k in siblings:
        stale[k] = [c for c in cells if c not in read[k] or read[k][c].dirty]
    for k, wanted in stale.items():
        read[k] = _created(k, [c for c in wanted if c not in read[k]], nodes, read[k])
    stamps = {k: {c: read[k][c].stamp for c in wanted} for k, wanted in stale.items()}
    computed = registry.compute_family_series(key, nodes, periods)
    now = timezone.now()
    out: dict[Cell, Decimal | None] = {}
    for k, series in computed.items():
        if k not in stamps:
            continue
        values = {(n.pk, p): v for n in nodes for p, v in zip(periods, series[n.pk], strict=True)}
        if k == key:
            out = {c: values[c] for c in cells}
        for cell, stamp in stamps[k].items():
            Rollup.objects.filter(pk=read[k][cell].pk, stamp=stamp).update(
                value=values[cell], computed_at=now, dirty=False
            )
    return out


def _created(
    key: str, missing: list[Cell], nodes: list[Any], rows: dict[Cell, Rollup]
) -> dict[Cell, Rollup]:
    """`rows` with rows created (dirty) for the `missing` cells of `key`."""
    if not missing:
        return rows
    now = timezone.now()
    by_pk = {n.pk: n for n in nodes}
    Rollup.objects.bulk_create(
        [
            Rollup(
                metric=key,
                node=by_pk[pk],
                period_start=p.start,
                period_end=p.end,
                computed_at=now,
                dirty=True,
            )
            for pk, p in missing
        ],
        ignore_conflicts=True,  # some created meanwhile by a concurrent reader
    )
    return {**rows, **_read(key, [by_pk[pk] for pk, _p in missing], [p for _pk, p in missing])}


def _read(key: str, nodes: list[Any], periods: list[Period]) -> dict[Cell, Rollup]:
    """The stored rows of `key` for these nodes and periods (one query)."""
    wanted = {(n.pk, p) for n in nodes for p in periods}
    found = Rollup.objects.filter(
        metric=key,
        node__in={n.pk for n in nodes},
        period_start__gte=min(p.start for p in periods),
        period_end__lte=max(p.end for p in periods),
    )
    cells = ((r.node_id, Period(r.period_start, r.period_end), r) for r in found)
    return {(pk, p): r for pk, p, r in cells if (pk, p) in wanted}


def values(key: str, nodes: list[Any], period: Period) -> dict[int, Decimal | None]:
    """The metric for many nodes in one query; missing or dirty rows recompute now, all
    together (`registry.compute_series`: one batch for the metric when it has a batched form).
    A metric whose app does not notify its changes (`cogov.core.metrics.cacheable`) is
    computed afresh."""
    if not registry.cacheable(key):
        return registry.compute_many(key, nodes, period)
    rows = _read(key, nodes, [period])
    stale = [n for n in nodes if (n.pk, period) not in rows or rows[(n.pk, period)].dirty]
    fresh = _store_many(key, stale, [period], rows) if stale else {}
    return {
        n.pk: fresh[(n.pk, period)] if (n.pk, period) in fresh else rows[(n.pk, period)].value
        for n in nodes
    }


def value(key: str, node: Any, period: Period) -> Decimal | None:
    return values(key, [node], period)[node.pk]


def series(key: str, node: Any, periods: list[Period]) -> list[Decimal | None]:
    """The metric of one node over several periods (a trend) in one query; the missing or
    dirty ones recompute together (one batch over those periods)."""
    if not registry.cacheable(key):
        return registry.compute_series(key, [node], periods)[node.pk]
    rows = _read(key, [node], periods)
    stale = [p for p in periods if (node.pk, p) not in rows or rows[(node.pk, p)].dirty]
    fresh = _store_many(key, [node], stale, rows) if stale else {}
    return [
        fresh[(node.pk, p)] if (node.pk, p) in fresh else rows[(node.pk, p)].value for p in periods
    ]


def _repair(dirty: Any) -> int:
    """Recompute the rollup rows of `dirty` (a queryset), a batch per metric and period."""
    groups: dict[tuple[str, Period], dict[Cell, Rollup]] = {}
    nodes: dict[tuple[str, Period], list[Any]] = {}
    for row in dirty.select_related("node"):
        period = Period(row.period_start, row.period_end)
        groups.setdefault((row.metric, period), {})[(row.node_id, period)] = row
        nodes.setdefault((row.metric, period), []).append(row.node)
    for (key, period), rows in groups.items():
        _store_many(key, nodes[(key, period)], [period], rows)
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
            (r.node_id, period): r
            for r in Rollup.objects.filter(
                metric=m.key, period_start=period.start, period_end=period.end
            )
        }
        _store_many(m.key, wanted, [period], rows)
        done += len(wanted)
    return done
