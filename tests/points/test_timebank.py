"""Time bank: transfers to the household or recorded relatives, spending, never below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cogov.core.errors import ActionError, NotAllowed
from cogov.points import actions, ledger
from cogov.points.models import AccountKind, Entry, EntryKind

from .conftest import credit, make_volunteer


def test_transfer_to_the_same_household(world):
    giver = world.people["G11-1-101-户主"]  # the resident persona
    spouse = world.people["G11-1-101-配偶"]
    source = credit(giver, world.C1, 5, kind=AccountKind.TIME)
    out, incoming = actions.transfer_time(
        actor=world.users["resident"], source=source, recipient=spouse, hours=Decimal(2)
    )
    source.refresh_from_db()
    assert source.balance == Decimal("3.00")
    assert incoming.account.person == spouse and incoming.account.balance == Decimal("2.00")
    assert out.counterparty == incoming.account and incoming.counterparty == source
    assert out.kind == incoming.kind == EntryKind.TRANSFER
    assert list(ledger.verify()) == []


def test_transfer_is_idempotent_with_a_key(world):
    source = credit(world.people["G11-1-101-户主"], world.C1, 5, kind=AccountKind.TIME)
    spouse = world.people["G11-1-101-配偶"]
    for _ in range(3):
        actions.transfer_time(
            actor=world.users["resident"], source=source, recipient=spouse, hours=1, key="k1"
        )
    source.refresh_from_db()
    assert source.balance == Decimal("4.00")
    assert Entry.objects.filter(kind=EntryKind.TRANSFER).count() == 2


def test_transfer_to_a_stranger_is_refused_until_a_relation_is_recorded(world):
    source = credit(world.people["G11-1-101-户主"], world.C1, 5, kind=AccountKind.TIME)
    mother = world.people["G12-1-102-户主"]  # another household
    with pytest.raises(ActionError) as err:
        actions.transfer_time(
            actor=world.users["resident"], source=source, recipient=mother, hours=1
        )
    assert err.value.code == "not_relative"
    with pytest.raises(NotAllowed):
        actions.record_relation(
            actor=world.users["resident"], person=source.person, relative=mother, relation="母亲"
        )
    actions.record_relation(
        actor=world.users["community_worker"],
        person=source.person,
        relative=mother,
        relation="母亲",
    )
    actions.transfer_time(actor=world.users["resident"], source=source, recipient=mother, hours=1)
    source.refresh_from_db()
    assert source.balance == Decimal("4.00")


def test_transfer_cannot_overdraw_or_be_made_by_someone_else(world):
    source = credit(world.people["G11-1-101-户主"], world.C1, 1, kind=AccountKind.TIME)
    spouse = world.people["G11-1-101-配偶"]
    with pytest.raises(ActionError) as err:
        actions.transfer_time(
            actor=world.users["resident"], source=source, recipient=spouse, hours=2
        )
    assert err.value.code == "insufficient"
    with pytest.raises(NotAllowed):
        actions.transfer_time(
            actor=world.users["community_worker"], source=source, recipient=spouse, hours=1
        )
    points = credit(world.people["G11-1-101-户主"], world.C1, 5)
    with pytest.raises(ActionError):  # points are not transferable
        actions.transfer_time(
            actor=world.users["resident"], source=points, recipient=spouse, hours=1
        )


def test_spending_on_a_service(world):
    volunteer = make_volunteer(world, "老人甲")
    account = credit(volunteer.person, world.C1, 3, kind=AccountKind.TIME)
    entry = actions.spend_time(
        actor=volunteer, account=account, hours=Decimal(2), service="陪同就医"
    )
    assert entry.kind == EntryKind.SPEND and account.balance == Decimal("1.00")
    with pytest.raises(ActionError):
        actions.spend_time(actor=volunteer, account=account, hours=Decimal(2), service="陪聊")
    actions.spend_time(
        actor=world.users["community_worker"], account=account, hours=Decimal(1), service="代购"
    )
    account.refresh_from_db()
    assert account.balance == 0
