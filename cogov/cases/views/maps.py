"""Oversight pages: the map of open cases by grid (a choropleth on the grid polygons) and the
monthly ranking of streets and communities by the three rates and the composite score."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cogov.accounts.roles import METRICS
from cogov.accounts.scopes import reach
from cogov.core import metrics
from cogov.core.metrics import Period
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404

from ..exports import respond
from ..models import Case
from ..predicates import VIEW, case_paths, covers
from .common import grids_geojson, require

RANKED_METRICS = (
    "cases.response_rate",
    "cases.resolution_rate",
    "cases.satisfaction_rate",
    "cases.composite_score",
)
LEVELS = {Level.STREET: _("Streets"), Level.COMMUNITY: _("Communities")}


def _top_nodes(user: Any, paths: list[str]) -> list[Node]:
    if reach(user).everything:
        return list(Node.objects.active().filter(parent__isnull=True).order_by("code"))
    return list(Node.objects.filter(path__in=paths).order_by("path"))


@login_required
@require_GET
def case_map(request: HttpRequest, uuid: Any = None) -> HttpResponse:
    """Open cases per grid under a node the user oversees."""
    user: Any = request.user
    tops = _top_nodes(user, case_paths(reach(user), VIEW))
    require(bool(tops))
    node = get_visible_or_404(Node.objects, user, uuid=uuid) if uuid else tops[0]
    require(covers(user, VIEW, node.path))
    grids = list(
        Node.objects.active()
        .of_level(Level.GRID)
        .within(node)
        .filter(geometry__isnull=False)
        .order_by("code")
    )
    open_cases = Case.objects.visible_to(user).open().in_region(node)
    counts = dict(open_cases.values("grid_id").annotate(n=Count("pk")).values_list("grid_id", "n"))
    overdue = open_cases.filter(overdue=True).count()
    children = list(Node.objects.active().filter(parent=node).order_by("code"))
    child_counts = {c.pk: 0 for c in children}
    by_grid = {g.pk: g for g in grids}
    for grid_id, n in counts.items():
        grid = by_grid.get(grid_id)
        if grid is None:
            continue
        for c in children:
            if grid.path.startswith(c.path):
                child_counts[c.pk] += n
    crumbs = [
        n
        for n in Node.objects.visible_to(user).filter(pk__in=node.ancestor_ids())
        if covers(user, VIEW, n.path)
    ]
    crumbs.sort(key=lambda n: len(n.path))
    return render(
        request,
        "cases/map.html",
        {
            "section": "cases",
            "node": node,
            "tops": tops,
            "crumbs": crumbs,
            "geojson": grids_geojson(grids, counts),
            "total": sum(counts.values()),
            "overdue": overdue,
            "max_count": max(counts.values(), default=0),
            "children": [{"node": c, "open": child_counts[c.pk]} for c in children],
        },
    )


def _shown(key: str, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if key == "cases.composite_score":
        return f"{value:.1f}"
    return f"{value * 100:.1f}%"


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def _ranking(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    r = reach(user)
    tops = (
        list(Node.objects.active().filter(parent__isnull=True).order_by("code"))
        if r.everything
        else list(Node.objects.filter(path__in=r.paths_with(METRICS)).order_by("path"))
    )
    require(bool(tops))
    node_uuid = request.GET.get("node")
    node = get_visible_or_404(Node.objects, user, uuid=node_uuid) if node_uuid else tops[0]
    require(user.has_perm("core.view_metrics", node))
    # Without a chosen period: last month, or the latest month with cases when last month has
    # none (an archive or the demo's year, which ends before today).
    period_text = request.GET.get("period") or Case.objects.in_region(
        node
    ).reported_month_or_latest(_last_month())
    try:
        period = Period.parse(period_text)
    except ValueError:
        period_text = _last_month()
        period = Period.parse(period_text)
    level = request.GET.get("level") or (
        Level.COMMUNITY if node.level == Level.STREET else Level.STREET
    )
    if level not in LEVELS:
        level = Level.STREET
    units = list(Node.objects.active().of_level(level).within(node).order_by("code"))
    if not units and level == Level.STREET:
        level = Level.COMMUNITY
        units = list(Node.objects.active().of_level(level).within(node).order_by("code"))
    parents: dict[int | None, Node] = {
        n.pk: n for n in Node.objects.filter(pk__in={u.parent_id for u in units})
    }
    # Each metric for all the units at once (its batched form: one query per metric).
    computed = {key: metrics.compute_many(key, units, period) for key in RANKED_METRICS}
    rows: list[dict[str, Any]] = []
    for unit in units:
        values = {key: computed[key][unit.pk] for key in RANKED_METRICS}
        cells = [(metrics.get(key).label, _shown(key, values[key])) for key in RANKED_METRICS]
        rows.append(
            {"node": unit, "parent": parents.get(unit.parent_id), "values": values, "cells": cells}
        )
    sort = request.GET.get("sort") or "cases.composite_score"
    if sort not in RANKED_METRICS:
        sort = "cases.composite_score"
    ascending = request.GET.get("dir") == "asc"
    # Units with no data go last whichever way the list is sorted.
    with_data = [row for row in rows if row["values"][sort] is not None]
    without = [row for row in rows if row["values"][sort] is None]
    with_data.sort(key=lambda row: row["values"][sort], reverse=not ascending)
    rows = with_data + without
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["values"][sort] is not None else None
    return {
        "section": "cases",
        "node": node,
        "tops": tops,
        "period": period_text,
        "level": level,
        "levels": LEVELS,
        "rows": rows,
        "sort": sort,
        "ascending": ascending,
        "columns": [(key, metrics.get(key).label) for key in RANKED_METRICS],
    }


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/ranking.html", _ranking(request))


def _cell(key: str, value: Decimal | None) -> Any:
    if value is None:
        return ""
    if key == "cases.composite_score":
        return float(value)
    return float((value * 100).quantize(Decimal("0.01")))


@login_required
@require_GET
def ranking_export(request: HttpRequest, fmt: str) -> HttpResponse:
    context = _ranking(request)
    headers = [
        "名次",
        "编码",
        "名称",
        "上级",
        "响应率(%)",
        "解决率(%)",
        "满意率(%)",
        "综合得分",
    ]
    rows = [
        [
            row["rank"] or "",
            row["node"].code,
            row["node"].name,
            row["parent"].name if row["parent"] else "",
            *(_cell(key, row["values"][key]) for key in RANKED_METRICS),
        ]
        for row in context["rows"]
    ]
    return respond(fmt, f"ranking-{context['period']}", headers, rows)
