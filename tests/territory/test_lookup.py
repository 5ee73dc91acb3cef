"""Point-to-grid lookup: inside, on shared edges and vertices, outside, refresh after changes."""

from __future__ import annotations

import datetime as dt
import random
import re

import numpy as np
import pytest
import shapely
from django.test import override_settings

from cogov.territory import actions, lookup
from cogov.territory.lookup import locate, locate_building, locate_many
from cogov.territory.models import Building, Node, TerritoryVersion
from tests.world import point, square

from .tiling import build_tiling, cell, lattice

G11, G12, G21, G31 = "440111001001001", "440111001001002", "440111001002001", "440111002001001"


@pytest.fixture(autouse=True)
def fresh_index():
    lookup.invalidate()
    yield
    lookup.invalidate()


def test_inside(world):
    result = locate(*point(0.5, 0.5))
    assert result.grid is not None and result.grid.code == G11
    assert result.reason == "inside"
    assert result.candidates == (G11,)


@pytest.mark.parametrize(
    ("xy", "expected", "touched"),
    [
        ((1, 0.5), G11, (G11, G12)),  # edge G11 | G12
        ((2, 0.5), G12, (G12, G21)),  # edge G12 | G21 (two communities)
        ((2.5, 1), G21, (G21, G31)),  # edge G21 / G31 (two streets)
        ((0.3, 1), G11, (G11, G31)),
    ],
)
def test_shared_edge_resolves_to_the_lowest_code(world, xy, expected, touched):
    result = locate(*point(*xy))
    assert result.grid is not None and result.grid.code == expected
    assert result.reason == "on_edge"
    assert result.candidates == touched


@pytest.mark.parametrize(
    ("xy", "expected", "touched"),
    [((1, 1), G11, (G11, G12, G31)), ((2, 1), G12, (G12, G21, G31))],
)
def test_shared_vertex_resolves_to_the_lowest_code(world, xy, expected, touched):
    result = locate(*point(*xy))
    assert result.grid is not None and result.grid.code == expected
    assert result.reason == "on_edge"
    assert result.candidates == touched


def test_outer_edge_is_on_edge_of_its_only_grid(world):
    result = locate(*point(0, 0.5))
    assert result.grid is not None and result.grid.code == G11
    assert (result.reason, result.candidates) == ("on_edge", (G11,))


def test_outside_names_the_nearest_grid_and_distance(world):
    # (5, 0.5): nearest is G31's corner at (4, 1): 1 unit east (≈1,024 m at 23°N) and
    # 0.5 unit north (≈556 m) ≈ 1,165 m; G21 is 2 units (≈2,048 m) away.
    result = locate(*point(5, 0.5))
    assert result.grid is None
    assert result.candidates == ()
    # The reason is a sentence in the user's language (Chinese unless they chose English).
    found = re.fullmatch(
        rf"该点不在任何网格内；最近的是光明一网格（{G31}），相距 (\d+) 米。", result.reason
    )
    assert found, result.reason
    assert 1130 <= int(found.group(1)) <= 1200


def test_outside_uses_metres_not_degrees(world, english):
    # Far south of G11 by 1.5 units of latitude (≈1,668 m) vs. 1.6 units of longitude to the
    # west of G11 (≈1,637 m): in degrees the south point is nearer, in metres the west one.
    south = locate(*point(0.5, -1.5))
    west = locate(*point(-1.6, 0.5))
    m_south = int(re.search(r"(\d+) m away", south.reason).group(1))
    m_west = int(re.search(r"(\d+) m away", west.reason).group(1))
    assert m_west < m_south


def test_retired_grids_are_not_located_but_past_dates_are(world):
    on = dt.date(2026, 1, 1)
    actions.merge_nodes(
        actor=None,
        nodes=[world.G11, world.G12],
        code="440111001001003",
        name="合并网格",
        on=on,
    )
    now = locate(*point(0.5, 0.5))
    assert now.grid.code == "440111001001003" and now.reason == "inside"
    before = locate(*point(0.5, 0.5), on=dt.date(2025, 6, 1))
    assert before.grid.code == G11


def test_locate_building(world):
    building = Building.objects.get(code="B-G12")
    assert locate_building(building).code == G12


def test_locate_many_matches_locate(world):
    pts = [point(0.5, 0.5), point(1, 0.5), point(2, 1), point(5, 5), point(3.5, 1.5)]
    many = locate_many(pts)
    one = [locate(*p) for p in pts]
    assert [(r.grid and r.grid.code, r.reason, r.candidates) for r in many] == [
        (r.grid and r.grid.code, r.reason, r.candidates) for r in one
    ]
    assert locate_many([]) == []


# -- a generated tiling of a few hundred grids ---------------------------------------------------


def _brute(codes, geoms, lon, lat):
    pt = shapely.Point(lon, lat)
    inside = sorted(c for c, g in zip(codes, geoms, strict=True) if g.contains(pt))
    touching = sorted(c for c, g in zip(codes, geoms, strict=True) if g.intersects(pt))
    if inside:
        return inside[0], "inside"
    if touching:
        return touching[0], "on_edge"
    return None, None


