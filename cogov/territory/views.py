"""Territory pages: the user's scope nodes, and a node page with breadcrumbs, children and a
map of the grids under it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from cogov.accounts.roles import TERRITORY
from cogov.accounts.scopes import reach
from cogov.web.access import get_visible_or_404, require_capability
from cogov.web.counts import counts_under

from .models import Building, Level, Node

GRID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def _scope_nodes(user: Any) -> list[Node]:
    r = reach(user)
    if r.everything:
        return list(Node.objects.active().filter(parent__isnull=True).order_by("code"))
    ids = {g.node_id for g in r.grants if g.node_id and g.role.can(TERRITORY)}
    return list(Node.objects.filter(pk__in=ids).order_by("code"))


@login_required
def node_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, TERRITORY)
    nodes = _scope_nodes(request.user)
    counts = counts_under(nodes)
    rows = [{"node": n, "counts": counts[n.pk]} for n in nodes]
    return render(request, "territory/node_list.html", {"section": "territory", "rows": rows})


@login_required
def node_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    user = request.user
    require_capability(user, TERRITORY)
    node = get_visible_or_404(Node.objects, user, uuid=uuid)
    visible = Node.objects.visible_to(user)
    crumbs = sorted(visible.filter(pk__in=node.ancestor_ids()), key=lambda n: len(n.path))
    children = list(visible.active().filter(parent=node).order_by("code"))
    in_scope = reach(user).can(TERRITORY, node)
    counts = counts_under([*children, node])
    context: dict[str, Any] = {
        "section": "territory",
        "node": node,
        "crumbs": crumbs,
        # Above the user's scope only the part inside it is listed, so totals would mislead.
        "node_counts": counts[node.pk] if in_scope else None,
        "children": [{"node": c, "counts": counts[c.pk]} for c in children],
        # The territory API draws the map (grids the user may see, under this node).
        "geojson_url": reverse("api:node_grids_geojson", kwargs={"node_uuid": node.uuid}),
        "grid_url_pattern": reverse("territory:node-detail", args=[GRID_PLACEHOLDER]),
    }
    if node.level == Level.GRID and in_scope:
        context["buildings"] = list(
            Building.objects.filter(grid=node)
            .annotate(household_count=Count("households"))
            .order_by("code")
        )
    return render(request, "territory/node_detail.html", context)
