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


def _line(world, fund, amount="100000", kind="service", ref="", residents=False, day=None):
    return actions.open_project_budget(
        actor=world.users["party_secretary"],
        fund=fund,
        title=f"项目 {ref or amount}",
        kind=kind,
        amount=D(amount),
        source_app="test",
        source_ref=ref,
        decided_by_residents=residents,
        occurred_on=day or dt.date(YEAR, 4, 1),
    )


def test_a_commitment_over_the_cap_names_the_amount_and_the_cap(world, fund, english):
    with pytest.raises(actions.CapExceeded) as err:
        _line(world, fund, "500000.01", kind="goods")
    assert "500,000.01" in err.value.message and "500,000.00" in err.value.message
    assert err.value.code == "over_cap"
    _line(world, fund, "500000.00", kind="goods")  # at the cap is fine
    with pytest.raises(actions.CapExceeded) as err:
        _line(world, fund, "1000000.01", kind="works")
    assert "1,000,000.00" in err.value.message
    assert list(verify([fund])) == []


def test_the_cap_counts_what_a_line_already_holds(world, fund, english):
    line = _line(world, fund, "400000", kind="service")
    with pytest.raises(actions.CapExceeded):
        actions.commit(actor=world.users["party_secretary"], budget=line, amount=D("100000.01"))
    actions.commit(actor=world.users["party_secretary"], budget=line, amount=D("100000"))
    line.refresh_from_db()
    assert (line.amount, line.committed) == (D("500000"), D("500000"))


def test_a_commitment_over_the_available_balance_names_both(world, english):
    from .conftest import make_fund

    fund = make_fund(world, kind="party_service", amount="200000")
    _line(world, fund, "150000")
    with pytest.raises(actions.InsufficientFunds) as err:
        _line(world, fund, "50000.01")
    assert "50,000.01" in err.value.message and "50,000.00" in err.value.message
    assert err.value.code == "insufficient"
    assert balances(fund).available == D("50000")
    assert list(verify([fund])) == []


def test_pay_refund_release_move_the_line_and_the_fund(world, fund):
    line = _line(world, fund, "100000")
    staff = world.users["party_secretary"]
    actions.pay(
        actor=staff, budget=line, amount=D("60000"), payee="某物业公司", voucher_no="记-001"
    )
    actions.refund(actor=staff, budget=line, amount=D("1000.50"), voucher_no="记-002")
    actions.release(actor=staff, budget=line)  # all the rest
    line.refresh_from_db()
    assert (line.committed, line.paid) == (D("0"), D("58999.50"))
    b = balances(fund)
    assert b.spent == D("58999.50")
    assert b.available == D("1000000") - D("58999.50")
    assert b.committed == 0 and b.reconciles
    assert list(verify([fund])) == []


def test_a_payment_beyond_the_commitment_is_refused(world, fund, english):
    line = _line(world, fund, "1000")
    with pytest.raises(actions.InsufficientFunds) as err:
        actions.pay(
            actor=world.users["party_secretary"],
            budget=line,
            amount=D("1000.01"),
            payee="x",
            voucher_no="1",
        )
    assert "1,000.01" in err.value.message and "1,000.00" in err.value.message


def test_bad_input_names_the_field(world, fund):
    staff = world.users["party_secretary"]
    for kwargs, field in [
        ({"amount": D("-1")}, "amount"),
        ({"amount": D("1.001")}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"kind": "party"}, "kind"),
        ({"title": "  "}, "title"),
        ({"occurred_on": dt.date.today() + dt.timedelta(days=2)}, "date"),
    ]:
        args = {
            "actor": staff,
            "fund": fund,
            "title": "t",
            "kind": "service",
            "amount": D("10"),
            "source_app": "",
            "source_ref": "",
            **kwargs,
        }
        with pytest.raises(actions.ActionError) as err:
            actions.open_project_budget(**args)
        assert err.value.field == field, kwargs
    assert fund.budgets.count() == 0 and balances(fund).committed == 0


def test_one_budget_line_per_decision_reference(world, fund):
    _line(world, fund, "1000", ref="proposal-9")
    with pytest.raises(actions.ActionError) as err:
        _line(world, fund, "1000", ref="proposal-9")
    assert err.value.code == "duplicate"


def test_reversal_mirrors_the_entry_once(world, fund):
    line = _line(world, fund, "30000")
    staff = world.users["party_secretary"]
    payment = actions.pay(actor=staff, budget=line, amount=D("10000"), payee="p", voucher_no="v1")
    reversal = actions.reverse(actor=staff, entry=payment, reason="wrong payee")
    got = sorted((ln.account.kind, ln.debit, ln.credit) for ln in reversal.lines.all())
    want = sorted((ln.account.kind, ln.credit, ln.debit) for ln in payment.lines.all())
    assert got == want
    assert reversal.reverses == payment and reversal.amount == payment.amount
    line.refresh_from_db()
    assert (line.committed, line.paid) == (D("30000"), D("0"))
    with pytest.raises(actions.ActionError) as err:
        actions.reverse(actor=staff, entry=payment, reason="again")
    assert err.value.code == "duplicate"
    with pytest.raises(actions.ActionError):
        actions.reverse(actor=staff, entry=reversal, reason="undo the undo")
    assert list(verify([fund])) == []


