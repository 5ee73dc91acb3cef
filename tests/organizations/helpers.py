"""Helpers for the joint committee and 双报到 tests: in-service members with confirmed reports."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from cogov.lib import idnumber
from cogov.organizations import actions
from cogov.people.models import PartyMember, Person

_seq = itertools.count(500)


def in_service_member(
    world: Any, employer: Any, *, grid: str = "G11", user: Any = None
) -> PartyMember:
    """A new in-service party member living in `grid`, employed by `employer`."""
    n = next(_seq)
    hh = world.households[f"{grid}-1-101"]
    person = Person.objects.create(
        name=f"党员{n}",
        household=hh,
        grid=world.nodes[grid],
        relation="其他",
        id_number=idnumber.make("440111", dt.date(1980, 1, 1) + dt.timedelta(days=n), n % 999),
        user=user,
    )
    return PartyMember.objects.create(
        person=person, branch=world.orgs["branch"], in_service=True, employer=employer
    )


def reported(world: Any, member: PartyMember, community: str = "C1") -> Any:
    """Register the member with the community and have the party secretary confirm it."""
    secretary = world.users["party_secretary"]
    report = actions.register_member(
        actor=secretary, member=member, community=world.nodes[community]
    )
    return actions.confirm_report(actor=secretary, report=report)
