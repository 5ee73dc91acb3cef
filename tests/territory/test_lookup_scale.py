"""Lookup at city scale: 30,000 grids, 100,000 points (run with -m slow)."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from cogov.territory import lookup

from .tiling import build_tiling, lattice


@pytest.mark.slow
def test_thirty_thousand_grids(db):
    nx, ny = 200, 150
    build_tiling(nx, ny)
    lookup.invalidate()
    started = time.perf_counter()
    index = lookup.get_index()
    built = time.perf_counter() - started
    assert len(index) == nx * ny

    pts = lattice(nx, ny)
    (x0, y0), (x1, y1) = pts[0][0], pts[nx][ny]
    rnd = random.Random(1)
    sample = np.array([(rnd.uniform(x0, x1), rnd.uniform(y0, y1)) for _ in range(100_000)])
    started = time.perf_counter()
    results = lookup.locate_many(sample)
    batch = time.perf_counter() - started
    assert all(r.grid is not None for r in results)

    started = time.perf_counter()
    for lon, lat in sample[:2000]:
        lookup.locate(lon, lat)
    single = (time.perf_counter() - started) / 2000
    # Speed is measured in benchmarks, not asserted here; the figures are printed for reference.
    print(f"\nbuild {built:.2f}s, batch 100k {batch:.2f}s, single {single * 1e6:.0f}µs")