def test_a_commitment_already_paid_cannot_be_reversed(world, fund, english):
    line = _line(world, fund, "30000")
    staff = world.users["party_secretary"]
    commitment = JournalEntry.objects.get(budget=line, kind="commitment")
    actions.pay(actor=staff, budget=line, amount=D("10000"), payee="p", voucher_no="v1")
    with pytest.raises(actions.InsufficientFunds) as err:
        actions.reverse(actor=staff, entry=commitment, reason="cancel")
    assert "30,000.00" in err.value.message
    assert list(verify([fund])) == []


def test_year_end_carries_unspent_money_and_keeps_commitments(world, fund):
    staff = world.users["party_secretary"]
    line = _line(world, fund, "100000")
    actions.pay(
        actor=staff,
        budget=line,
        amount=D("40000"),
        payee="p",
        voucher_no="v1",
        occurred_on=dt.date(YEAR, 6, 1),
    )
    entries = actions.close_year(actor=staff, fund=fund, on=dt.date(YEAR, 12, 31))
    fund.refresh_from_db()
    assert fund.status == "closed"
    following = fund_for(world.nodes["C1"], "micro_project", YEAR + 1)
    assert following is not None and following.carried_from == fund
    b, nb = balances(fund), balances(following)
    assert (b.available, b.committed, b.carried_out) == (D("0"), D("60000"), D("900000"))
    assert nb.allocated == nb.available == D("900000")
    assert nb.by_source == {"carryover": D("900000")}
    assert {e.kind for e in entries} == {"year_end", "allocation"}
    # The kept commitment stays payable; money released afterwards follows the rule at once.
    actions.pay(actor=staff, budget=line, amount=D("50000"), payee="p", voucher_no="v2")
    actions.release(actor=staff, budget=line)
    b, nb = balances(fund), balances(following)
    assert (b.available, b.committed, b.spent) == (D("0"), D("0"), D("90000"))
    assert nb.available == D("910000")
    with pytest.raises(actions.ActionError):
        _line(world, fund, "1")  # no new commitments in a closed fund
    with pytest.raises(actions.ActionError):
        actions.reverse(actor=staff, entry=entries[-1], reason="no")  # the carry pair stays
    assert list(verify([fund, following])) == []


def test_year_end_can_return_and_release_by_policy(world, fund):
    from cogov.core.actions import set_policy

    set_policy(
        actor=world.users["admin"],
        kind="funds.year_end",
        node=world.nodes["D"],
        value={"micro_project": {"unspent": "return", "committed": "release"}},
        effective_from=dt.date(YEAR, 1, 1),
    )
    staff = world.users["party_secretary"]
    _line(world, fund, "100000")
    with pytest.raises(actions.ActionError) as err:
        actions.close_year(actor=staff, fund=fund, on=dt.date(YEAR, 11, 30))
    assert err.value.field == "date"
    actions.close_year(actor=staff, fund=fund, on=dt.date(YEAR, 12, 31))
    b = balances(fund)
    assert (b.available, b.committed, b.returned) == (D("0"), D("0"), D("1000000"))
    assert fund_for(world.nodes["C1"], "micro_project", YEAR + 1) is None
    assert list(verify([fund])) == []


def test_verify_funds_names_the_first_discrepancy(world, fund):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from cogov.funds.models import Account

    out = StringIO()
    call_command("verify-funds", stdout=out)
    assert "reconciles to the cent" in out.getvalue()
    Account.objects.filter(fund=fund, kind="available").update(balance=D("999999.99"))
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify-funds", stderr=err)
    assert "account available: balance 999999.99, lines give 1000000.00" in str(exc.value)
    assert "999999.99" in err.getvalue() and str(fund.uuid) in err.getvalue()


def test_allocation_without_an_amount_takes_the_standard_amount(world):
    fund = actions.create_fund(
        actor=world.users["party_secretary"],
        community=world.nodes["C1"],
        kind="party_service",
        year=YEAR,
    )
    actions.allocate(
        actor=world.users["party_secretary"], fund=fund, occurred_on=dt.date(YEAR, 2, 1)
    )
    assert balances(fund).allocated == D("200000")
    donation = actions.create_fund(
        actor=world.users["party_secretary"],
        community=world.nodes["C1"],
        kind="charity",
        year=YEAR,
    )
    with pytest.raises(actions.ActionError) as err:
        actions.allocate(actor=world.users["party_secretary"], fund=donation)
    assert err.value.field == "amount"
    with pytest.raises(actions.ActionError) as err:
        actions.allocate(
            actor=world.users["party_secretary"], fund=donation, amount=D("5"), source="city"
        )
    assert err.value.field == "source"


def test_entries_are_posted_in_date_order(world, fund, english):
    line = _line(world, fund, "1000", day=dt.date(YEAR, 6, 1))
    with pytest.raises(actions.ActionError) as err:
        actions.pay(
            actor=world.users["party_secretary"],
            budget=line,
            amount=D("10"),
            payee="p",
            voucher_no="v",
            occurred_on=dt.date(YEAR, 5, 31),
        )
    assert err.value.field == "date"
    assert f"{YEAR}-06-01" in err.value.message
