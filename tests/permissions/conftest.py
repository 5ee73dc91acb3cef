from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from cogov.lib import idnumber
from cogov.organizations.models import Organization, OrgKind
from cogov.people.models import Person
from cogov.territory.models import Building, Household, Level, Node, PropertyUnit


@pytest.fixture
def elsewhere(world: Any) -> dict[str, Any]:
    """A second district with one of everything, outside every persona's scope except the
    administrator's, so that "own scope" and "allowed" can be told apart."""
    start = dt.date(2020, 1, 1)
    d = Node.objects.create(level=Level.DISTRICT, code="440222", name="H区", valid_from=start)
    s = Node.objects.create(
        level=Level.STREET, parent=d, code="440222001", name="东街道", valid_from=start
    )
    c = Node.objects.create(
        level=Level.COMMUNITY, parent=s, code="440222001001", name="东社区", valid_from=start
    )
    g = Node.objects.create(
        level=Level.GRID, parent=c, code="440222001001001", name="东一网格", valid_from=start
    )
    b = Building.objects.create(grid=g, code="B-X", name="东1号楼")
    h = Household.objects.create(building=b, code="H-X", door="1-101")
    u = PropertyUnit.objects.create(
        building=b, household=h, number="1-101", exclusive_area=Decimal("70")
    )
    p = Person.objects.create(
        name="外区居民",
        household=h,
        grid=g,
        id_number=idnumber.make("440222", dt.date(1980, 1, 1), 1),
    )
    committee = Organization.objects.create(kind=OrgKind.PARTY_COMMITTEE, name="东社区党委", node=c)
    org = Organization.objects.create(kind=OrgKind.SOCIAL_ORG, name="东社工", node=c)
    return {
        "D": d,
        "S": s,
        "C": c,
        "G": g,
        "household": h,
        "unit": u,
        "person": p,
        "committee": committee,
        "org": org,
    }


@pytest.fixture(scope="module")
def _module_world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The world, built once per module inside a transaction rolled back at the end (the
    setUpTestData pattern): each test runs in a savepoint of it."""
    from django.db import transaction

    from tests.world import build_world

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(_module_world: Any, db: Any) -> Any:
    """Fresh Python objects for the shared rows, so that no test sees another's in-memory
    changes or cached reach."""
    from tests.world import World

    fresh = World()
    for table in ("nodes", "orgs", "users", "households", "people", "units"):
        rows = getattr(_module_world, table)
        if not rows:
            continue
        model = type(next(iter(rows.values())))
        by_pk = model.objects.in_bulk([obj.pk for obj in rows.values()])
        getattr(fresh, table).update({key: by_pk[obj.pk] for key, obj in rows.items()})
    return fresh
