"""Chinese search terms, and residents following their building through redistricting."""

from __future__ import annotations

import datetime as dt

from cogov.people.models import Person
from cogov.people.search import query_terms
from cogov.territory import actions, lookup
from tests.world import square


def test_numbers_and_single_characters_stick_to_a_neighbour():
    assert query_terms("乐瑞名苑1栋") == ["乐瑞名苑", "1栋"]
    assert "1" not in query_terms("幸福花园 3号楼 502")
    assert query_terms("张伟") == ["张伟"]
    assert query_terms("  ") == []


def test_a_building_number_does_not_match_every_resident(world):
    # Every resident's search text holds doors like "1-101"; "1号楼" must not match them all.
    Person.objects.update(search_text="居民 幸福一网格1号楼 1-101")
    Person.objects.filter(grid=world.G12).update(search_text="居民 幸福二网格2号楼 1-101")
    found = Person.objects.search("幸福二网格2号楼")
    assert set(found.values_list("grid__code", flat=True)) == {world.G12.code}


def test_residents_follow_their_building_into_the_new_grid(world):
    lookup.invalidate()
    left, _right = actions.split_node(
        actor=world.users["street_official"],
        node=world.G11,
        on=dt.date(2026, 3, 1),
        parts=[
            {"code": "440111001001003", "name": "西", "geometry": square(0, 0, 0.5, 1)},
            {"code": "440111001001004", "name": "东", "geometry": square(0.5, 0, 0.5, 1)},
        ],
    )
    moved = Person.objects.filter(household__building__code="B-G11")
    assert moved.count() == 4
    assert set(moved.values_list("grid_id", flat=True)) == {left.pk}
    # A community worker of the community still sees them (the new grid is inside C1).
    assert Person.objects.visible_to(world.users["community_worker"]).filter(grid=left).count() == 4
    lookup.invalidate()
