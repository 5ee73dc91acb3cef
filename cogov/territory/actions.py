"""Writes of the territory: nodes and their boundaries, buildings, households, property units,
GeoJSON import and redistricting (split and merge with history).

Every action takes a keyword-only `actor` (None only for trusted system callers such as the
command line), checks `territory.manage_territory`, runs in one transaction, writes an audit
row and bumps the territory version when grids change (so every process's lookup index
refreshes). Redistricting is in `redistricting.py` and re-exported here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from shapely.geometry.base import BaseGeometry

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed

from . import lookup
from .geometry import GeometryError, area_m2, overlaps_meaningfully, parse_boundary
from .models import (
    CODE_LENGTH,
    LEVEL_ORDER,
    Building,
    Household,
    Level,
    Node,
    PropertyUnit,
    level_noun,
)

# Called inside the transaction after redistricting moved buildings to other grids, with
# {building_id: new_grid_id}. Apps that copy a building's grid (people.Person.grid) register
# here in their AppConfig.ready() to follow the move.
BUILDING_MOVE_HANDLERS: list[Callable[[dict[int, int]], None]] = []


# -- permission ------------------------------------------------------------------------------


def check_manage(actor: Any, node: Node | None) -> None:
    """NotAllowed unless `actor` may manage the territory at `node` (None: a root)."""
    if actor is None:
        return  # a trusted system caller (management command, data migration)
    if not actor.has_perm("territory.manage_territory", node):
        raise NotAllowed(_("You may not change the territory here."))


def _check_roster(actor: Any, grid: Node) -> None:
    """Households and property units: territory managers, or roles that keep the roster."""
    if actor is None or actor.has_perm("territory.manage_territory", grid):
        return
    from cogov.accounts.scopes import reach

    if not reach(actor).can("import_roster", grid):
        raise NotAllowed(_("You may not change the households here."))


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# -- validation ------------------------------------------------------------------------------


def parent_level(level: str) -> str | None:
    i = LEVEL_ORDER.index(Level(level))
    return LEVEL_ORDER[i - 1].value if i else None


def validate_code(level: str, code: str, parent: Node | None, *, field: str = "code") -> str:
    """The code's shape: district 6 digits, street 9, community 12, grid 15, each starting
    with its parent's code, its own part not all zeros, not used by any node (retired too)."""
    if level not in CODE_LENGTH:
        raise ActionError(
            _("Unknown level %(level)s; the levels are %(levels)s.")
            % {"level": repr(level), "levels": ", ".join(CODE_LENGTH)},
            field="level",
        )
    code = str(code).strip()
    want = CODE_LENGTH[Level(level)]
    if not code.isascii() or not code.isdigit() or len(code) != want:
        raise ActionError(
            _("A %(level)s code has %(digits)d digits (0-9); “%(code)s” does not.")
            % {"level": level_noun(level), "digits": want, "code": code},
            field=field,
        )
    expected_parent = parent_level(level)
    if expected_parent is None:
        if parent is not None:
            raise ActionError(_("A district has no parent."), field="parent")
    else:
        if parent is None:
            raise ActionError(
                _("A %(level)s needs a parent %(parent_level)s.")
                % {"level": level_noun(level), "parent_level": level_noun(expected_parent)},
                field="parent",
            )
        if parent.level != expected_parent:
            raise ActionError(
                _("The parent of a %(level)s is a %(expected)s, not a %(given)s.")
                % {
                    "level": level_noun(level),
                    "expected": level_noun(expected_parent),
                    "given": level_noun(parent.level),
                },
                field="parent",
            )
        if not code.startswith(parent.code):
            raise ActionError(
                _("The code %(code)s does not start with its parent's code %(parent_code)s.")
                % {"code": code, "parent_code": parent.code},
                field=field,
            )
        if set(code[len(parent.code) :]) == {"0"}:
            raise ActionError(
                _("The code %(code)s has an all-zero %(level)s part.")
                % {"code": code, "level": level_noun(level)},
                field=field,
            )
    if Node.objects.filter(code=code).exists():
        raise ActionError(
            _("The code %(code)s is already used (codes of retired units stay taken).")
            % {"code": code},
            field=field,
        )
    return code


def validate_geometry(
    geometry: Any, parent: Node | None, *, required: bool = False, field: str = "geometry"
) -> BaseGeometry | None:
    """A valid GeoJSON Polygon/MultiPolygon that lies inside or overlaps its parent's boundary."""
    if geometry in (None, ""):
        if required:
            raise ActionError(_("A grid needs a boundary."), field=field)
        return None
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError:
            raise ActionError(_("The boundary is not JSON."), field=field) from None
    try:
        geom = parse_boundary(geometry)
    except GeometryError as exc:
        raise ActionError(str(exc), field=field) from None
    if parent is not None and parent.geometry:
        try:
            outer = parse_boundary(parent.geometry)
        except GeometryError:
            outer = None
        if outer is not None and not overlaps_meaningfully(geom, outer, tolerance=0):
            raise ActionError(
                _("The boundary lies outside %(name)s (%(code)s).")
                % {"name": parent.name, "code": parent.code},
                field=field,
            )
    return geom


