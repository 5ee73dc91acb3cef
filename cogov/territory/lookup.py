"""Point-to-grid lookup: which unit grid is this longitude/latitude in?

    from cogov.territory.lookup import locate
    result = locate(113.2644, 23.1291)
    result.grid       # the Node, or None
    result.reason     # "inside", "on_edge", or why there is no grid (a translated sentence)
    result.candidates # codes of every grid whose closed polygon touches the point

The rule (docs/territory.md): a point in the interior of a grid resolves to that grid. A point
on a boundary shared by several grids (an edge or a vertex) resolves to the grid with the
**lowest code** among the grids whose boundary contains it, reason "on_edge". A point outside
every grid resolves to None; the reason names the nearest grid and its distance in metres.
Should grids overlap (bad data), the lowest code among the grids containing the point wins too.

Each process builds a shapely 2 STRtree over the grids active on a date, once, and keeps it.
Territory actions bump `TerritoryVersion` in the transaction that changes a grid; the index
reads the version (with the number and highest id of grid rows, which catch bulk loads that
bypass the actions) at most every `COGOV_TERRITORY_INDEX_CHECK_SECONDS` seconds (default 5) and
rebuilds when it moved, so several app servers converge within that interval. The process
that made the change drops its index at once.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from .geometry import distance_m, parse_boundary
from .models import Building, Level, Node, TerritoryVersion

INSIDE = "inside"
ON_EDGE = "on_edge"


@dataclass(frozen=True)
class LookupResult:
    grid: Node | None
    reason: str
    candidates: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.grid is not None


class GridIndex:
    """An STRtree over the grids active on one date, in code order (tree index = code rank)."""

    def __init__(
        self, nodes: Sequence[Node], geometries: Sequence[Any], *, version: Stamp, on: dt.date
    ):
        self.nodes = list(nodes)
        self.codes = np.array([n.code for n in nodes], dtype=object)
        self.geometries = np.array(geometries, dtype=object)
        self.tree = shapely.STRtree(self.geometries)
        self.version = version
        self.on = on
        shapely.prepare(self.geometries)

    @classmethod
    def build(cls, on: dt.date) -> GridIndex:
        # Read the version first: a change committed while we load makes the next check rebuild.
        version = stamp()
        nodes, geometries = [], []
        rows = (
            Node.objects.active(on)
            .of_level(Level.GRID)
            .filter(geometry__isnull=False)
            .order_by("code")
        )
        for node in rows:
            try:
                geom = parse_boundary(node.geometry)
            except ValueError:
                continue  # an unusable boundary cannot be located into; create_node refuses these
            node.geometry = None  # the index keeps the shapely form only
            nodes.append(node)
            geometries.append(geom)
        return cls(nodes, geometries, version=version, on=on)

    def __len__(self) -> int:
        return len(self.nodes)

    # -- one point -------------------------------------------------------------------------
    def locate(self, lon: float, lat: float) -> LookupResult:
        if not (np.isfinite(lon) and np.isfinite(lat)):
            return LookupResult(None, _("The coordinates are not numbers."))
        if not len(self):
            return LookupResult(None, _("No grid has a boundary yet."))
        pt = shapely.Point(lon, lat)
        hits = sorted(int(i) for i in self.tree.query(pt, predicate="intersects"))
        if hits:
            candidates = tuple(str(self.codes[i]) for i in hits)
            inside = [i for i in hits if self.geometries[i].contains(pt)]
            if inside:
                return LookupResult(_clone(self.nodes[inside[0]]), INSIDE, candidates)
            return LookupResult(_clone(self.nodes[hits[0]]), ON_EDGE, candidates)
        return LookupResult(None, self._outside_reason(lon, lat))

    def _outside_reason(self, lon: float, lat: float) -> str:
        pt = shapely.Point(lon, lat)
        nearest, degrees = self.tree.query_nearest(pt, return_distance=True, all_matches=True)
        # Degrees of longitude shrink with latitude: every grid within d / cos(lat) degrees may
        # be nearer in metres than the nearest in degrees.
        reach = float(degrees[0]) / max(np.cos(np.radians(lat)), 0.01)
        near = self.tree.query(pt, predicate="dwithin", distance=reach * 1.0001)
        if not len(near):
            near = nearest
        best = min(
            ((distance_m(lon, lat, self.geometries[i]), str(self.codes[i]), int(i)) for i in near),
        )
        node = self.nodes[best[2]]
        return _(
            "The point is outside every grid; "
            "the nearest is %(name)s (%(code)s), %(distance)s m away."
        ) % {"name": node.name, "code": node.code, "distance": f"{best[0]:.0f}"}

    # -- many points -----------------------------------------------------------------------
    def locate_many(self, points: Any) -> list[LookupResult]:
        coords = np.asarray(points, dtype=float).reshape(-1, 2)
        n = len(coords)
        if n == 0:
            return []
        if not len(self):
            return [LookupResult(None, _("No grid has a boundary yet."))] * n
        pts = shapely.points(coords)
        point_idx, tree_idx = self.tree.query(pts, predicate="intersects")
        interior = (
            shapely.contains(self.geometries[tree_idx], pts[point_idx])
            if len(point_idx)
            else np.zeros(0, dtype=bool)
        )
        # Best hit per point: interior before boundary, then lowest code (= lowest tree index).
        order = np.lexsort((tree_idx, ~interior, point_idx))
        point_idx, tree_idx, interior = point_idx[order], tree_idx[order], interior[order]
        first = np.ones(len(point_idx), dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]

        touched: dict[int, list[int]] = {}
        for p, t in zip(point_idx.tolist(), tree_idx.tolist(), strict=True):
            touched.setdefault(p, []).append(t)
        copies: dict[int, Node] = {}
        results: list[LookupResult | None] = [None] * n
        for p, t, inner in zip(
            point_idx[first].tolist(),
            tree_idx[first].tolist(),
            interior[first].tolist(),
            strict=True,
        ):
            if t not in copies:
                copies[t] = _clone(self.nodes[t])
            codes = tuple(str(self.codes[i]) for i in sorted(touched[p]))
            results[p] = LookupResult(copies[t], INSIDE if inner else ON_EDGE, codes)
        for p in range(n):
            if results[p] is None:
                lon, lat = coords[p]
                if np.isfinite(lon) and np.isfinite(lat):
                    results[p] = LookupResult(None, self._outside_reason(float(lon), float(lat)))
                else:
                    results[p] = LookupResult(None, _("The coordinates are not numbers."))
        return results  # type: ignore[return-value]


def _clone(node: Node) -> Node:
    """A fresh instance for the caller (the index's own instances are shared by threads);
    a shallow dict copy, much cheaper than copy.copy's pickling protocol."""
    clone = Node.__new__(Node)
    clone.__dict__ = node.__dict__.copy()
    clone._state = ModelState()
    clone._state.adding = False
    clone._state.db = node._state.db
    return clone


# -- the per-process cache --------------------------------------------------------------------

_lock = threading.Lock()
_indexes: dict[dt.date, GridIndex] = {}
_checked_at = 0.0
_known_version: Stamp | None = None
_MAX_DATES = 4


Stamp = tuple[int, int, int]


def stamp() -> Stamp:
    """What the index was built from: the version the actions bump, plus the number and the
    highest id of grid rows, which also catch grids written in bulk without the actions (the
    demo generator, raw SQL loads). Two cheap queries, at most every few seconds."""
    grids = Node.objects.filter(level=Level.GRID).aggregate(n=Count("id"), top=Max("id"))
    return (TerritoryVersion.current(), grids["n"] or 0, grids["top"] or 0)


def _check_seconds() -> float:
    return float(getattr(settings, "COGOV_TERRITORY_INDEX_CHECK_SECONDS", 5))


def invalidate() -> None:
    """Forget every index in this process (the next lookup rebuilds)."""
    global _checked_at, _known_version
    with _lock:
        _indexes.clear()
        _checked_at = 0.0
        _known_version = None


def grids_changed() -> None:
    """Called by territory actions inside the transaction that changed grids."""
    TerritoryVersion.bump()
    invalidate()
    transaction.on_commit(invalidate)


def get_index(on: dt.date | None = None) -> GridIndex:
    """The index of grids active on `on` (today by default), rebuilt if the territory changed."""
    global _checked_at, _known_version
    on = on or timezone.localdate()
    now = time.monotonic()
    with _lock:
        # Inside a transaction the caller may have changed grids (or see a state that will be
        # rolled back, as every test does): check the stamp on every call there.
        due = now - _checked_at >= _check_seconds() or connection.in_atomic_block
        if due or _known_version is None:
            version = stamp()
            if version != _known_version:
                _indexes.clear()
                _known_version = version
            _checked_at = now
        index = _indexes.get(on)
    if index is None or index.version != _known_version:
        index = GridIndex.build(on)
        with _lock:
            if index.version != _known_version:
                _indexes.clear()  # the territory moved on while we were building
                _known_version = index.version
            if len(_indexes) >= _MAX_DATES:
                _indexes.pop(next(iter(_indexes)))
            _indexes[on] = index
    return index


def locate(lon: float, lat: float, *, on: dt.date | None = None) -> LookupResult:
    """The grid at (lon, lat) among grids active on `on` (today by default); see the module
    docstring for the rule on shared edges and for points outside every grid."""
    return get_index(on).locate(float(lon), float(lat))


def locate_many(
    points: Iterable[tuple[float, float]] | np.ndarray, *, on: dt.date | None = None
) -> list[LookupResult]:
    """`locate` for many (lon, lat) pairs at once, vectorised (imports, benchmarks)."""
    arr = points if isinstance(points, np.ndarray) else np.array(list(points), dtype=float)
    return get_index(on).locate_many(arr)


def locate_building(building: Building) -> Node:
    """The grid a building belongs to (its registered grid, kept by redistricting)."""
    return Node.objects.get(pk=building.grid_id)
