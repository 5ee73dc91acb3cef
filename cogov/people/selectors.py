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
        for hid in person.ownerships.filter(until__isnull=True).values_list("unit__household_id", flat=True)
        if hid
    )
