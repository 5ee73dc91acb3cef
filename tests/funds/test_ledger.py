"""The funds ledger: balanced entries, balances from the journal, reversal, immutability."""

from __future__ import annotations

import datetime as dt

import pytest

from cogov.funds import actions
from cogov.funds.ledger import verify
from cogov.funds.models import JournalEntry, JournalLine
from cogov.funds.selectors import balances, fund_for

from .conftest import YEAR, D


def test_allocation_splits_by_shares_and_reconciles(world, fund):
    b = balances(fund)
    assert b.allocated == D("1000000.00")
    assert b.available == D("1000000.00")
    assert b.by_source == {"city": D("500000.00"), "district": D("500000.00")}
    assert b.reconciles
    assert list(verify([fund])) == []
    assert fund_for(world.nodes["C1"], "micro_project", YEAR) == fund
    assert fund_for(world.nodes["C2"], "micro_project", YEAR) is None


def test_open_project_budget_commits_its_amount(world, fund):
    budget = actions.open_project_budget(
        actor=world.users["party_secretary"],
        fund=fund,
        title="Repaint the stairwells",
        kind="works",
        amount=D("120000"),
        source_app="budgeting",
        source_ref="proposal-1",
        decided_by_residents=True,
        occurred_on=dt.date(YEAR, 3, 1),
    )
    assert budget.committed == D("120000")
    b = balances(fund)
    assert (b.available, b.committed) == (D("880000"), D("120000"))
    entry = JournalEntry.objects.get(budget=budget)
    assert entry.kind == "commitment"
    assert list(verify([fund])) == []


def test_entries_and_lines_are_append_only(world, fund):
    entry = JournalEntry.objects.get(fund=fund)
    entry.memo = "changed"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        JournalEntry.objects.filter(pk=entry.pk).update(memo="x")
    with pytest.raises(TypeError):
        JournalLine.objects.filter(entry=entry).delete()
