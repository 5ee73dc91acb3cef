"""Redistricting: split and merge with history; retired nodes keep their place in the tree."""

from __future__ import annotations

import datetime as dt

import pytest

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import Policy
from cogov.territory import actions, lookup
from cogov.territory.models import Building, Household, LineageKind, Node, NodeLineage
from tests.world import point, square

ON = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fresh_index():
    lookup.invalidate()
    yield
    lookup.invalidate()


def _stand_in_record(node):
    """A record that points at a grid, like a case or a visit will (a policy row here)."""
    return Policy.objects.create(
        kind="territory.grid_size",
        node=node,
        effective_from=dt.date(2020, 1, 1),
        value={"min_households": 1, "max_households": 900},
    )


def _records_under(node):
    return Policy.objects.filter(node__path__startswith=node.path).count()


def test_split_grid_moves_buildings_by_coordinates_with_history(world):
    g11 = world.G11
    path_before, parent_before = g11.path, g11.parent_id
    left, right = actions.split_node(
        actor=world.users["street_official"],
        node=g11,
        on=ON,
        note="人口增长",
        parts=[
            {"code": "440111001001003", "name": "幸福一网格西", "geometry": square(0, 0, 0.5, 1)},
            {"code": "440111001001004", "name": "幸福一网格东", "geometry": square(0.5, 0, 0.5, 1)},
        ],
    )
    g11.refresh_from_db()
    assert g11.valid_to == ON and g11.path == path_before and g11.parent_id == parent_before
    assert (left.valid_from, left.parent, right.parent) == (ON, world.C1, world.C1)
    links = NodeLineage.objects.filter(source=g11).order_by("target__code")
    assert [(link.target.code, link.kind, link.date, link.note) for link in links] == [
        ("440111001001003", LineageKind.SPLIT, ON, "人口增长"),
        ("440111001001004", LineageKind.SPLIT, ON, "人口增长"),
    ]
    # B-G11 stands at x = 0.5, on the new shared edge: the lowest code takes it.
    building = Building.objects.get(code="B-G11")
    assert building.grid == left
    assert Household.objects.filter(building__grid=left).count() == 2
    assert Household.objects.filter(building__grid=g11).count() == 0
    # Lookup follows at once; the past is still answerable.
    assert lookup.locate(*point(0.75, 0.5)).grid.code == "440111001001004"
    assert lookup.locate(*point(0.75, 0.5), on=dt.date(2026, 2, 28)).grid.code == g11.code


def test_split_grid_needs_a_home_for_buildings_without_coordinates(world):
    Building.objects.create(grid=world.G11, code="B-nowhere", name="无坐标楼")
    parts = [
        {"code": "440111001001003", "name": "西", "geometry": square(0, 0, 0.5, 1)},
        {"code": "440111001001004", "name": "东", "geometry": square(0.5, 0, 0.5, 1)},
    ]
    with pytest.raises(ActionError, match="B-nowhere"):
        actions.split_node(actor=None, node=world.G11, parts=parts, on=ON)
    assert Node.objects.get(pk=world.G11.pk).valid_to is None  # nothing happened
    assert not Node.objects.filter(code="440111001001003").exists()
    actions.split_node(
        actor=None, node=world.G11, parts=parts, on=ON, unlocated_to="440111001001004"
    )
    assert Building.objects.get(code="B-nowhere").grid.code == "440111001001004"


def test_split_rejects_overlapping_parts_and_needs_permission(world, english):
    parts = [
        {"code": "440111001001003", "name": "西", "geometry": square(0, 0, 0.6, 1)},
        {"code": "440111001001004", "name": "东", "geometry": square(0.5, 0, 0.5, 1)},
    ]
    with pytest.raises(ActionError, match=r"Parts 0 and 1 overlap\."):
        actions.split_node(actor=None, node=world.G11, parts=parts, on=ON)
    parts[0]["geometry"] = square(0, 0, 0.5, 1)
    with pytest.raises(NotAllowed):
        actions.split_node(
            actor=world.users["street_official_s2"], node=world.G11, parts=parts, on=ON
        )
    assert Node.objects.get(pk=world.G11.pk).valid_to is None


