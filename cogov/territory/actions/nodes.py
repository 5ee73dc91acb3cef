"""Nodes: create one (its code, geometry and dates checked), rename it, move its boundary."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError

from .. import lookup
from ..geometry import area_m2
from ..models import (
    Level,
    Node,
)

# Called inside the transaction after redistricting moved buildings to other grids, with
# {building_id: new_grid_id}. Apps that copy a building's grid (people.Person.grid) register
# here in their AppConfig.ready() to follow the move.
from .common import (
    _as_date,
    _name_required,
    check_manage,
    check_no_overlap,
    not_in_force,
    validate_code,
    validate_geometry,
)


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
