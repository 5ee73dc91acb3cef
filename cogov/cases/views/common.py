"""Helpers shared by the case pages: where a user may report (grids and buildings), the case
lookup, turning an action's refusal into a form error."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import Q
from django.http import Http404

from cogov.accounts.scopes import reach
from cogov.core.errors import ActionError
from cogov.territory.models import Building, Level, Node
from cogov.web.access import get_visible_or_404

from ..models import Case
from ..predicates import FIELD, MANAGE, case_paths, resident_community_paths


def _under(paths: list[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def area_paths(user: Any, channel: str) -> list[str]:
    """The territory a channel's form shows: the resident's community, the grid worker's
    grids, the centre staff's area."""
    r = reach(user)
    if r.everything and channel != "resident":
        return sorted(
            Node.objects.active().filter(parent__isnull=True).values_list("path", flat=True)
        )
    if channel == "resident":
        return resident_community_paths(user)
    return case_paths(r, FIELD if channel == "grid_worker" else MANAGE)


def area_grids(paths: list[str]) -> list[Node]:
    if not paths:
        return []
    return list(
        Node.objects.active()
        .of_level(Level.GRID)
        .filter(_under(paths), geometry__isnull=False)
        .order_by("code")
    )


def area_buildings(paths: list[str]) -> Any:
    if not paths:
        return Building.objects.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(grid__path__startswith=path)
    return Building.objects.filter(condition).select_related("grid").order_by("code")


def grids_geojson(grids: list[Node], counts: dict[int, int] | None = None) -> str:
    features = [
        {
            "type": "Feature",
            "geometry": g.geometry,
            "properties": {
                "uuid": str(g.uuid),
                "code": g.code,
                "name": g.name,
                **({"open": counts.get(g.pk, 0)} if counts is not None else {}),
            },
        }
        for g in grids
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def get_case(user: Any, uuid: Any) -> Case:
    case: Case = get_visible_or_404(
        Case.objects.select_related(
            "category",
            "grid",
            "community",
            "street",
            "lead_organization",
            "building",
            "duplicate_of",
        ),
        user,
        uuid=uuid,
    )
    return case


def form_error(form: forms.Form, exc: ActionError) -> None:
    """Show an action's refusal on the field it names, or on the whole form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def require(condition: bool) -> None:
    if not condition:
        raise Http404
