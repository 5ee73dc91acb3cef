"""What the territory actions share: who may manage a node, the checks of codes, geometry,
overlaps and dates, and the handlers told when buildings move."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from shapely.geometry.base import BaseGeometry

from cogov.core.errors import ActionError, NotAllowed

from .. import lookup
from ..geometry import GeometryError, overlaps_meaningfully, parse_boundary
from ..models import (
    CODE_LENGTH,
    LEVEL_ORDER,
    Building,
    Level,
    Node,
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
