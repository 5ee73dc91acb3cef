"""One test per role and permission: who may do what, and nothing changes on a refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cogov.core.errors import ActionError, NotAllowed
from cogov.people.models import PartyMember
from cogov.points import actions
from cogov.points.models import Activity, Entry, ShopItem

from ..world import PERSONAS
from .conftest import credit, make_activity

ALL = [key for key, _role, _scope in PERSONAS]
MANAGERS = {"admin", "street_official", "party_secretary", "community_worker"}
ORGANIZERS = {"unit_liaison", "org_staff", "social_worker"}  # their organizations are in C1
WITH_PERSON = {"resident", "owner", "party_member"}

EXPECTED = {
    "points.manage_points": MANAGERS,
    "points.create_activity": MANAGERS | ORGANIZERS,
    "points.manage_shop": MANAGERS,
    "points.decide_party_record": {"admin", "party_secretary"},
    "points.sign_up": WITH_PERSON,
    "points.view_account": MANAGERS | {"resident"},
    "points.use_account": {"resident"},
    "points.correct_ledger": MANAGERS,
    "points.view_party_score": MANAGERS | {"party_member"},
}


def _target(world, permission):  # type: ignore[no-untyped-def]
    if permission in {"points.manage_points", "points.create_activity", "points.manage_shop"}:
        return world.C1
    if permission == "points.sign_up":
        return make_activity(world)
    if permission in {"points.view_account", "points.use_account", "points.correct_ledger"}:
        return credit(world.people["G11-1-101-户主"], world.C1, 5)
    return PartyMember.objects.get(person__user=world.users["party_member"])


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("persona", ALL)
def test_permission_per_role(world, persona, permission):
    target = _target(world, permission)
    assert world.users[persona].has_perm(permission, target) is (persona in EXPECTED[permission])


@pytest.mark.parametrize("persona", ALL)
def test_create_item_per_role_changes_nothing_when_refused(world, persona):
    before = ShopItem.objects.count()
    try:
        actions.create_item(
            actor=world.users[persona], community=world.C1, name="米", price=Decimal(40), stock=3
        )
    except NotAllowed:
        assert persona not in MANAGERS
        assert ShopItem.objects.count() == before
    else:
        assert persona in MANAGERS
        assert ShopItem.objects.count() == before + 1


@pytest.mark.parametrize("persona", ALL)
def test_create_activity_per_role_changes_nothing_when_refused(world, persona):
    import datetime as dt

    from django.utils import timezone

    org = {"unit_liaison": "unit", "org_staff": "property", "social_worker": "socialorg"}.get(
        persona
    )
    start = timezone.now() + dt.timedelta(days=2)
    before = Activity.objects.count()
    try:
        actions.create_activity(
            actor=world.users[persona],
            community=world.C1,
            title="义诊",
            activity_type="other",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            capacity=5,
            organizer=world.orgs[org] if org else None,
        )
    except (NotAllowed, ActionError):
        assert persona not in MANAGERS | ORGANIZERS
        assert Activity.objects.count() == before
    else:
        assert persona in MANAGERS | ORGANIZERS
        assert Activity.objects.count() == before + 1


def test_an_organization_runs_only_its_own_activities(world):
    import datetime as dt

    from django.utils import timezone

    start = timezone.now() + dt.timedelta(days=2)
    mine = actions.create_activity(
        actor=world.users["social_worker"],
        community=world.C1,
        title="社工小组",
        activity_type="other",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        capacity=5,
        organizer=world.orgs["socialorg"],
    )
    with pytest.raises(ActionError):  # may not organize in another organization's name
        actions.create_activity(
            actor=world.users["social_worker"],
            community=world.C1,
            title="冒名",
            activity_type="other",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            capacity=5,
            organizer=world.orgs["unit"],
        )
    community_one = make_activity(world)
    assert world.users["social_worker"].has_perm("points.manage_activity", mine)
    assert not world.users["social_worker"].has_perm("points.manage_activity", community_one)


@pytest.mark.parametrize("persona", ALL)
def test_reverse_entry_per_role(world, persona):
    account = credit(world.people["G11-1-101-户主"], world.C1, 5)
    entry = account.entries.get()
    before = Entry.objects.count()
    try:
        actions.reverse_entry(actor=world.users[persona], entry=entry, reason="错记")
    except NotAllowed:
        assert persona not in MANAGERS
        assert Entry.objects.count() == before
    else:
        assert persona in MANAGERS
        assert Entry.objects.count() == before + 1
