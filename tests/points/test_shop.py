"""The love supermarket: stock and points leave together; never below zero."""

from __future__ import annotations

import contextlib
import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections

from cogov.core.errors import ActionError, NotAllowed
from cogov.points import actions, ledger
from cogov.points.models import Account, Entry, EntryKind, RedemptionStatus, ShopItem

from .conftest import credit, make_volunteer


def _item(world, stock=5, price="15"):
    return actions.create_item(
        actor=world.users["community_worker"],
        community=world.C1,
        name="肥皂",
        price=Decimal(price),
        stock=stock,
    )


def test_redeem_takes_points_and_stock_together(world):
    item = _item(world, stock=2)
    account = credit(world.people["G11-1-101-户主"], world.C1, 20)
    redemption = actions.redeem(actor=world.users["resident"], item=item)
    item.refresh_from_db()
    account.refresh_from_db()
    assert item.stock == 1 and account.balance == Decimal("5.00")
    assert redemption.status == RedemptionStatus.RESERVED
    # Not enough points: refused, and the stock is untouched.
    with pytest.raises(ActionError) as err:
        actions.redeem(actor=world.users["resident"], item=item)
    assert err.value.code == "insufficient"
    item.refresh_from_db()
    assert item.stock == 1


def test_out_of_stock_is_refused(world):
    item = _item(world, stock=0)
    credit(world.people["G11-1-101-户主"], world.C1, 20)
    with pytest.raises(ActionError) as err:
        actions.redeem(actor=world.users["resident"], item=item)
    assert err.value.code == "out_of_stock"


def test_pickup_and_cancel(world):
    item = _item(world, stock=2)
    account = credit(world.people["G11-1-101-户主"], world.C1, 40)
    first = actions.redeem(actor=world.users["resident"], item=item)
    second = actions.redeem(actor=world.users["resident"], item=item)
    with pytest.raises(NotAllowed):
        actions.confirm_pickup(actor=world.users["resident"], redemption=first)
    actions.confirm_pickup(actor=world.users["community_worker"], redemption=first)
    actions.cancel_redemption(actor=world.users["resident"], redemption=second, reason="不要了")
    item.refresh_from_db()
    account.refresh_from_db()
    assert item.stock == 1 and account.balance == Decimal("25.00")
    refund = Entry.objects.get(redemption=second, kind=EntryKind.ADJUST)
    assert refund.reverses.redemption == second
    with pytest.raises(ActionError):
        actions.cancel_redemption(actor=world.users["resident"], redemption=first)
    assert list(ledger.verify()) == []


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_redemptions_of_the_last_10_items(world):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises all writers, so redemptions cannot race there; "
            "run with DATABASE_URL=postgres://…"
        )
    item = _item(world, stock=10, price="5")
    # 50 volunteers with points for two items each make 4 attempts each: 200 redemptions race
    # for 10 items, and each volunteer's balance also limits them.
    users = []
    for n in range(50):
        user = make_volunteer(world, f"顾客{n:02d}")
        credit(user.person, world.C1, 10)
        users.append(user)
    attempts = [u for u in users for _ in range(4)]
    workers = int(os.environ.get("POINTS_TEST_THREADS", "40"))  # connections in use at once
    barrier = threading.Barrier(workers)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def run(user):  # type: ignore[no-untyped-def]
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)  # the first wave starts together
            try:
                actions.redeem(actor=user, item=item)
                outcome = "ok"
            except ActionError as exc:
                outcome = exc.code
            with lock:
                results.append((user.pk, outcome))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, attempts))

    outcomes = Counter(o for _, o in results)
    assert len(results) == 200
    assert outcomes["ok"] == 10, outcomes
    assert set(outcomes) <= {"ok", "out_of_stock", "insufficient"}
    item.refresh_from_db()
    assert item.stock == 0
    wins = Counter(pk for pk, o in results if o == "ok")
    for user in users:
        account = Account.objects.get(person__user=user, kind="points")
        assert account.balance == Decimal("10.00") - 5 * wins[user.pk]
        assert account.redemptions.count() == wins[user.pk]
    assert Entry.objects.filter(kind=EntryKind.SPEND).count() == 10
    assert list(ledger.verify()) == []


def test_stock_cannot_go_negative_even_by_restock(world):
    item = _item(world, stock=1)
    with pytest.raises(ActionError):
        actions.restock(actor=world.users["community_worker"], item=item, quantity=-2)
    actions.restock(actor=world.users["community_worker"], item=item, quantity=-1)
    assert ShopItem.objects.get(pk=item.pk).stock == 0