@pytest.fixture
def tiling(db):
    nx, ny = 20, 15  # 300 grids
    build_tiling(nx, ny)
    return nx, ny


def test_tiling_vertices_resolve_to_the_lowest_of_four(tiling):
    nx, ny = tiling
    pts = lattice(nx, ny)
    inner = [(i, j) for i in range(1, nx) for j in range(1, ny)]
    results = locate_many([pts[i][j] for i, j in inner])
    for (i, j), r in zip(inner, results, strict=True):
        # The four cells (i-1, j-1), (i, j-1), (i-1, j), (i, j); the lowest code is (i-1, j-1).
        assert r.reason == "on_edge"
        assert len(r.candidates) == 4
        assert r.grid.code == f"449901001{i:03d}{j:03d}"


def test_tiling_random_points_follow_the_rule(tiling):
    nx, ny = tiling
    pts = lattice(nx, ny)
    codes, geoms = [], []
    for i in range(nx):
        for j in range(ny):
            codes.append(f"449901001{i + 1:03d}{j + 1:03d}")
            geoms.append(shapely.geometry.shape(cell(pts, i, j)))
    rnd = random.Random(3)
    x0, y0 = pts[0][0]
    x1, y1 = pts[nx][ny]
    sample = [(rnd.uniform(x0, x1), rnd.uniform(y0, y1)) for _ in range(500)]
    # and points exactly on shared vertices and on outer edges
    sample += [pts[rnd.randrange(nx + 1)][rnd.randrange(ny + 1)] for _ in range(100)]
    results = locate_many(np.array(sample))
    for (lon, lat), r in zip(sample, results, strict=True):
        expected, reason = _brute(codes, geoms, lon, lat)
        # the lattice's outer boundary is straight, so nothing inside the box is lost
        assert expected is not None
        assert (r.grid.code, r.reason) == (expected, reason)
    # the scalar and the batch path agree
    for (lon, lat), r in list(zip(sample, results, strict=True))[:50]:
        single = locate(lon, lat)
        assert (single.grid.code, single.reason, single.candidates) == (
            r.grid.code,
            r.reason,
            r.candidates,
        )


def test_tiling_outside(tiling, english):
    result = locate(113.0, 22.0)
    assert result.grid is None and result.reason.startswith("The point is outside every grid;")


# -- refresh ---------------------------------------------------------------------------------


def test_refresh_after_an_action_changes_a_grid(world):
    assert locate(*point(0.75, 0.5)).grid.code == G11
    actions.update_geometry(
        actor=world.users["admin"], node=world.G11, geometry=square(0, 0, 0.5, 1)
    )
    result = locate(*point(0.75, 0.5))
    assert result.grid is None and "幸福一网格" in result.reason


@pytest.mark.django_db(transaction=True)
@override_settings(COGOV_TERRITORY_INDEX_CHECK_SECONDS=30)
def test_other_processes_refresh_within_the_check_interval(world, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(lookup.time, "monotonic", lambda: clock[0])
    assert locate(*point(0.75, 0.5)).grid.code == G11
    # Another app server changes the grid: the row and the version move, our cache does not.
    Node.objects.filter(pk=world.G11.pk).update(geometry=square(0, 0, 0.5, 1))
    TerritoryVersion.bump()
    clock[0] += 10
    assert locate(*point(0.75, 0.5)).grid.code == G11  # not checked yet: still the old index
    clock[0] += 25
    assert locate(*point(0.75, 0.5)).grid is None  # checked the version, rebuilt


@pytest.mark.django_db(transaction=True)
def test_index_is_built_once_while_nothing_changes(world, django_assert_num_queries):
    locate(*point(0.5, 0.5))
    with django_assert_num_queries(0):  # outside a transaction: no query within the interval
        for _ in range(10):
            locate(*point(1.5, 0.5))


def test_inside_a_transaction_the_stamp_is_checked_on_every_call(world, django_assert_num_queries):
    locate(*point(0.5, 0.5))
    with django_assert_num_queries(2 * 3):  # the version and the grid count: no rebuild
        for _ in range(3):
            locate(*point(1.5, 0.5))


@pytest.mark.django_db(transaction=True)
@override_settings(COGOV_TERRITORY_INDEX_CHECK_SECONDS=30)
def test_grids_loaded_in_bulk_without_actions_are_picked_up(world, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(lookup.time, "monotonic", lambda: clock[0])
    far = point(10.5, 0.5)
    assert locate(*far).grid is None
    # A bulk loader (the demo generator) writes rows without the actions: no version bump.
    Node.objects.bulk_create(
        [
            Node(
                level="grid",
                code="440111002001002",
                name="批量网格",
                parent=world.C3,
                geometry=square(10, 0),
                path="/tmp/",
            )
        ]
    )
    clock[0] += 31
    assert locate(*far).grid.code == "440111002001002"
