"""Territory endpoints under /api/territory/: nodes, grid maps as GeoJSON, point-to-grid lookup.

A node outside the caller's scopes answers 404, exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from cogov.web.access import get_visible_or_404

from .lookup import locate as locate_point
from .models import Level, Node

router = Router(tags=["territory"])

MAX_LIMIT = 500
LIGHT = ("geometry", "parent__geometry")  # boundaries are heavy; only the map asks for them


class NodeOut(Schema):
    uuid: uuid_lib.UUID
    level: str
    code: str
    name: str
    parent: uuid_lib.UUID | None
    area_m2: float | None
    valid_from: dt.date
    valid_to: dt.date | None
    active: bool


class NodePage(Schema):
    items: list[NodeOut]
    next_after: str | None = Field(None, description="pass as `after` for the next page")


class NodeFilters(Schema):
    level: Level | None = None
    parent: uuid_lib.UUID | None = Field(None, description="only the children of this node")
    include_retired: bool = Field(False, description="also nodes retired by redistricting")
    after: str | None = Field(None, description="keyset cursor: the `next_after` of the last page")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


class LocateIn(Schema):
    lon: float = Field(..., ge=-180, le=180, description="longitude, degrees")
    lat: float = Field(..., ge=-90, le=90, description="latitude, degrees")


class LocateOut(Schema):
    grid: NodeOut | None
    reason: str
    candidates: list[str]


def _node_out(n: Node) -> dict[str, Any]:
    return {
        "uuid": n.uuid,
        "level": n.level,
        "code": n.code,
        "name": n.name,
        "parent": n.parent.uuid if n.parent_id and n.parent else None,
        "area_m2": float(n.area_m2) if n.area_m2 is not None else None,
        "valid_from": n.valid_from,
        "valid_to": n.valid_to,
        "active": n.is_active,
    }


@router.get("/nodes", response=NodePage)
def list_nodes(request: HttpRequest, filters: Query[NodeFilters]) -> dict[str, Any]:
    """Territorial units the caller may see, in code order, one query per page."""
    qs = Node.objects.visible_to(request.user).select_related("parent").defer(*LIGHT)
    if not filters.include_retired:
        qs = qs.active()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__uuid=filters.parent)
    if filters.after:
        qs = qs.filter(code__gt=filters.after)
    rows = list(qs.order_by("code")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [_node_out(n) for n in rows], "next_after": rows[-1].code if more else None}


@router.get("/nodes/{uuid:node_uuid}", response=NodeOut)
def node_detail(request: HttpRequest, node_uuid: uuid_lib.UUID) -> dict[str, Any]:
    node = get_visible_or_404(
        Node.objects.select_related("parent").defer(*LIGHT), request.user, uuid=node_uuid
    )
    return _node_out(node)


@router.get("/nodes/{uuid:node_uuid}/grids.geojson")
def node_grids_geojson(request: HttpRequest, node_uuid: uuid_lib.UUID) -> JsonResponse:
    """A FeatureCollection of the grids in force under the node that the caller may see, with
    code, name and household count (counted in the same query) as properties."""
    node = get_visible_or_404(Node.objects.defer("geometry"), request.user, uuid=node_uuid)
    grids = (
        Node.objects.visible_to(request.user)
        .within(node)
        .of_level(Level.GRID)
        .active()
        .filter(geometry__isnull=False)
        .annotate(households=Count("buildings__households"))
        .order_by("code")
    )
    features = [
        {
            "type": "Feature",
            "id": str(g.uuid),
            "geometry": g.geometry,
            "properties": {
                "uuid": str(g.uuid),
                "code": g.code,
                "name": g.name,
                "households": g.households,
            },
        }
        for g in grids
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


@router.get("/locate", response=LocateOut)
def locate(request: HttpRequest, point: Query[LocateIn]) -> dict[str, Any]:
    """The grid at a point, or why there is none. A grid outside the caller's scopes is not
    named (it answers like a point outside every grid the caller may see)."""
    result = locate_point(point.lon, point.lat)
    if result.grid is None:
        return {"grid": None, "reason": result.reason, "candidates": []}
    if not request.user.has_perm("territory.view_node", result.grid):
        reason = _("The point is outside the territory you may see.")
        return {"grid": None, "reason": reason, "candidates": []}
    grid = Node.objects.select_related("parent").defer(*LIGHT).get(pk=result.grid.pk)
    return {"grid": _node_out(grid), "reason": result.reason, "candidates": list(result.candidates)}
