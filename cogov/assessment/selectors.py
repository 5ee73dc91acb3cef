"""Reads of assessment that are more than one QuerySet chain: a round's results as the user may
see them, and a dashboard's data (read from the rollups, never from the records)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cogov.core import metrics as registry
from cogov.core.metrics import Period

from . import rollups
from .engine import profiles
from .models import ORG_LEVELS, Result, Round, RoundStatus

GRADE_LABELS = {
    "excellent": "优秀",
    "competent": "称职",
    "basic": "基本称职",
    "incompetent": "不称职",
}


def visible_results(rnd: Round, user: Any) -> list[Result]:
    """The round's results over the units the user reaches (a street official: their street's)."""
    from cogov.territory.models import Node

    nodes = Node.objects.visible_to(user)
    results = rnd.results.select_related("node", "organization")  # type: ignore[attr-defined]
    if rnd.level in ORG_LEVELS:
        return list(results.filter(organization__node__in=nodes))
    return list(results.filter(node__in=nodes))


def _num(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def metric_choices(node: Any) -> list[registry.Metric]:
    return [m for m in registry.all_metrics() if node.level in m.levels]


def dashboard_data(user: Any, node: Any, metric_key: str, period: Period) -> dict[str, Any]:
    """Everything a dashboard shows for `node` (district, street, community) and one metric:
    its children the user reaches with their values, ranked, as GeoJSON for the map; the
    node's monthly trend when the period is a calendar year; the node's indicator radar from
    the latest published round that evaluated it. Every metric value comes from the rollups
    (two queries when they are clean: the children, the trend).

    The benchmark calls this (bench/b_dashboards.py): `dashboard_data(user, district,
    "cases.on_time_closure_rate", Period.year(2026))`."""
    from cogov.territory.models import Node

    metric = registry.get(metric_key)
    children = list(
        Node.objects.visible_to(user)
        .filter(parent=node, level__in=metric.levels)
        .order_by("code")
        .only("pk", "uuid", "name", "code", "level", "geometry", "path")
    )
    vals = rollups.values(metric_key, children, period)
    rows: list[dict[str, Any]] = [{"node": c, "value": _num(vals[c.pk])} for c in children]
    sign = 1 if metric.direction == "cost" else -1
    known = sorted((r for r in rows if r["value"] is not None), key=lambda r: sign * r["value"])
    rank = {id(r): i + 1 for i, r in enumerate(known)}
    for r in rows:
        r["rank"] = rank.get(id(r))
    trend: list[list[Any]] = []
    if (
        node.level in metric.levels
        and period.start.month == 1
        and period.start.day == 1
        and period.end == period.start.replace(year=period.start.year + 1)
    ):
        months = [Period.month(period.start.year, m) for m in range(1, 13)]
        trend = [
            [f"{p.start:%Y-%m}", _num(v)]
            for p, v in zip(months, rollups.series(metric_key, node, months), strict=True)
        ]
    geo = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": r["node"].geometry,
                "properties": {
                    "name": r["node"].name,
                    "value": r["value"],
                    "url": str(r["node"].uuid),
                    "level": r["node"].level,
                },
            }
            for r in rows
            if r["node"].geometry
        ],
    }
    return {
        "metric": metric,
        "rows": rows,
        "ranking": sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0)),
        "trend": trend,
        "geo": geo,
        "radar": unit_radar(user, node),
    }


def unit_radar(user: Any, node: Any) -> dict[str, Any] | None:
    """The node's indicator profile (0–100, higher is better) in the latest published round
    that evaluated it, or None."""
    rnd = (
        Round.objects.visible_to(user)
        .filter(status=RoundStatus.PUBLISHED, results__node=node)
        .order_by("-period_end", "-published_at")
        .first()
    )
    if rnd is None:
        return None
    prof = profiles(rnd.snapshot)
    values = prof["units"].get(str(node.pk))
    if not values:
        return None
    return {
        "round": rnd.name,
        "round_uuid": str(rnd.uuid),
        "indicators": prof["indicators"],
        "values": values,
    }


def tree_rows(version: Any) -> list[dict[str, Any]]:
    """The version's tree, depth-first, each node with its depth, local and global weight, how
    its local weights are set ("ahp", "given", "equal"), its AHP report (group matrix over its
    children) and, for a bound indicator, whether the metric is available ("" or why not)."""
    from .actions.systems import consistency
    from .engine import DEFAULT_PARAMS, availability, local_weights
    from .models import Indicator

    params = {**DEFAULT_PARAMS, **version.params}
    nodes = list(Indicator.objects.filter(version=version))
    kids: dict[int | None, list[Any]] = {}
    for n in nodes:
        kids.setdefault(n.parent_id, []).append(n)
    for v in kids.values():
        v.sort(key=lambda n: (n.order, n.pk))
    rows: list[dict[str, Any]] = []

    def walk(node: Any, depth: int, local: float, glob: float) -> None:
        children = kids.get(node.pk, [])
        report, error, how = None, "", ""
        weights: list[float] = []
        if children:
            try:
                weights = local_weights(node, children, params)
                report = consistency(node, params) if node.judgements else None
            except ValueError as exc:
                error = str(exc)
                weights = [1 / len(children)] * len(children)
            how = (
                "ahp"
                if node.judgements and not error
                else "given"
                if all(c.weight is not None for c in children)
                else "equal"
            )
        rows.append(
            {
                "node": node,
                "depth": depth,
                "indent": depth * 1.25,
                "local": local,
                "global": glob,
                "how": how,
                "report": report,
                "error": error,
                "children": children,
                "missing": availability(node.metric_key) if node.metric_key else "",
            }
        )
        for child, w in zip(children, weights, strict=True):
            walk(child, depth + 1, w, glob * w)

    for root in kids.get(None, []):
        walk(root, 0, 1.0, 1.0)
    return rows
