"""Pages: the list of rounds, a round's ranking with the two-block analysis, xlsx export."""

from __future__ import annotations

import io
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cogov.web.access import get_visible_or_404

from .defaults import block_analysis
from .engine import profiles
from .models import Round

GRADE_LABELS = {
    "excellent": "优秀",
    "competent": "称职",
    "basic": "基本称职",
    "incompetent": "不称职",
}


def _results(rnd: Round, user: object) -> list:
    """A street official sees only the units under their street."""
    from cogov.territory.models import Node

    nodes = Node.objects.visible_to(user)
    return list(rnd.results.filter(node__in=nodes).select_related("node"))  # type: ignore[attr-defined]


def round_list(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.visible_to(request.user).select_related("scope", "version__system")
    return render(request, "assessment/round_list.html", {"rounds": rounds})


def round_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    rnd = get_visible_or_404(Round.objects.select_related("scope"), request.user, uuid=uuid)
    results = _results(rnd, request.user)
    analysis = block_analysis(results, {r.node_id: r.node.name for r in results})
    prof = profiles(rnd.snapshot)
    radar = {
        "indicators": prof["indicators"],
        "units": [
            {"name": r.node.name, "values": prof["units"].get(str(r.node_id), [])} for r in results
        ],
    }
    template = "assessment/round_print.html" if "print" in request.GET else None
    return render(
        request,
        template or "assessment/round_detail.html",
        {
            "radar": radar,
            "round": rnd,
            "results": results,
            "grades": GRADE_LABELS,
            "analysis": analysis,
            "analysis_json": json.dumps(analysis, ensure_ascii=False),
            "skipped": rnd.snapshot.get("skipped_metrics", []),
        },
    )


def round_export(request: HttpRequest, uuid: str) -> HttpResponse:
    from openpyxl import Workbook

    rnd = get_visible_or_404(Round.objects.all(), request.user, uuid=uuid)
    wb = Workbook()
    ws = wb.active
    ws.append([_("Rank"), _("Unit"), _("Score"), _("Grade")])
    for r in _results(rnd, request.user):
        ws.append([r.rank, r.node.name, r.score, GRADE_LABELS.get(r.grade, r.grade)])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="round-{rnd.uuid}.xlsx"'
    return response


def _num(v: object) -> float | None:
    return None if v is None else float(v)  # type: ignore[arg-type]


def dashboard(request: HttpRequest, uuid: str) -> HttpResponse:
    """District → street → community → grid: the children of a node coloured by one metric
    (read from rollups), a monthly trend of the node, and links to drill down."""
    from cogov.core import metrics as registry
    from cogov.core.metrics import Period
    from cogov.territory.models import Node

    from . import rollups

    node = get_visible_or_404(Node.objects.all(), request.user, uuid=uuid)
    if not request.user.has_perm("assessment.view_round", node):
        from django.http import Http404

        raise Http404
    choices = [m for m in registry.all_metrics() if node.level in m.levels]
    key = request.GET.get("metric") or (choices[0].key if choices else "")
    if key not in {m.key for m in choices}:
        key = choices[0].key if choices else ""
    try:
        period = Period.parse(request.GET.get("period", ""))
    except ValueError:
        from django.utils import timezone

        period = Period.year(timezone.localdate().year)
    children = list(Node.objects.visible_to(request.user).filter(parent=node).order_by("code"))
    metric = registry.get(key) if key else None
    rows: list[dict[str, object]] = []
    trend: list[list[object]] = []
    if metric:
        kids = [c for c in children if c.level in metric.levels]
        vals = rollups.values(key, kids, period)
        rows = [{"node": c, "value": _num(vals[c.pk])} for c in kids]
        if period.end.year - period.start.year == 1 and period.start.month == 1:
            months = [Period.month(period.start.year, m) for m in range(1, 13)]
            trend = [
                [f"{p.start:%Y-%m}", _num(v)] for p in months for v in [rollups.value(key, node, p)]
            ]
    geo = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": r["node"].geometry,  # type: ignore[attr-defined]
                "properties": {"name": r["node"].name, "value": r["value"]},  # type: ignore[attr-defined]
            }
            for r in rows
            if r["node"].geometry  # type: ignore[attr-defined]
        ],
    }
    return render(
        request,
        "assessment/dashboard.html",
        {
            "node": node,
            "metric": metric,
            "choices": choices,
            "period_text": request.GET.get("period") or str(period.start.year),
            "rows": rows,
            "data": {"geo": geo, "trend": trend},
        },
    )
