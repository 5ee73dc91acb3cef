"""Redistricting: split a community or grid into several, merge several into one.

The rule that keeps history true: a retired node is never re-parented, re-coded or edited. The
old nodes get `valid_to` (the date of the change), new nodes are created from that date with
`NodeLineage` rows linking old to new, and buildings (with their households and property units)
move to the new grids. Records that point at an old grid — a case, a visit, a policy — still
report under the community the grid belonged to, because the old grid's path never changes.

A community's grids carry its code (15 = community 12 + 3), so splitting or merging communities
retires their grids too and re-creates them under the new communities, numbered 001, 002, … in
the order of their old codes (lineage kind "rename").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from cogov.core import audit
from cogov.core.errors import ActionError

from . import lookup
from .actions.common import BUILDING_MOVE_HANDLERS, _actor, check_manage, not_in_force
from .actions.nodes import _create_node
from .geometry import overlaps_meaningfully, parse_boundary, to_geojson
from .models import Building, Level, LineageKind, Node, NodeLineage

REDISTRICTABLE = (Level.COMMUNITY, Level.GRID)


def _in_force(node: Node, on: dt.date) -> bool:
    return node.valid_from <= on and (node.valid_to is None or node.valid_to > on)


def _retire(node: Node, on: dt.date) -> None:
    # The caller's object is updated only once the transaction succeeded (see the actions).
    Node.objects.filter(pk=node.pk).update(valid_to=on)


def _link(source: Node, target: Node, kind: str, on: dt.date, actor: Any, note: str) -> NodeLineage:
    return NodeLineage.objects.create(
        source=source, target=target, kind=kind, date=on, note=note, actor=_actor(actor)
    )


def _move_buildings(moves: dict[int, int]) -> None:
    """{building_id: new_grid_id}: one UPDATE per target grid, then the registered followers."""
    by_grid: dict[int, list[int]] = {}
    for building_id, grid_id in moves.items():
        by_grid.setdefault(grid_id, []).append(building_id)
    for grid_id, ids in by_grid.items():
        Building.objects.filter(pk__in=ids).update(grid_id=grid_id)
    if moves:
        for handler in BUILDING_MOVE_HANDLERS:
            handler(dict(moves))


def _recode_grids(
    grids: Sequence[Node],
    community: Node,
    on: dt.date,
    actor: Any,
    note: str,
    existing: lookup.GridIndex,
) -> dict[int, int]:
    """Retire `grids` and re-create them under `community` (001, 002, …); returns building moves."""
    moves: dict[int, int] = {}
    replacing = {g.pk for g in grids}
    for seq, old in enumerate(sorted(grids, key=lambda g: g.code), start=1):
        new = _create_node(
            level=Level.GRID,
            code=f"{community.code}{seq:03d}",
            name=old.name,
            parent=community,
            geometry=old.geometry,
            valid_from=on,
            replacing=replacing,
            existing=existing,
        )
        _retire(old, on)
        _link(old, new, LineageKind.RENAME, on, actor, note)
        for building_id in Building.objects.filter(grid=old).values_list("pk", flat=True):
            moves[building_id] = new.pk
    return moves


def _active_grids_of(community: Node, on: dt.date) -> list[Node]:
    return list(Node.objects.active(on).filter(parent=community, level=Level.GRID).order_by("code"))


def _part_geometries(parts: Sequence[Mapping[str, Any]]) -> list[BaseGeometry | None]:
    geoms: list[BaseGeometry | None] = []
    for i, part in enumerate(parts):
        raw = part.get("geometry")
        if raw is None:
            geoms.append(None)
            continue
        try:
            geoms.append(parse_boundary(raw))
        except ValueError as exc:
            raise ActionError(
                _("Part %(index)d: %(problem)s") % {"index": i, "problem": exc},
                field=f"parts[{i}].geometry",
            ) from None
    for a in range(len(geoms)):
        for b in range(a + 1, len(geoms)):
            ga, gb = geoms[a], geoms[b]
            if ga is not None and gb is not None and overlaps_meaningfully(ga, gb):
                raise ActionError(
                    _("Parts %(first)d and %(second)d overlap.") % {"first": a, "second": b},
                    field=f"parts[{b}].geometry",
                )
    return geoms


def _pick(
    geoms: Sequence[BaseGeometry | None], codes: Sequence[str], lon: float, lat: float
) -> int | None:
    """The part a point falls in, by the lookup rule: interior first, then the lowest code."""
    pt = shapely.Point(lon, lat)
    inside = [i for i, g in enumerate(geoms) if g is not None and g.contains(pt)]
    touching = inside or [i for i, g in enumerate(geoms) if g is not None and g.intersects(pt)]
    return min(touching, key=lambda i: codes[i]) if touching else None


def split_node(
    *,
    actor: Any,
    node: Node,
    parts: Sequence[Mapping[str, Any]],
    on: dt.date | None = None,
    note: str = "",
    unlocated_to: str | None = None,
) -> list[Node]:
    """Split a community or grid into `parts` ({code, name, geometry}, plus for a community an
    optional `grids`: the codes of its current grids that go to that part).

    The old node is retired on `on` (today by default) and the parts are created from that day
    under the same parent, with `split` lineage. A grid's buildings go to the part that holds
    their coordinates (buildings without coordinates, or outside every part, go to the part
    coded `unlocated_to`; without it they are an error). A community's grids go to the part
    that lists them, else to the part whose boundary covers most of them, and are recoded.
    Who may: `territory.manage_territory` over the parent."""
    on = on or timezone.localdate()
    if node.level not in REDISTRICTABLE:
        raise ActionError(_("Only communities and grids can be split."), field="node")
    if not _in_force(node, on):
        raise ActionError(not_in_force(node, on), field="node")
    if len(parts) < 2:
        raise ActionError(_("A split needs at least two parts."), field="parts")
    parent = node.parent
    check_manage(actor, parent)
    codes = [str(p.get("code", "")).strip() for p in parts]
    if len(set(codes)) != len(codes):
        raise ActionError(_("The parts' codes repeat."), field="parts")
    geoms = _part_geometries(parts)
    existing = lookup.get_index(on)

    with transaction.atomic():
        new_nodes = [
            _create_node(
                level=node.level,
                code=codes[i],
                name=str(part.get("name", "")),
                parent=parent,
                geometry=part.get("geometry"),
                valid_from=on,
                field_prefix=f"parts[{i}].",
                replacing={node.pk},
                existing=existing,
            )
            for i, part in enumerate(parts)
        ]
        _retire(node, on)
        for new in new_nodes:
            _link(node, new, LineageKind.SPLIT, on, actor, note)
        if node.level == Level.GRID:
            moves = _assign_buildings(node, new_nodes, geoms, codes, unlocated_to)
        else:
            moves = _split_community_grids(node, new_nodes, parts, geoms, on, actor, note, existing)
        _move_buildings(moves)
        audit.record(
            actor, "territory.split", node, into=codes, date=str(on), buildings_moved=len(moves)
        )
        lookup.grids_changed()
    node.valid_to = on
    return new_nodes


def _assign_buildings(
    old: Node,
    new_nodes: list[Node],
    geoms: Sequence[BaseGeometry | None],
    codes: Sequence[str],
    unlocated_to: str | None,
) -> dict[int, int]:
    fallback = None
    if unlocated_to is not None:
        if unlocated_to not in codes:
            raise ActionError(
                _("%(code)s is not one of the parts.") % {"code": unlocated_to},
                field="unlocated_to",
            )
        fallback = new_nodes[codes.index(unlocated_to)]
    moves: dict[int, int] = {}
    stranded: list[str] = []
    for b in Building.objects.filter(grid=old).only("pk", "code", "lon", "lat"):
        i = _pick(geoms, codes, b.lon, b.lat) if b.lon is not None and b.lat is not None else None
        if i is not None:
            moves[b.pk] = new_nodes[i].pk
        elif fallback is not None:
            moves[b.pk] = fallback.pk
        else:
            stranded.append(b.code)
    if stranded:
        more = len(stranded) - 20
        listed = ", ".join(stranded[:20]) + (
            " " + _("… and %(count)d more") % {"count": more} if more > 0 else ""
        )
        raise ActionError(
            _(
                "These buildings have no coordinates or lie outside every part: %(codes)s. "
                "Say which part takes them (unlocated_to)."
            )
            % {"codes": listed},
            field="unlocated_to",
        )
    return moves


def _split_community_grids(
    old: Node,
    new_nodes: list[Node],
    parts: Sequence[Mapping[str, Any]],
    geoms: Sequence[BaseGeometry | None],
    on: dt.date,
    actor: Any,
    note: str,
    existing: lookup.GridIndex,
) -> dict[int, int]:
    grids = _active_grids_of(old, on)
    by_code = {g.code: g for g in grids}
    target: dict[str, int] = {}
    for i, part in enumerate(parts):
        for code in part.get("grids") or ():
            if code not in by_code:
                raise ActionError(
                    _("%(code)s is not a current grid of %(name)s.")
                    % {"code": code, "name": old.name},
                    field=f"parts[{i}].grids",
                )
            if code in target:
                raise ActionError(
                    _("Grid %(code)s is listed in two parts.") % {"code": code},
                    field=f"parts[{i}].grids",
                )
            target[code] = i
    for grid in grids:
        if grid.code in target:
            continue
        shape = parse_boundary(grid.geometry) if grid.geometry else None
        overlaps = [
            (g.intersection(shape).area, i)
            for i, g in enumerate(geoms)
            if g is not None and shape is not None and g.intersects(shape)
        ]
        best = max(overlaps, default=(0.0, -1))
        if best[0] <= 0:
            raise ActionError(
                _(
                    "Grid %(code)s is in no part: list it in a part's grids "
                    "or give the parts boundaries."
                )
                % {"code": grid.code},
                field="parts",
            )
        target[grid.code] = best[1]
    moves: dict[int, int] = {}
    for i, community in enumerate(new_nodes):
        mine = [by_code[c] for c, j in target.items() if j == i]
        moves.update(_recode_grids(mine, community, on, actor, note, existing))
    return moves


def merge_nodes(
    *,
    actor: Any,
    nodes: Sequence[Node],
    code: str,
    name: str,
    geometry: Any = None,
    on: dt.date | None = None,
    note: str = "",
) -> Node:
    """Merge communities (or grids) of one parent into a new one coded `code`.

    The boundary defaults to the union of the old ones. The old nodes are retired on `on`, with
    `merge` lineage to the new node; a merged grid takes all their buildings; a merged
    community takes all their grids, recoded 001, 002, … in the order of their old codes.
    Who may: `territory.manage_territory` over the parent."""
    on = on or timezone.localdate()
    nodes = list(nodes)
    if len(nodes) < 2 or len({n.pk for n in nodes}) != len(nodes):
        raise ActionError(_("A merge needs at least two different units."), field="nodes")
    levels = {n.level for n in nodes}
    parents = {n.parent_id for n in nodes}
    if len(levels) != 1 or levels.pop() not in REDISTRICTABLE:
        raise ActionError(
            _("Merge communities with communities or grids with grids."), field="nodes"
        )
    if len(parents) != 1:
        raise ActionError(_("The units to merge have different parents."), field="nodes")
    for n in nodes:
        if not _in_force(n, on):
            raise ActionError(not_in_force(n, on), field="nodes")
    parent = nodes[0].parent
    level = nodes[0].level
    check_manage(actor, parent)
    if geometry is None and all(n.geometry for n in nodes):
        geometry = to_geojson(shapely.union_all([parse_boundary(n.geometry) for n in nodes]))
    existing = lookup.get_index(on)

    with transaction.atomic():
        new = _create_node(
            level=level,
            code=code,
            name=name,
            parent=parent,
            geometry=geometry,
            valid_from=on,
            replacing={n.pk for n in nodes},
            existing=existing,
        )
        moves: dict[int, int] = {}
        for old in sorted(nodes, key=lambda n: n.code):
            _retire(old, on)
            _link(old, new, LineageKind.MERGE, on, actor, note)
            if level == Level.GRID:
                for building_id in Building.objects.filter(grid=old).values_list("pk", flat=True):
                    moves[building_id] = new.pk
        if level == Level.COMMUNITY:
            grids = [g for old in nodes for g in _active_grids_of(old, on)]
            moves = _recode_grids(grids, new, on, actor, note, existing)
        _move_buildings(moves)
        audit.record(
            actor,
            "territory.merge",
            new,
            sources=sorted(n.code for n in nodes),
            date=str(on),
            buildings_moved=len(moves),
        )
        lookup.grids_changed()
    for old in nodes:
        old.valid_to = on
    return new
