"""The territory API (scoped lists, 404 for invisible nodes, grid maps, locate) and metrics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cogov.core import metrics
from cogov.core.metrics import Period
from cogov.core.models import Policy
from cogov.territory import actions, lookup
from cogov.territory.models import Level, Node
from tests.world import point

PERIOD = Period.year(2026)


@pytest.fixture(autouse=True)
def fresh_index():
    lookup.invalidate()
    yield
    lookup.invalidate()


# -- metrics ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "node", "expected"),
    [
        ("territory.households", "C1", Decimal(4)),
        ("territory.households", "D", Decimal(8)),
        ("territory.buildings", "S1", Decimal(3)),
        ("territory.grids", "S1", Decimal(3)),
        ("territory.grids", "G11", Decimal(1)),
        ("territory.households_per_grid", "D", Decimal("2.00")),
        # the default range is 100–500 households: every grid of the test world is too small
        ("territory.grids_outside_size", "D", Decimal(4)),
    ],
)
def test_metrics(world, key, node, expected):
    assert metrics.compute(key, world.nodes[node], PERIOD) == expected


def test_grids_outside_size_follows_the_local_policy(world):
    Policy.objects.create(
        kind="territory.grid_size",
        node=world.C1,
        effective_from=dt.date(2020, 1, 1),
        value={"min_households": 1, "max_households": 2},
    )
    Policy.objects.create(
        kind="territory.grid_size",
        node=world.G12,
        effective_from=dt.date(2020, 1, 1),
        value={"min_households": 5, "max_households": 9},
    )
    # C1's policy fits G11 (2 households); G12 has its own stricter one; G21, G31 use the default.
    assert metrics.compute("territory.grids_outside_size", world.D, PERIOD) == Decimal(3)
    assert metrics.compute("territory.grids_outside_size", world.G11, PERIOD) == Decimal(0)


def test_metrics_count_grids_in_force_at_the_end_of_the_period(world):
    actions.merge_nodes(
        actor=None,
        nodes=[world.G11, world.G12],
        code="440111001001003",
        name="m",
        on=dt.date(2026, 7, 1),
    )
    assert metrics.compute("territory.grids", world.C1, Period.month(2026, 6)) == Decimal(2)
    assert metrics.compute("territory.grids", world.C1, Period.month(2026, 7)) == Decimal(1)
    assert metrics.compute("territory.households_per_grid", world.C1, Period.month(2026, 7)) == 4


# -- API -------------------------------------------------------------------------------------


def test_nodes_list_is_scoped(world, client_for):
    body = client_for("community_worker").get("/api/territory/nodes").json()
    codes = [n["code"] for n in body["items"]]
    # their community and its grids, plus the chain above it
    assert codes == ["440111", "440111001", "440111001001", "440111001001001", "440111001001002"]
    assert client_for("outsider").get("/api/territory/nodes").json()["items"] == []


def test_nodes_list_filters_and_keyset_pagination(world, client_for, django_assert_max_num_queries):
    client = client_for("admin")
    seen, after = [], None
    while True:
        url = "/api/territory/nodes?level=grid&limit=3" + (f"&after={after}" if after else "")
        body = client.get(url).json()
        seen += [n["code"] for n in body["items"]]
        after = body["next_after"]
        if after is None:
            break
    assert seen == sorted(Node.objects.filter(level=Level.GRID).values_list("code", flat=True))
    children = client.get(f"/api/territory/nodes?parent={world.C1.uuid}").json()["items"]
    assert [c["code"] for c in children] == ["440111001001001", "440111001001002"]
    assert children[0]["parent"] == str(world.C1.uuid)


def test_nodes_list_query_count_is_fixed(world, client_for, django_assert_num_queries):
    client = client_for("admin")
    client.get("/api/territory/nodes?limit=2")  # warm the session and the reach
    with django_assert_num_queries(5) as few:  # session, user, memberships, reach extender, page
        client.get("/api/territory/nodes?limit=2")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/api/territory/nodes?limit=50")


def test_retired_nodes_are_listed_only_on_request(world, client_for):
    actions.merge_nodes(actor=None, nodes=[world.G11, world.G12], code="440111001001003", name="m")
    client = client_for("admin")
    grids = client.get(f"/api/territory/nodes?parent={world.C1.uuid}").json()["items"]
    assert [g["code"] for g in grids] == ["440111001001003"]
    grids = client.get(f"/api/territory/nodes?parent={world.C1.uuid}&include_retired=true").json()
    assert len(grids["items"]) == 3


def test_node_detail_404_for_invisible(world, client_for):
    url = f"/api/territory/nodes/{world.G11.uuid}"
    assert client_for("grid_worker").get(url).json()["code"] == "440111001001001"
    assert client_for("community_worker_c2").get(url).status_code == 404
    assert client_for("outsider").get(url).status_code == 404
    missing = client_for("admin").get("/api/territory/nodes/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


def test_grids_geojson(world, client_for, django_assert_num_queries):
    client = client_for("street_official")
    url = f"/api/territory/nodes/{world.S1.uuid}/grids.geojson"
    client.get(url)
    with django_assert_num_queries(6) as one_grid:  # session, user, reach (2), node, grids+counts
        client.get(f"/api/territory/nodes/{world.G11.uuid}/grids.geojson")
    with django_assert_num_queries(len(one_grid.captured_queries)):  # 3 grids: the same
        response = client.get(url)
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [(f["properties"]["code"], f["properties"]["households"]) for f in body["features"]] == [
        ("440111001001001", 2),
        ("440111001001002", 2),
        ("440111001002001", 2),
    ]
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    # A grid worker asking for the whole district sees only their grid.
    body = (
        client_for("grid_worker").get(f"/api/territory/nodes/{world.D.uuid}/grids.geojson").json()
    )
    assert [f["properties"]["code"] for f in body["features"]] == ["440111001001001"]
    assert client_for("outsider").get(url).status_code == 404


def test_locate_endpoint(world, client_for, english):
    client = client_for("community_worker")
    lon, lat = point(1, 0.5)
    body = client.get(f"/api/territory/locate?lon={lon}&lat={lat}").json()
    assert body["grid"]["code"] == "440111001001001"
    assert body["reason"] == "on_edge"
    assert body["candidates"] == ["440111001001001", "440111001001002"]
    lon, lat = point(9, 0.5)
    body = client.get(f"/api/territory/locate?lon={lon}&lat={lat}").json()
    assert body["grid"] is None and "The point is outside every grid" in body["reason"]
    # A grid outside the caller's scopes is not named.
    lon, lat = point(2.5, 0.5)
    body = client.get(f"/api/territory/locate?lon={lon}&lat={lat}").json()
    assert body["grid"] is None and body["candidates"] == []
    assert body["reason"] == "The point is outside the territory you may see."
    assert client.get("/api/territory/locate?lon=200&lat=23").status_code == 422


def test_api_needs_authentication(world, client):
    assert client.get("/api/territory/nodes").status_code == 401
