"""Helpers for the points tests: activities, attended sign-ups, credited accounts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from cogov.accounts.models import Membership, User
from cogov.people.models import Person
from cogov.points import actions, ledger
from cogov.points.actions.common import account_for
from cogov.points.models import Account, AccountKind, Activity

from ..world import World

TZ = dt.timezone(dt.timedelta(hours=8))


def at(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def make_activity(
    world: World,
    *,
    start: dt.datetime | None = None,
    hours: int = 2,
    capacity: int = 10,
    activity_type: str = "patrol",
    title: str = "夜间巡逻",
) -> Activity:
    start = start or timezone.now() + dt.timedelta(days=1)
    return actions.create_activity(
        actor=world.users["community_worker"],
        community=world.nodes["C1"],
        title=title,
        activity_type=activity_type,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        capacity=capacity,
    )


def make_volunteer(
    world: World, name: str, grid: str = "G11", household_key: str | None = None
) -> User:
    """A user linked to a new resident of `grid` with a volunteer role in its community."""
    user = User.objects.create_user(name, password="pw", display_name=name)
    household = world.households[household_key] if household_key else None
    Person.objects.create(name=name, grid=world.nodes[grid], user=user, household=household)
    community = world.nodes[grid].ancestor_of_level("community")
    Membership.objects.create(user=user, role="volunteer", node=community)
    return user


def attend(world: World, user: User, activity: Activity, hours: Decimal | None = None) -> Any:
    """Sign `user` up and have staff confirm the attendance (which makes the award)."""
    signup = actions.sign_up(actor=user, activity=activity)
    return actions.confirm_attendance(
        actor=world.users["community_worker"], signup=signup, hours=hours
    )


def credit(person: Person, community: Any, amount: Any, kind: str = AccountKind.POINTS) -> Account:
    account = account_for(person, community, kind)
    with transaction.atomic():
        (locked,) = ledger.lock(account)
        ledger.append(locked, kind="earn", amount=amount, memo="test credit")
    account.refresh_from_db()
    return account


class Api:
    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/points/{path}", params)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/points/{path}",
            json.dumps(body or {}, default=str),
            content_type="application/json",
        )


@pytest.fixture
def api_for(world: World):  # type: ignore[no-untyped-def]
    def make(persona_or_user: Any) -> Api:
        client = Client()
        user = world.users[persona_or_user] if isinstance(persona_or_user, str) else persona_or_user
        client.force_login(user)
        return Api(client)

    return make
