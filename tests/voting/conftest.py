"""Fixtures of the voting tests: an owners' estate in its own community with chosen areas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cogov.people.models import Ownership, Person
from cogov.territory.models import Building, Level, Node, PropertyUnit
from cogov.voting import actions
from cogov.voting.models import Elector, Vote

from ..world import World


@dataclass
class Estate:
    community: Node
    units: list[PropertyUnit] = field(default_factory=list)
    owners: list[Person] = field(default_factory=list)


def make_estate(world: World, areas: list[str], code: str = "440111002099") -> Estate:
    """A community under S2 with one building and one unit per area, each with its own owner."""
    community = Node.objects.create(
        level=Level.COMMUNITY,
        parent=world.nodes["S2"],
        code=code,
        name="业主小区",
        valid_from=dt.date(2020, 1, 1),
    )
    grid = Node.objects.create(
        level=Level.GRID,
        parent=community,
        code=code + "001",
        name="小区网格",
        valid_from=dt.date(2020, 1, 1),
    )
    building = Building.objects.create(grid=grid, code=f"B-{code}", name="1号楼")
    estate = Estate(community)
    for i, area in enumerate(areas, start=1):
        unit = PropertyUnit.objects.create(
            building=building, number=f"{i:03d}", exclusive_area=Decimal(area)
        )
        person = Person.objects.create(name=f"业主{i:02d}", grid=grid)
        Ownership.objects.create(person=person, unit=unit, since=dt.date(2020, 1, 1))
        estate.units.append(unit)
        estate.owners.append(person)
    return estate


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def open_vote(world: World, actor: str = "admin", **kw: Any) -> Vote:
    kw.setdefault("title", "表决事项")
    kw.setdefault("opens_at", timezone.now() - dt.timedelta(hours=1))
    user = world.users[actor]
    vote = actions.create_vote(actor=user, **kw)
    return actions.open_vote(actor=user, vote=vote)


def elector_for_unit(vote: Vote, unit: PropertyUnit) -> Elector:
    return next(e for e in Elector.objects.filter(vote=vote) if unit.pk in e.units)


def paper(world: World, vote: Vote, unit: PropertyUnit, choice: str, actor: str = "admin") -> None:
    actions.record_ballot(
        actor=world.users[actor], vote=vote, elector=elector_for_unit(vote, unit), choice=choice
    )


def finish(world: World, vote: Vote, actor: str = "admin") -> Vote:
    user = world.users[actor]
    actions.close_vote(actor=user, vote=vote)
    return actions.tally_vote(actor=user, vote=vote)


@pytest.fixture
def owners_vote(world: World):  # type: ignore[no-untyped-def]
    def make(areas: list[str], matter: str = "ordinary", **kw: Any) -> tuple[Estate, Vote]:
        estate = make_estate(world, areas)
        vote = open_vote(
            world,
            node=estate.community,
            electorate="owners",
            rule="owners_joint",
            matter=matter,
            **kw,
        )
        return estate, vote

    return make


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read English messages; the shipped zh-hans catalog would translate them."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
