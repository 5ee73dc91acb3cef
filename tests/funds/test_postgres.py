"""On PostgreSQL the database itself refuses unbalanced entries and edits of the journal, and
a race for the last available money has one winner."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from cogov.funds import actions
from cogov.funds.ledger import verify
from cogov.funds.models import JournalEntry, JournalLine
from cogov.funds.selectors import balances

from .conftest import make_fund


def _pg() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL; run with DATABASE_URL=postgres://…")


def test_postgres_refuses_an_unbalanced_entry_at_commit(world, fund):
    _pg()
    entry = JournalEntry.objects.filter(fund=fund).first()
    assert entry is not None
    line = entry.lines.first()
    assert line is not None
    with pytest.raises(Exception, match="does not balance"), transaction.atomic():
        JournalLine.objects.create(entry=entry, account=line.account, debit=Decimal("1"))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_postgres_refuses_edits_of_the_journal(world, fund):
    _pg()
    for sql in ("UPDATE funds_journalentry SET memo = 'x'", "DELETE FROM funds_journalline"):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_two_commitments_racing_for_the_last_money_cannot_both_succeed(world):
    _pg()
    fund = make_fund(world, kind="party_service", amount="200000")
    staff = world.users["party_secretary"]
    workers = 8
    barrier = threading.Barrier(workers)
    won: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            actions.open_project_budget(
                actor=staff,
                fund=fund,
                title=f"项目{i}",
                kind="service",
                amount=Decimal("150000"),
                source_app="race",
                source_ref=str(i),
            )
            won.append(str(i))
        except actions.InsufficientFunds as exc:
            refused.append(exc.message)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    assert len(won) == 1 and len(refused) == workers - 1
    b = balances(fund)
    assert (b.available, b.committed) == (Decimal("50000"), Decimal("150000"))
    assert list(verify([fund])) == []
