"""Matching suggestions between needs and resources, each score explained.

    suggestions_for_need(need)        → resources, best first
    suggestions_for_resource(resource) → needs, best first

A score is 0–100: the weighted mean of four components, each 0..1, with the weights of the
`cooperation.matching` policy at the need's place:

- category: the resource serves the need's category (1) or not (0), halved when the need
  asks for other kinds of resource;
- distance: by coordinates when both have a building with coordinates (1 at the door, 0 at
  `distance_scale_km`), otherwise by the territory tree (same grid 1, same community 0.75,
  same street 0.4, same district 0.2);
- capacity: free capacity (capacity less what live projects committed) against the quantity
  needed, at most 1;
- record: the offering unit's delivered projects (up to `record_saturation`) and their mean
  rating, half each (no rated project yet: a neutral 0.5 for that half; a person: 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from cogov.core.policies import get_policy

from .models import Need, Resource
from .selectors import UnitRecord, unit_records

DEPTH_SCORE = {4: 1.0, 3: 0.75, 2: 0.4, 1: 0.2}


@dataclass(frozen=True)
class Component:
    key: str
    weight: Decimal
    value: float  # 0..1
    explanation: str

    @property
    def points(self) -> float:
        return float(self.weight) * self.value


@dataclass
class Suggestion:
    need: Need
    resource: Resource
    score: float  # 0..100
    components: list[Component] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "need": str(self.need.uuid),
            "resource": str(self.resource.uuid),
            "score": self.score,
            "components": [
                {
                    "key": c.key,
                    "weight": str(c.weight),
                    "value": round(c.value, 4),
                    "points": round(c.points, 4),
                    "explanation": c.explanation,
                }
                for c in self.components
            ],
        }


def _segments(path: str) -> list[str]:
    return [p for p in (path or "").strip("/").split("/") if p]


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _point(building: Any) -> tuple[float, float] | None:
    if building is not None and building.lon is not None and building.lat is not None:
        return (building.lon, building.lat)
    return None


def resource_path(resource: Resource) -> str:
    if resource.building is not None:
        return resource.building.grid.path
    if resource.organization is not None:
        return resource.organization.node.path
    return resource.territory_path


def _category(need: Need, resource: Resource) -> Component:
    fits = need.category in (resource.categories or [])
    value = 1.0 if fits else 0.0
    text = _("serves “%(c)s”") if fits else _("does not serve “%(c)s”")
    text = text % {"c": need.get_category_display()}
    if need.wanted_kinds and resource.kind not in need.wanted_kinds:
        value /= 2
        text += "; " + _("the need asks for another kind of resource (halved)")
    return Component("category", Decimal(0), value, text)


def _distance(need: Need, resource: Resource, scale_km: Decimal) -> Component:
    a, b = _point(need.building), _point(resource.building)
    if a and b:
        km = _haversine_km(a, b)
        value = max(0.0, 1 - km / float(scale_km))
        return Component(
            "distance",
            Decimal(0),
            value,
            _("%(km).2f km apart (0 at %(scale)s km)") % {"km": km, "scale": scale_km},
        )
    mine, theirs = _segments(need.territory_path), _segments(resource_path(resource))
    common = 0
    for x, y in zip(mine, theirs, strict=False):
        if x != y:
            break
        common += 1
    value = 1.0 if mine == theirs and mine else DEPTH_SCORE.get(min(common, 4), 0.0)
    names = {4: _("same grid"), 3: _("same community"), 2: _("same street"), 1: _("same district")}
    text = names[4] if value == 1.0 else names.get(min(common, 4), _("different district"))
    return Component("distance", Decimal(0), value, text + " " + _("(by the territory tree)"))


def _capacity(need: Need, resource: Resource, committed: int) -> Component:
    free = max(0, resource.capacity - committed)
    unit = resource.capacity_unit
    if free == 0:
        return Component("capacity", Decimal(0), 0.0, _("nothing free"))
    if need.quantity:
        value = min(1.0, free / need.quantity)
        return Component(
            "capacity",
            Decimal(0),
            value,
            _("%(free)s %(u)s free for %(q)s needed")
            % {"free": free, "u": unit, "q": need.quantity},
        )
    return Component(
        "capacity", Decimal(0), 1.0, _("%(free)s %(u)s free") % {"free": free, "u": unit}
    )


def _record(resource: Resource, record: UnitRecord | None, saturation: int) -> Component:
    if not resource.organization_id:
        return Component("record", Decimal(0), 0.0, _("offered by a person: no unit record"))
    delivered = record.delivered if record else 0
    rating = record.average_rating if record else None
    part_delivered = min(delivered / saturation, 1.0)
    part_rating = 0.5 if rating is None else (float(rating) - 1) / 4
    value = 0.5 * part_delivered + 0.5 * part_rating
    rated = (
        _("no rated project yet (neutral)")
        if rating is None
        else _("mean rating %(r)s of 5") % {"r": rating}
    )
    return Component(
        "record",
        Decimal(0),
        value,
        _("%(n)s delivered projects (full at %(s)s); %(rated)s")
        % {"n": delivered, "s": saturation, "rated": rated},
    )


def score(
    need: Need, resource: Resource, *, weights: Any, committed: int, record: UnitRecord | None
) -> Suggestion:
    raw = [
        _category(need, resource),
        _distance(need, resource, weights.distance_scale_km),
        _capacity(need, resource, committed),
        _record(resource, record, weights.record_saturation),
    ]
    components = [Component(c.key, getattr(weights, c.key), c.value, c.explanation) for c in raw]
    total = sum((c.weight for c in components), Decimal(0))
    value = sum(c.points for c in components) / float(total) * 100 if total else 0.0
    return Suggestion(need, resource, round(value, 1), components)


def _candidates(qs: Any, path: str) -> Any:
    district = "/" + "/".join(_segments(path)[:1]) + "/"
    return qs.filter(territory_path__startswith=district)


def suggestions_for_need(need: Need, *, resources: Any = None, limit: int = 10) -> list[Suggestion]:
    """Usable resources in the need's district, best first (ties: larger free capacity)."""
    weights = get_policy("cooperation.matching", need.community)
    base = resources if resources is not None else Resource.objects.all()
    pool = list(
        _candidates(base.usable().with_committed(), need.territory_path).select_related(
            "building__grid", "organization__node"
        )[:500]
    )
    records = unit_records(sorted({r.organization_id for r in pool if r.organization_id}))
    found = [
        score(
            need,
            r,
            weights=weights,
            committed=getattr(r, "committed", 0),
            record=records.get(r.organization_id or 0),
        )
        for r in pool
    ]
    found.sort(
        key=lambda s: (
            -s.score,
            -(s.resource.capacity - getattr(s.resource, "committed", 0)),
            s.resource.pk,
        )
    )
    return found[:limit]


def suggestions_for_resource(
    resource: Resource, *, needs: Any = None, limit: int = 10
) -> list[Suggestion]:
    """Open needs (listed or claimed) in the resource's district, best first."""
    weights = get_policy("cooperation.matching", resource.community)
    committed = Resource.objects.with_committed().get(pk=resource.pk).committed
    records = unit_records([resource.organization_id]) if resource.organization_id else {}
    base = needs if needs is not None else Need.objects.all()
    pool = list(
        _candidates(base.open(), resource.territory_path).select_related("building", "community")[
            :500
        ]
    )
    found = [
        score(
            n,
            resource,
            weights=weights,
            committed=committed,
            record=records.get(resource.organization_id or 0),
        )
        for n in pool
    ]
    found.sort(key=lambda s: (-s.score, s.need.pk))
    return found[:limit]
