"""The streets of a district are lanes (cogov/demo/builder.py): each takes ids and identity
numbers of its own, so they give the same rows in one process (SQLite, a dry run) as in forked
processes (PostgreSQL), and no two streets ever take the same id or identity number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from cogov.demo import activity_cases, builder
from cogov.demo.builder import build
from cogov.demo.context import IdNumbers, Ids, LaneIds
from cogov.demo.digest import database_digest
from cogov.demo.scales import SCALES, Scale
from cogov.demo.tables import PERSON
from cogov.demo.writers import DigestWriter, workers
from cogov.people.models import Person
from cogov.territory.models import Household, Level, Node

# Eight streets of one community of two grids each: enough streets for forked processes
# (writers.workers() forks for eight jobs or more).
EIGHT_STREETS = Scale("lanes", (1, 1), (4, 2), (1, 1), (1, 2), 5)


@pytest.fixture
def eight_streets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SCALES, "lanes", EIGHT_STREETS)
    monkeypatch.setitem(activity_cases.VOLUME, "lanes", 40)


def _shipped_data() -> None:
    """Transactional tests flush the database, data migrations included: put back the rows
    the demo reads (case categories, deliberation procedures, Open311 attributes, the
    territory version) when an earlier transactional test took them away."""
    from importlib import import_module

    from django.apps import apps

    from cogov.cases.models import Category

    if not Category.objects.exists():
        import_module("cogov.cases.migrations.0002_default_categories").forwards(apps, None)
    import_module("cogov.deliberation.migrations.0002_builtin_procedures").forward(apps, None)
    import_module("cogov.open311.migrations.0002_default_attributes").forwards(apps, None)
    import_module("cogov.territory.migrations.0002_territory_version").create_row(apps, None)


# Transactional: the forked processes must see the rows committed before they start.
@pytest.mark.django_db(transaction=True)
def test_streets_give_the_same_rows_in_one_process_or_several(
    eight_streets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _shipped_data()
    forked: list[int] = []
    real = builder.workers

    def counting(jobs: int) -> int:
        n = real(jobs)
        forked.append(n)
        return n

    monkeypatch.setattr(builder, "workers", counting)
    stored = build("lanes", seed=5)
    assert Node.objects.filter(level=Level.STREET).count() == 8
    if connection.vendor == "postgresql" and (workers(8) > 1):
        assert forked == [workers(8)]  # the streets were generated in forked processes
    # What the processes stored is what they generated…
    assert database_digest(since=stored.first_ids, until=stored.end_ids) == stored.digest
    # …and what one process generates from the same seed and ids.
    again = build("lanes", seed=5, writer=DigestWriter(), start_ids=stored.first_ids)
    assert again.digest == stored.digest
    assert {k: v for k, v in again.counts.items() if k in stored.counts} == {
        k: v for k, v in stored.counts.items() if k in again.counts
    }
    # Every street's people, with identity numbers unique across the streets.
    numbers = list(Person.objects.values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers)) == stored.counts["persons"]
    assert Household.objects.count() == stored.counts["households"]
    # The demo accounts still hang on the first grid of the first street.
    first_grid = Node.objects.filter(level=Level.GRID).order_by("code").first()
    assert first_grid is not None
    owner = Person.objects.get(user__username="demo-owner")
    assert owner.grid_id == first_grid.pk


def test_lanes_take_interleaved_ids_and_the_allocator_moves_past_them() -> None:
    ids = Ids({PERSON.name: 100})
    lanes = [LaneIds(ids.next, k, 3) for k in range(3)]
    taken = [
        [lane.take(PERSON) for _ in range(n)] for lane, n in zip(lanes, (2, 4, 1), strict=True)
    ]
    assert taken == [[100, 103], [101, 104, 107, 110], [102]]
    ids.after_lanes([lane.used for lane in lanes], 3)
    assert ids.take(PERSON) == 112 > max(max(t) for t in taken)


def test_identity_number_lanes_never_share_a_number() -> None:
    birth = dt.date(1980, 5, 17)
    made: list[str] = []
    for lane in range(4):
        numbers = IdNumbers(lane, 4)
        made += [numbers.make("440111", birth, "M")[0] for _ in range(200)]  # spills over days
    assert len(made) == len(set(made)) == 800
    # One lane of one is the plain registry.
    assert IdNumbers().make("440111", birth, "F") == IdNumbers(0, 1).make("440111", birth, "F")