def check_no_overlap(
    geom: BaseGeometry,
    *,
    index: lookup.GridIndex,
    exclude: Collection[int] = (),
    field: str = "geometry",
) -> None:
    """Grids tile the territory: a grid may share edges with the grids in force, not area.

    `index` is the lookup index taken when the action started: grids created by the same
    action are checked among themselves by the action (parts of a split, features of an import),
    and taking the index once spares a rebuild per created grid."""
    if not len(index):
        return
    for i in index.tree.query(geom, predicate="intersects"):
        other = index.nodes[int(i)]
        if other.pk in exclude:
            continue
        if overlaps_meaningfully(geom, index.geometries[int(i)]):
            raise ActionError(
                _("The boundary overlaps grid %(name)s (%(code)s).")
                % {"name": other.name, "code": other.code},
                field=field,
            )


def _as_date(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _name_required() -> str:
    return pgettext("territory unit", "A name is required.")


def not_in_force(node: Node, on: dt.date) -> str:
    """The message for a unit that is not in force on a date (retired, or not yet created)."""
    return _("%(name)s (%(code)s) is not in force on %(date)s.") % {
        "name": node.name,
        "code": node.code,
        "date": on.isoformat(),
    }


def _already_registered(building: Building, place: str) -> str:
    return _("%(building)s %(place)s is already registered.") % {
        "building": building.name,
        "place": place,
    }


# -- nodes -----------------------------------------------------------------------------------


def _create_node(
    *,
    level: str,
    code: str,
    name: str,
    parent: Node | None,
    geometry: Any,
    valid_from: dt.date,
    field_prefix: str = "",
    replacing: Collection[int] = (),
    existing: lookup.GridIndex | None = None,
) -> Node:
    """Validate and insert (no permission check, no audit): the common part of every creation.
    `replacing`: ids of grids this one replaces (redistricting), which it may overlap;
    `existing`: the grid index to check overlaps against (taken now when not given)."""
    name = (name or "").strip()
    if not name:
        raise ActionError(_name_required(), field=f"{field_prefix}name")
    if parent is not None and not (
        parent.valid_from <= valid_from
        and (parent.valid_to is None or parent.valid_to > valid_from)
    ):
        raise ActionError(not_in_force(parent, valid_from), field="parent")
    code = validate_code(level, code, parent, field=f"{field_prefix}code")
    geom = validate_geometry(
        geometry, parent, required=level == Level.GRID, field=f"{field_prefix}geometry"
    )
    if level == Level.GRID and geom is not None:
        check_no_overlap(
            geom,
            index=existing or lookup.get_index(valid_from),
            exclude=replacing,
            field=f"{field_prefix}geometry",
        )
    node = Node(
        level=level,
        code=code,
        name=name,
        parent=parent,
        valid_from=valid_from,
        geometry=geometry if not isinstance(geometry, str) else json.loads(geometry),
        area_m2=Decimal(f"{area_m2(geom):.2f}") if geom is not None else None,
    )
    if geom is None:
        node.geometry = None
    node.save()
    return node


def create_node(
    *,
    actor: Any,
    level: str,
    code: str,
    name: str,
    parent: Node | None = None,
    geometry: Any = None,
    valid_from: dt.date | None = None,
) -> Node:
    """Create a district, street, community or grid under `parent`.

    Validates the code (see `validate_code`) and the boundary (required for grids). Who may:
    `territory.manage_territory` over the parent (administrators for a district)."""
    check_manage(actor, parent)
    with transaction.atomic():
        node = _create_node(
            level=level,
            code=code,
            name=name,
            parent=parent,
            geometry=geometry,
            valid_from=_as_date(valid_from),
        )
        audit.record(actor, "territory.create_node", node, level=node.level, code=node.code)
        if node.level == Level.GRID:
            lookup.grids_changed()
    return node


def update_node(*, actor: Any, node: Node, name: str | None = None, geometry: Any = None) -> Node:
    """Rename a node or replace its boundary. Buildings stay in their grid: moving them is
    redistricting (`split_node`, `merge_nodes`)."""
    check_manage(actor, node)
    if node.valid_to is not None and node.valid_to <= timezone.localdate():
        raise ActionError(_("A retired unit cannot be changed."), code="retired")
    with transaction.atomic():
        changed: dict[str, Any] = {}
        if name is not None and name.strip() and name.strip() != node.name:
            changed["name"] = [node.name, name.strip()]
            node.name = name.strip()
        if geometry is not None:
            parent = node.parent
            geom = validate_geometry(geometry, parent, required=node.level == Level.GRID)
            if node.level == Level.GRID and geom is not None:
                check_no_overlap(geom, index=lookup.get_index(), exclude={node.pk})
            node.geometry = geometry if not isinstance(geometry, str) else json.loads(geometry)
            node.area_m2 = Decimal(f"{area_m2(geom):.2f}") if geom is not None else None
            changed["geometry"] = True
        if not changed:
            return node
        node.save(update_fields=["name", "geometry", "area_m2"])
        audit.record(actor, "territory.update_node", node, **changed)
        if node.level == Level.GRID:
            lookup.grids_changed()
    return node


def update_geometry(*, actor: Any, node: Node, geometry: Any) -> Node:
    """Replace a node's boundary (see `update_node`)."""
    return update_node(actor=actor, node=node, geometry=geometry)


# -- buildings, households, property units ---------------------------------------------------


def _active_grid(grid: Node | None, *, field: str = "grid") -> Node:
    if grid is None or grid.level != Level.GRID:
        raise ActionError(_("A building belongs to a grid."), field=field)
    if not grid.is_active:
        raise ActionError(
            _("%(name)s (%(code)s) is retired.") % {"name": grid.name, "code": grid.code},
            field=field,
        )
    return grid


def create_building(
    *,
    actor: Any,
    code: str,
    name: str,
    grid: Node | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    floors: int | None = None,
) -> Building:
    """Register a building in `grid`, or else in the grid its coordinates fall in."""
    if (lon is None) != (lat is None):
        raise ActionError(_("Give both longitude and latitude, or neither."), field="lon")
    if grid is None:
        if lon is None or lat is None:
            raise ActionError(_("Give the grid or the building's coordinates."), field="grid")
        found = lookup.locate(lon, lat)
        if found.grid is None:
            raise ActionError(
                _("There is no grid at these coordinates. %(reason)s") % {"reason": found.reason},
                field="lon",
            )
        grid = found.grid
    grid = _active_grid(grid)
    check_manage(actor, grid)
    code, name = str(code).strip(), (name or "").strip()
    if not code:
        raise ActionError(_("A code is required."), field="code")
    if not name:
        raise ActionError(_name_required(), field="name")
    if Building.objects.filter(code=code).exists():
        raise ActionError(
            _("The building code %(code)s is already used.") % {"code": code}, field="code"
        )
    with transaction.atomic():
        building = Building.objects.create(
            grid=grid, code=code, name=name, address=address, lon=lon, lat=lat, floors=floors
        )
        audit.record(actor, "territory.create_building", building, grid=grid.code)
    return building


def create_household(*, actor: Any, building: Building, code: str, door: str) -> Household:
    """Register a household at a door of a building."""
    _check_roster(actor, building.grid)
    code, door = str(code).strip(), (door or "").strip()
    if not code:
        raise ActionError(_("A code is required."), field="code")
    if not door:
        raise ActionError(_("The door is required."), field="door")
    if Household.objects.filter(code=code).exists():
        raise ActionError(
            _("The household code %(code)s is already used.") % {"code": code}, field="code"
        )
    if Household.objects.filter(building=building, door=door).exists():
        raise ActionError(_already_registered(building, door), field="door")
    with transaction.atomic():
        household = Household.objects.create(building=building, code=code, door=door)
        audit.record(actor, "territory.create_household", household, building=building.code)
    return household


def create_property_unit(
    *,
    actor: Any,
    building: Building,
    number: str,
    exclusive_area: Decimal | str | float,
    household: Household | None = None,
    unsold: bool = False,
) -> PropertyUnit:
    """Register a unit of exclusive ownership with its area (for owners' votes)."""
    _check_roster(actor, building.grid)
    number = str(number).strip()
    if not number:
        raise ActionError(_("The unit number is required."), field="number")
    try:
        area = Decimal(str(exclusive_area))
    except ArithmeticError:
        raise ActionError(_("The area must be a number."), field="exclusive_area") from None
    if not area.is_finite() or area <= 0:
        raise ActionError(_("The area must be positive."), field="exclusive_area")
    if household is not None and household.building_id != building.pk:
        raise ActionError(_("The household lives in another building."), field="household")
    if PropertyUnit.objects.filter(building=building, number=number).exists():
        raise ActionError(_already_registered(building, number), field="number")
    with transaction.atomic():
        unit = PropertyUnit.objects.create(
            building=building,
            number=number,
            exclusive_area=area.quantize(Decimal("0.01")),
            household=household,
            unsold=unsold,
        )
        audit.record(actor, "territory.create_property_unit", unit, building=building.code)
    return unit


# -- GeoJSON import --------------------------------------------------------------------------


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


from .redistricting import merge_nodes, split_node  # noqa: E402

__all__ = [
    "BUILDING_MOVE_HANDLERS",
    "ImportFailed",
    "check_manage",
    "create_building",
    "create_household",
    "create_node",
    "create_property_unit",
    "import_geojson",
    "merge_nodes",
    "split_node",
    "update_geometry",
    "update_node",
    "validate_code",
    "validate_geometry",
]
