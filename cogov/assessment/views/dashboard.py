"""Dashboards: district → street → community → grid, coloured by a chosen metric, ranked, with
the node's monthly trend and radar; every value read through the rollups
(`selectors.dashboard_data`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cogov.core.metrics import Period
from cogov.web.access import get_visible_or_404

from ..selectors import dashboard_data, metric_choices


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """The node of the user's own (widest) metrics scope; an administrator's first district."""
    from cogov.accounts.scopes import reach
    from cogov.territory.models import Node

    r = reach(request.user)
    if r.everything:
        node = Node.objects.filter(parent=None).order_by("code").first()
    else:
        paths = sorted(r.paths_with("metrics"), key=lambda p: (p.count("/"), p))
        node = Node.objects.filter(path=paths[0]).first() if paths else None
    if node is None or node.level == "grid":
        raise Http404
    return redirect("assessment:dashboard", uuid=node.uuid)


@login_required
def dashboard(request: HttpRequest, uuid: Any) -> HttpResponse:
    from cogov.territory.models import Node

    node = get_visible_or_404(Node.objects.select_related("parent"), request.user, uuid=uuid)
    if not request.user.has_perm("assessment.view_round", node):
        raise Http404
    choices = metric_choices(node)
    keys = {m.key for m in choices}
    key = request.GET.get("metric", "")
    if key not in keys:
        key = "cases.on_time_closure_rate" if "cases.on_time_closure_rate" in keys else ""
        key = key or (choices[0].key if choices else "")
    period_text = request.GET.get("period", "").strip()
    try:
        period = Period.parse(period_text)
    except ValueError:
        period = Period.year(timezone.localdate().year)
        period_text = str(period.start.year)
    data = dashboard_data(request.user, node, key, period) if key else None
    parent = (
        node.parent
        if node.parent and request.user.has_perm("assessment.view_round", node.parent)
        else None
    )

    # Plain dicts: a Metric is callable, and templates call what they can.
    def plain(m: Any) -> dict[str, Any]:
        return {
            "key": m.key,
            "label": m.label,
            "unit": m.unit,
            "direction": m.direction,
            "description": m.description,
        }

    return render(
        request,
        "assessment/dashboard.html",
        {
            "node": node,
            "parent": parent,
            "choices": [plain(m) for m in choices],
            "metric": plain(data["metric"]) if data else None,
            "period_text": period_text,
            "data": data,
            "chart": {
                "geo": data["geo"] if data else {"type": "FeatureCollection", "features": []},
                "trend": data["trend"] if data else [],
                "radar": data["radar"] if data else None,
                "direction": data["metric"].direction if data else "benefit",
            },
        },
    )
