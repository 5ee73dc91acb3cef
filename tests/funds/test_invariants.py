"""Any sequence of valid and invalid actions keeps every fund reconciled to the cent
(hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cogov.core.errors import ActionError
from cogov.funds import actions
from cogov.funds.ledger import verify
from cogov.funds.models import JournalEntry, ProjectBudget
from cogov.funds.selectors import balances

from .conftest import YEAR, make_fund

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("700000"), places=2)
steps = st.lists(
    st.tuples(
        st.sampled_from(["allocate", "open", "commit", "pay", "refund", "release", "reverse"]),
        amounts,
        st.integers(min_value=0, max_value=20),
        st.sampled_from(["service", "goods", "works"]),
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture(scope="module")
def hworld(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from tests.world import build_world

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_any_sequence_of_actions_keeps_the_fund_reconciled(hworld, db, steps):  # type: ignore[no-untyped-def]
    world = hworld
    staff = world.users["party_secretary"]
    sid = transaction.savepoint()
    try:
        fund = make_fund(world, amount="300000")
        day = dt.date(YEAR, 6, 1)
        for action, amount, pick, kind in steps:
            lines = list(ProjectBudget.objects.filter(fund=fund).order_by("pk"))
            entries = list(JournalEntry.objects.filter(fund=fund).order_by("seq"))
            line = lines[pick % len(lines)] if lines else None
            before = balances(fund)
            try:
                if action == "allocate":
                    actions.allocate(actor=staff, fund=fund, amount=amount, occurred_on=day)
                elif action == "open":
                    actions.open_project_budget(
                        actor=staff,
                        fund=fund,
                        title="t",
                        kind=kind,
                        amount=amount,
                        source_app="",
                        source_ref="",
                        occurred_on=day,
                    )
                elif line is None:
                    continue
                elif action == "commit":
                    actions.commit(actor=staff, budget=line, amount=amount, occurred_on=day)
                elif action == "pay":
                    actions.pay(
                        actor=staff,
                        budget=line,
                        amount=amount,
                        payee="p",
                        voucher_no="v",
                        occurred_on=day,
                    )
                elif action == "refund":
                    actions.refund(
                        actor=staff, budget=line, amount=amount, voucher_no="v", occurred_on=day
                    )
                elif action == "release":
                    actions.release(actor=staff, budget=line, amount=amount, occurred_on=day)
                elif action == "reverse":
                    actions.reverse(
                        actor=staff,
                        entry=entries[pick % len(entries)],
                        reason="r",
                        occurred_on=day,
                    )
            except ActionError:
                # A refused action changes nothing.
                assert balances(fund) == before
            b = balances(fund)
            assert b.reconciles
            assert min(b.available, b.committed, b.spent) >= 0
        assert list(verify([fund])) == []
    finally:
        transaction.savepoint_rollback(sid)
