"""Writes of the territory: nodes and their boundaries, buildings, households, property units,
GeoJSON import and redistricting (split and merge with history).

Every action takes a keyword-only `actor` (None only for trusted system callers such as the
command line), checks `territory.manage_territory`, runs in one transaction, writes an audit
row and bumps the territory version when grids change (so every process's lookup index
refreshes). Redistricting is in `redistricting.py` (which imports the submodules here) and
is re-exported here.
"""

from ..redistricting import merge_nodes, split_node
from .common import (
    BUILDING_MOVE_HANDLERS,
    check_manage,
    check_no_overlap,
    not_in_force,
    parent_level,
    validate_code,
    validate_geometry,
)
from .geojson import ImportFailed, import_geojson
from .housing import create_building, create_household, create_property_unit
from .nodes import create_node, update_geometry, update_node

__all__ = [
    "BUILDING_MOVE_HANDLERS",
    "ImportFailed",
    "check_manage",
    "check_no_overlap",
    "create_building",
    "create_household",
    "create_node",
    "create_property_unit",
    "import_geojson",
    "merge_nodes",
    "not_in_force",
    "parent_level",
    "split_node",
    "update_geometry",
    "update_node",
    "validate_code",
    "validate_geometry",
]
