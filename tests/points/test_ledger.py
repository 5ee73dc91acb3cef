"""The ledger: append-only, reversing corrections, idempotent awards, hash chain verification."""

from __future__ import annotations

import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from cogov.core.errors import ActionError, NotAllowed
from cogov.points import actions, ledger
from cogov.points.models import Account, AccountKind, Entry, EntryKind

from .conftest import attend, credit, make_activity, make_volunteer


def test_entries_cannot_be_edited_or_deleted_through_the_orm(world):
    account = credit(world.people["G11-1-101-户主"], world.C1, 5)
    entry = account.entries.get()
    entry.memo = "changed"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        Entry.objects.filter(pk=entry.pk).update(memo="x")
    with pytest.raises(TypeError):
        Entry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused(world):
    account = credit(world.people["G11-1-101-户主"], world.C1, 5)
    with pytest.raises(RuntimeError):
        ledger.append(account, kind="earn", amount=1)


def test_balance_never_below_zero(world):
    account = credit(world.people["G11-1-101-户主"], world.C1, 5)
    with pytest.raises(ActionError) as err, transaction.atomic():
        (locked,) = ledger.lock(account)
        ledger.append(locked, kind="spend", amount=Decimal("-5.01"))
    assert err.value.code == "insufficient"
    account.refresh_from_db()
    assert account.balance == Decimal("5.00") and account.entries.count() == 1


def test_reversal_is_a_new_entry_and_happens_once(world):
    volunteer = make_volunteer(world, "志愿者甲")
    activity = make_activity(world, activity_type="cleanup")
    attend(world, volunteer, activity)
    account = Account.objects.get(person__user=volunteer, kind=AccountKind.POINTS)
    earn = account.entries.get(kind=EntryKind.EARN)
    assert earn.amount == Decimal("4.00")

    correction = actions.reverse_entry(
        actor=world.users["community_worker"], entry=earn, reason="重复登记"
    )
    account.refresh_from_db()
    assert correction.kind == EntryKind.ADJUST and correction.amount == Decimal("-4.00")
    assert correction.reverses == earn and account.balance == 0
    earn.refresh_from_db()
    assert earn.amount == Decimal("4.00")  # the original stands, unchanged
    with pytest.raises(ActionError):
        actions.reverse_entry(actor=world.users["community_worker"], entry=earn, reason="again")
    with pytest.raises(NotAllowed):
        actions.reverse_entry(actor=volunteer, entry=correction, reason="mine")
    assert list(ledger.verify()) == []


def test_verify_ledgers_passes_on_a_clean_ledger(world):
    credit(world.people["G11-1-101-户主"], world.C1, 5)
    out = StringIO()
    call_command("verify-ledgers", stdout=out)
    assert "no problems" in out.getvalue()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE points_entry SET amount = 500, balance_after = 505 WHERE id = %s",
        "UPDATE points_entry SET memo = 'edited' WHERE id = %s",
        "UPDATE points_entry SET occurred_at = occurred_at - interval '1 day' WHERE id = %s",
    ],
)
def test_verify_ledgers_names_an_entry_edited_in_the_database(world, sql):
    person = world.people["G11-1-101-户主"]
    credit(person, world.C1, 5)
    account = credit(person, world.C1, 3)
    credit(person, world.C1, 2)
    target = account.entries.get(seq=2)
    if connection.vendor == "sqlite" and "interval" in sql:
        sql = "UPDATE points_entry SET occurred_at = '2020-01-01 00:00:00' WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [target.pk])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify-ledgers", stdout=StringIO(), stderr=err)
    assert str(target.uuid) in err.getvalue()
    assert "changed" in err.getvalue()


def test_verify_ledgers_exit_status_from_the_command_line(world):
    account = credit(world.people["G11-1-101-户主"], world.C1, 5)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE points_account SET balance = 50 WHERE id = %s", [account.pk])
    with pytest.raises(CommandError):
        call_command("verify-ledgers", stdout=StringIO(), stderr=StringIO())


def test_verify_ledgers_detects_a_deleted_entry(world):
    person = world.people["G11-1-101-户主"]
    credit(person, world.C1, 5)
    account = credit(person, world.C1, 3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM points_entry WHERE account_id = %s AND seq = 1", [account.pk])
    problems = [str(p) for p in ledger.verify()]
    assert any("sequence number 2" in p for p in problems)


def test_award_retried_is_made_once(world):
    volunteer = make_volunteer(world, "志愿者乙")
    signup = attend(world, volunteer, make_activity(world))
    for _ in range(5):
        actions.award(actor=world.users["community_worker"], signup=signup)
    assert Entry.objects.filter(signup=signup).count() == 2  # points and time bank, once each


@pytest.mark.django_db(transaction=True)
def test_check_in_award_retried_50_times_concurrently_is_made_once(world):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises all writers, so concurrent retries cannot race "
            "there; run with DATABASE_URL=postgres://…"
        )
    volunteer = make_volunteer(world, "志愿者丙")
    activity = make_activity(world)
    signup = actions.sign_up(actor=volunteer, activity=activity)
    # Attendance recorded without the award, so that the 50 retries race for the first one.
    from cogov.points.models import Signup

    Signup.objects.filter(pk=signup.pk).update(
        checked_in_at=activity.starts_at, checked_out_at=activity.ends_at, hours=2
    )
    workers = 50
    barrier = threading.Barrier(workers)
    results: list[tuple[int | None, int | None]] = []
    errors: list[BaseException] = []
    staff = world.users["community_worker"]

    def run() -> None:
        try:
            barrier.wait()
            p, t = actions.award(actor=staff, signup=signup)
            results.append((p.pk if p else None, t.pk if t else None))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    assert len(results) == workers
    assert len(set(results)) == 1  # every retry answers with the same two entries
    assert Entry.objects.filter(signup=signup, kind=EntryKind.EARN).count() == 2
    points = Account.objects.get(person__user=volunteer, kind=AccountKind.POINTS)
    assert points.balance == Decimal("4.00") and points.entry_count == 1
    assert list(ledger.verify()) == []
