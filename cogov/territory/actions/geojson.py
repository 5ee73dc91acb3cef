"""Importing a district's boundaries from GeoJSON: every feature checked, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from cogov.core import audit
from cogov.core.errors import ActionError

from .. import lookup
from ..geometry import overlaps_meaningfully, parse_boundary
from ..models import (
    CODE_LENGTH,
    LEVEL_ORDER,
    Level,
    Node,
    level_noun,
)
from .common import (
    _as_date,
    check_manage,
)

# Called inside the transaction after redistricting moved buildings to other grids, with
# {building_id: new_grid_id}. Apps that copy a building's grid (people.Person.grid) register
# here in their AppConfig.ready() to follow the move.
from .nodes import _create_node


class ImportFailed(ActionError):
    """The import wrote nothing; `errors` lists every problem as "Feature N, property: why"
    (N counts the file's features from 0, the property is the GeoJSON key at fault)."""

    def __init__(self, errors: list[str]) -> None:
        shown = " ".join(errors[:20])
        if len(errors) > 20:
            shown += " " + _("… and %(count)d more.") % {"count": len(errors) - 20}
        super().__init__(
            _("Nothing was imported. %(problems)s") % {"problems": shown},
            field="features",
            code="import_failed",
        )
        self.errors = errors


def _feature_error(index: int, prop: str, problem: str) -> str:
    return _("Feature %(index)d, %(property)s: %(problem)s") % {
        "index": index,
        "property": prop,
        "problem": problem,
    }


def import_geojson(*, actor: Any, data: Any, valid_from: dt.date | None = None) -> list[Node]:
    """Import districts, streets, communities and grids from a GeoJSON FeatureCollection whose
    features carry `properties` level, code, name and parent_code (absent for a district).

    Parents may come earlier or later in the file or already exist. All or nothing: any error
    rolls everything back and `ImportFailed.errors` names the feature index and property."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ActionError(
                _("The file is not JSON: %(error)s") % {"error": exc}, field="data"
            ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ActionError(_("Expected a GeoJSON FeatureCollection."), field="type")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ActionError(_("The FeatureCollection has no features."), field="features")

    errors: list[str] = []
    rows: list[tuple[int, dict[str, Any], Any]] = []
    seen: dict[str, int] = {}
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            errors.append(_feature_error(i, "properties", _("This property is missing.")))
            continue
        clean: dict[str, Any] = {}
        level = props.get("level")
        if level not in CODE_LENGTH:
            problem = _("The level must be one of %(levels)s, not %(level)s.") % {
                "levels": ", ".join(CODE_LENGTH),
                "level": repr(level),
            }
            errors.append(_feature_error(i, "level", problem))
            continue
        clean["level"] = level
        for key in ("code", "name"):
            value = props.get(key)
            if not isinstance(value, str | int) or not str(value).strip():
                errors.append(_feature_error(i, key, _("This property is missing.")))
            clean[key] = str(value).strip() if value is not None else ""
        parent_code = props.get("parent_code")
        clean["parent_code"] = str(parent_code).strip() if parent_code not in (None, "") else None
        if level != Level.DISTRICT and clean["parent_code"] is None:
            problem = _("A %(level)s needs its parent's code.") % {"level": level_noun(level)}
            errors.append(_feature_error(i, "parent_code", problem))
        if clean["code"] in seen:
            problem = _("The code %(code)s repeats feature %(index)d.") % {
                "code": clean["code"],
                "index": seen[clean["code"]],
            }
            errors.append(_feature_error(i, "code", problem))
        seen[clean["code"]] = i
        rows.append((i, clean, feature.get("geometry")))
    if errors:
        raise ImportFailed(errors)

    on = _as_date(valid_from)
    existing_grids = lookup.get_index(on)
    rows.sort(key=lambda r: (LEVEL_ORDER.index(Level(r[1]["level"])), r[0]))
    existing = {
        n.code: n
        for n in Node.objects.active(on).filter(
            code__in={r[1]["parent_code"] for r in rows if r[1]["parent_code"]}
        )
    }
    created: dict[str, Node] = {}
    checked: set[str] = set()
    grid_geoms: list[tuple[int, str, BaseGeometry]] = []
    with transaction.atomic():
        for i, props, geometry in rows:
            parent: Node | None = None
            if props["parent_code"]:
                parent = created.get(props["parent_code"]) or existing.get(props["parent_code"])
                if parent is None:
                    problem = _("There is no unit %(code)s in the file or in force.") % {
                        "code": props["parent_code"]
                    }
                    errors.append(_feature_error(i, "parent_code", problem))
                    continue
                if parent.code not in created and parent.code not in checked:
                    check_manage(actor, parent)
                    checked.add(parent.code)
            else:
                check_manage(actor, None)
            try:
                node = _create_node(
                    level=props["level"],
                    code=props["code"],
                    name=props["name"],
                    parent=parent,
                    geometry=geometry,
                    valid_from=on,
                    existing=existing_grids,
                )
            except ActionError as exc:
                errors.append(_feature_error(i, _property_of(exc.field), exc.message))
                continue
            created[node.code] = node
            if node.level == Level.GRID and node.geometry:
                grid_geoms.append((i, node.code, parse_boundary(node.geometry)))
        errors.extend(_overlapping(grid_geoms))
        if errors:
            transaction.set_rollback(True)
            raise ImportFailed(errors)
        audit.record(
            actor,
            "territory.import_geojson",
            None,
            created=len(created),
            codes=sorted(created)[:50],
        )
        if grid_geoms:
            lookup.grids_changed()
    return list(created.values())


def _property_of(field: str | None) -> str:
    return {"parent": "parent_code", None: "feature"}.get(field, field or "feature")


def _overlapping(grids: list[tuple[int, str, BaseGeometry]]) -> list[str]:
    """Grids of one import must not overlap each other (they may share edges)."""
    if len(grids) < 2:
        return []
    import shapely

    geoms = [g for _index, _code, g in grids]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    problems = []
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a < b and overlaps_meaningfully(geoms[a], geoms[b]):
            problem = _("It overlaps grid %(code)s (feature %(index)d).") % {
                "code": grids[a][1],
                "index": grids[a][0],
            }
            problems.append(_feature_error(grids[b][0], "geometry", problem))
    return problems