def test_community_split_keeps_old_records_under_the_old_community(world):
    """The point of never re-parenting: records that point at an old grid still report under
    the community that grid belonged to, while the households move on with their buildings."""
    c1, g11, g12 = world.C1, world.G11, world.G12
    record = _stand_in_record(g11)
    assert _records_under(c1) == 1
    assert Household.objects.within(c1).count() == 4

    east, west = actions.split_node(
        actor=world.users["street_official"],
        node=c1,
        on=ON,
        parts=[
            {"code": "440111001003", "name": "幸福西社区", "geometry": square(0, 0, 1, 1)},
            {"code": "440111001004", "name": "幸福东社区", "geometry": square(1, 0, 1, 1)},
        ],
    )
    # The old grid is retired but keeps its parent and path: the record still counts under C1.
    g11.refresh_from_db()
    assert g11.parent_id == c1.pk and g11.valid_to == ON
    assert _records_under(c1) == 1
    assert Node.objects.get(pk=record.node_id).ancestor_of_level("community") == c1
    assert _records_under(east) == 0 and _records_under(west) == 0
    # The households moved to the recoded grids under the new communities.
    assert Household.objects.within(c1).count() == 0
    assert Household.objects.within(east).count() == 2
    assert Household.objects.within(west).count() == 2
    new_g11 = Node.objects.get(code="440111001003001")
    assert new_g11.parent == east and new_g11.name == g11.name
    assert NodeLineage.objects.get(source=g11).target == new_g11
    assert NodeLineage.objects.get(source=g12).target.code == "440111001004001"
    assert set(NodeLineage.objects.filter(source=c1).values_list("target__code", "kind")) == {
        ("440111001003", "split"),
        ("440111001004", "split"),
    }
    assert Node.objects.active().filter(parent=c1).count() == 0
    assert Node.objects.filter(parent=c1).count() == 2  # history stays in place


def test_community_split_with_explicit_grid_lists(world):
    east, west = actions.split_node(
        actor=None,
        node=world.C1,
        on=ON,
        parts=[
            {"code": "440111001003", "name": "甲", "grids": ["440111001001002"]},
            {"code": "440111001004", "name": "乙", "grids": ["440111001001001"]},
        ],
    )
    assert Building.objects.get(code="B-G12").grid.parent == east
    assert Building.objects.get(code="B-G11").grid.parent == west


def test_merge_grids(world):
    new = actions.merge_nodes(
        actor=world.users["admin"],
        nodes=[world.G12, world.G11],
        code="440111001001003",
        name="合并",
        on=ON,
    )
    assert new.parent == world.C1
    assert Household.objects.filter(building__grid=new).count() == 4
    assert sorted(NodeLineage.objects.filter(target=new).values_list("source__code", "kind")) == [
        ("440111001001001", "merge"),
        ("440111001001002", "merge"),
    ]
    for old in (world.G11, world.G12):
        old.refresh_from_db()
        assert old.valid_to == ON and old.parent == world.C1
    # The old shared edge is now interior.
    result = lookup.locate(*point(1, 0.5))
    assert (result.grid.code, result.reason) == ("440111001001003", "inside")


def test_merge_communities_recodes_their_grids(world):
    record = _stand_in_record(world.G21)
    new = actions.merge_nodes(
        actor=world.users["street_official"],
        nodes=[world.C1, world.C2],
        code="440111001003",
        name="大社区",
        on=ON,
    )
    grids = list(Node.objects.active().filter(parent=new).order_by("code"))
    assert [(g.code, g.name) for g in grids] == [
        ("440111001003001", "幸福一网格"),
        ("440111001003002", "幸福二网格"),
        ("440111001003003", "和平一网格"),
    ]
    assert Household.objects.within(new).count() == 6
    assert _records_under(world.C2) == 1 and _records_under(new) == 0
    assert Node.objects.get(pk=record.node_id).ancestor_of_level("community") == world.C2


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        (["G11"], "at least two"),
        (["G11", "G11"], "at least two"),
        (["G11", "C2"], "communities with communities"),
        (["G11", "G21"], "different parents"),
        (["S1", "S2"], "communities with communities"),
    ],
)
def test_merge_refuses(world, english, nodes, message):
    with pytest.raises(ActionError, match=message):
        actions.merge_nodes(
            actor=None,
            nodes=[world.nodes[k] for k in nodes],
            code="440111001001009",
            name="x",
            on=ON,
        )


def test_retired_nodes_cannot_be_split_again(world, english):
    actions.merge_nodes(
        actor=None, nodes=[world.G11, world.G12], code="440111001001003", name="m", on=ON
    )
    with pytest.raises(ActionError, match="not in force"):
        actions.split_node(
            actor=None,
            node=Node.objects.get(pk=world.G11.pk),
            parts=[
                {"code": "440111001001005", "name": "a"},
                {"code": "440111001001006", "name": "b"},
            ],
        )


def test_building_move_handlers_are_called(world):
    seen = []
    actions.BUILDING_MOVE_HANDLERS.append(seen.append)
    try:
        new = actions.merge_nodes(
            actor=None, nodes=[world.G11, world.G12], code="440111001001003", name="m", on=ON
        )
    finally:
        actions.BUILDING_MOVE_HANDLERS.remove(seen.append)
    ids = set(Building.objects.filter(code__in=["B-G11", "B-G12"]).values_list("pk", flat=True))
    assert seen == [dict.fromkeys(ids, new.pk)]
