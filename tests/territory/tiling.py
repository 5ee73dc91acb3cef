"""A generated tiling of grids for lookup tests and benchmarks: a jittered lattice.

The lattice has (nx + 1) × (ny + 1) vertices; every inner vertex is moved by a random offset
of up to a third of a cell, so the cells are irregular convex-ish quadrilaterals that share
their edges and vertices exactly (the same float coordinates), like a real grid map.
"""

from __future__ import annotations

import random
from typing import Any

from cogov.territory.models import Level, Node

X0, Y0 = 114.0, 22.5
CELL = 0.002  # degrees, about 200 m


def lattice(nx: int, ny: int, seed: int = 7) -> list[list[tuple[float, float]]]:
    rnd = random.Random(seed)
    pts = []
    for i in range(nx + 1):
        col = []
        for j in range(ny + 1):
            dx = dy = 0.0
            if 0 < i < nx and 0 < j < ny:
                dx, dy = rnd.uniform(-CELL / 3, CELL / 3), rnd.uniform(-CELL / 3, CELL / 3)
            col.append((X0 + i * CELL + dx, Y0 + j * CELL + dy))
        pts.append(col)
    return pts


def cell(pts: list[list[tuple[float, float]]], i: int, j: int) -> dict[str, Any]:
    ring = [pts[i][j], pts[i + 1][j], pts[i + 1][j + 1], pts[i][j + 1], pts[i][j]]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def grid_code(community_code: str, i: int, j: int, ny: int) -> str:
    return f"{community_code}{i * ny + j + 1:03d}"


def build_tiling(nx: int, ny: int, seed: int = 7) -> tuple[Node, list[list[tuple[float, float]]]]:
    """A district with one street, one community per lattice column and one grid per cell
    (codes run column by column, so a cell's code grows with i, then j)."""
    pts = lattice(nx, ny, seed)
    district = Node.objects.create(level=Level.DISTRICT, code="449901", name="Tiling")
    street = Node.objects.create(
        level=Level.STREET, code="449901001", name="Tiling street", parent=district
    )
    grids = []
    for i in range(nx):
        community = Node.objects.create(
            level=Level.COMMUNITY, code=f"449901001{i + 1:03d}", name=f"C{i}", parent=street
        )
        for j in range(ny):
            grids.append(
                Node(
                    level=Level.GRID,
                    code=f"{community.code}{j + 1:03d}",
                    name=f"G{i}-{j}",
                    parent=community,
                    geometry=cell(pts, i, j),
                    path=f"{community.path}x/",
                )
            )
    # Paths are derived on save(); bulk_create skips it, so set them in one pass.
    Node.objects.bulk_create(grids)
    for g in grids:
        g.path = f"{g.parent.path}{g.pk}/"
    Node.objects.bulk_update(grids, ["path"], batch_size=500)
    return district, pts
