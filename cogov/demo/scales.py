"""How big a demo is. Each level of the territory is laid out as a rectangular block of the
level below (nx × ny), so that every level tiles its parent on one shared lattice."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    key: str
    districts: tuple[int, int]  # districts in the city block (columns, rows)
    streets: tuple[int, int]  # streets per district
    communities: tuple[int, int]  # communities per street
    grids: tuple[int, int]  # grids per community
    households_per_grid: int  # mean; each grid varies around it
    jitter: float = 0.2  # lattice vertex jitter as a fraction of a cell (≤ 0.2 keeps cells convex)

    @staticmethod
    def _n(block: tuple[int, int]) -> int:
        return block[0] * block[1]

    @property
    def district_count(self) -> int:
        return self._n(self.districts)

    @property
    def street_count(self) -> int:
        return self.district_count * self._n(self.streets)

    @property
    def community_count(self) -> int:
        return self.street_count * self._n(self.communities)

    @property
    def grid_count(self) -> int:
        return self.community_count * self._n(self.grids)

    @property
    def lattice(self) -> tuple[int, int]:
        """Cells of the whole lattice (columns, rows)."""
        blocks = (self.districts, self.streets, self.communities, self.grids)
        cols = rows = 1
        for nx, ny in blocks:
            cols *= nx
            rows *= ny
        return cols, rows


SCALES: dict[str, Scale] = {
    s.key: s
    for s in [
        # For tests: 1 street, 2 communities, 4 grids, about 40 households.
        Scale("tiny", (1, 1), (1, 1), (2, 1), (1, 2), 8),
        # 2 streets, 6 communities, 60 grids, about 6,000 households.
        Scale("small", (1, 1), (2, 1), (1, 3), (5, 2), 100),
        # 10 streets, 100 communities, 1,600 grids, about 300,000 households.
        Scale("district", (1, 1), (2, 5), (5, 2), (4, 4), 188),
        # Ten districts of the district scale.
        Scale("city", (5, 2), (2, 5), (5, 2), (4, 4), 188),
    ]
}
