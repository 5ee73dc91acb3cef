"""The demo's geography: one jittered lattice for the whole demo. Every grid is a lattice cell
(a convex quadrilateral); communities, streets and districts are rectangular blocks of cells
whose outlines run along the same shared vertices, so each level tiles its parent exactly."""

from __future__ import annotations

import itertools
import math
import random
from decimal import Decimal
from typing import Any

# The city's south-west corner and the size of a cell (about 255 m × 245 m).
ORIGIN = (113.20, 23.10)
CELL = (0.0025, 0.0022)
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(ORIGIN[1]))

Point = tuple[float, float]


class Lattice:
    """(cols + 1) × (rows + 1) vertices, each moved by up to `jitter` of a cell in x and y."""

    def __init__(self, cols: int, rows: int, rng: random.Random, jitter: float) -> None:
        self.cols, self.rows = cols, rows
        self.vertices: list[list[Point]] = []
        for i in range(cols + 1):
            column = []
            for j in range(rows + 1):
                dx = rng.uniform(-jitter, jitter)
                dy = rng.uniform(-jitter, jitter)
                lon = round(ORIGIN[0] + (i + dx) * CELL[0], 7)
                lat = round(ORIGIN[1] + (j + dy) * CELL[1], 7)
                column.append((lon, lat))
            self.vertices.append(column)

    def ring(self, c0: int, r0: int, c1: int, r1: int) -> list[Point]:
        """Counter-clockwise closed outline of the block of cells [c0, c1) × [r0, r1)."""
        v = self.vertices
        ring = [v[c][r0] for c in range(c0, c1 + 1)]
        ring += [v[c1][r] for r in range(r0 + 1, r1 + 1)]
        ring += [v[c][r1] for c in range(c1 - 1, c0 - 1, -1)]
        ring += [v[c0][r] for r in range(r1 - 1, r0 - 1, -1)]
        return ring

    def polygon(self, c0: int, r0: int, c1: int, r1: int) -> dict[str, Any]:
        return {"type": "Polygon", "coordinates": [[list(p) for p in self.ring(c0, r0, c1, r1)]]}

    def point_in_cell(self, c: int, r: int, u: float, v: float) -> Point:
        """Bilinear point of cell (c, r) at (u, v) in the unit square: inside the (convex) cell."""
        (x00, y00), (x10, y10) = self.vertices[c][r], self.vertices[c + 1][r]
        (x01, y01), (x11, y11) = self.vertices[c][r + 1], self.vertices[c + 1][r + 1]
        x = (1 - u) * (1 - v) * x00 + u * (1 - v) * x10 + (1 - u) * v * x01 + u * v * x11
        y = (1 - u) * (1 - v) * y00 + u * (1 - v) * y10 + (1 - u) * v * y01 + u * v * y11
        return round(x, 7), round(y, 7)


def area_m2(ring: list[Point]) -> Decimal:
    """Shoelace area of a lon/lat ring, in square metres on a local equirectangular projection."""
    total = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        total += x1 * y2 - x2 * y1
    return Decimal(abs(total) / 2 * _M_PER_DEG_LON * _M_PER_DEG_LAT).quantize(Decimal("0.01"))
