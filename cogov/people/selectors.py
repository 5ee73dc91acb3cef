"""Reads of the people app that other apps use."""

from __future__ import annotations

from typing import Any

from cogov.accounts.scopes import Reach


def extend_reach(user: Any, reach: Reach) -> None:
    """Residents reach their own household; owners the households of their units."""
    from .models import Person

    person = Person.objects.filter(user=user).only("pk", "household_id").first()
    if person is None:
        return
    reach.person_id = person.pk
    if person.household_id:
        reach.household_ids.add(person.household_id)
    reach.household_ids.update(
        hid
        for hid in person.ownerships.filter(until__isnull=True).values_list(
            "unit__household_id", flat=True
        )
        if hid
    )


def is_verified_resident(user: Any, household: Any) -> bool:
    """The user's account is linked to a resident of `household`.

    Accounts are linked to residents only by a confirmed verification (staff or a roster
    match), so this is what the voting app asks before a residents' ballot."""
    from .models import Person

    if not getattr(user, "pk", None) or household is None:
        return False
    return Person.objects.filter(user=user, household=household).exists()


def is_verified_owner(user: Any, unit: Any) -> bool:
    """The user's account is linked to a current owner of the property unit `unit`."""
    from .models import Ownership

    if not getattr(user, "pk", None) or unit is None:
        return False
    return Ownership.objects.filter(person__user=user, unit=unit, until__isnull=True).exists()


def follow_building_moves(moves: dict[int, int]) -> None:
    """Redistricting moved buildings to new grids: residents' denormalised grid follows.

    Registered in `cogov.territory.actions.BUILDING_MOVE_HANDLERS`; runs inside the
    redistricting transaction, one UPDATE per new grid.
    """
    from collections import defaultdict

    from .models import Person

    by_grid: dict[int, list[int]] = defaultdict(list)
    for building_id, grid_id in moves.items():
        by_grid[grid_id].append(building_id)
    for grid_id, building_ids in by_grid.items():
        Person.objects.filter(household__building_id__in=building_ids).update(grid_id=grid_id)


def roster_match(kind: str, target: Any, name: str, id_number: str) -> Any:
    """The roster record a claim names: a resident of the household (kind "resident") or a
    current owner of the unit (kind "owner") with exactly that name and identity number."""
    from .models import Person

    people = Person.objects.filter(name=name, id_number=id_number)
    if kind == "resident":
        people = people.filter(household=target)
    else:
        people = people.filter(ownerships__unit=target, ownerships__until__isnull=True)
    return people.first()


def count_residents(node: Any) -> int:
    """Residents (Person rows) whose grid lies under `node`: the denominator of the
    "per 1,000 residents" metrics. One query."""
    from .models import Person

    return Person.objects.filter(grid__path__startswith=node.path).count()
