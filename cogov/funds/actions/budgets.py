"""Budget lines and the money through them: open a line (checked against the caps and what the
fund holds), commit, pay, refund, release, and reverse an entry posted wrongly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from cogov.core.errors import ActionError
from cogov.core.policies import get_policy

from .. import policy_kinds as pk
from ..ledger import InsufficientFunds, Line, lock_fund, post, yuan
from ..models import (
    BudgetKind,
    EntryKind,
    Fund,
    FundStatus,
    JournalEntry,
    ProjectBudget,
)
from .common import A, CapExceeded, _amount, _date, _open, _record, _release, _require, _text
from .year_end import _sweep_if_closed


def _check_cap(fund: Fund, kind: str, total: Decimal, on: dt.date) -> None:
    caps = get_policy(pk.PROJECT_CAPS, node=fund.community, on=on)
    cap = caps.cap_for(fund.kind, kind)
    if cap is not None and total > cap:
        raise CapExceeded(
            gettext("%(amount)s yuan is over the cap of %(cap)s yuan for one %(kind)s project")
            % {"amount": yuan(total), "cap": yuan(cap), "kind": BudgetKind(kind).label}
        )


def _check_available(fund: Fund, amount: Decimal) -> None:
    from ..models import Account

    available = Account.objects.get(fund=fund, kind=A.AVAILABLE, source="").balance
    if amount > available:
        raise InsufficientFunds(
            gettext("%(amount)s yuan is more than the %(available)s yuan available in %(fund)s")
            % {"amount": yuan(amount), "available": yuan(available), "fund": fund}
        )


def open_project_budget(
    *,
    actor: Any,
    fund: Fund,
    title: str,
    kind: str,
    amount: Decimal,
    source_app: str,
    source_ref: str,
    decided_by_residents: bool = False,
    occurred_on: dt.date | None = None,
    memo: str = "",
) -> ProjectBudget:
    """Create a budget line in `fund` and commit its amount (available → committed).

    `source_app` + `source_ref` name what decided the project (e.g. "budgeting" and a
    proposal's uuid); one line per reference and fund. Raises `CapExceeded` when the amount is
    over the per-project cap of its kind (`funds.project_caps`), `InsufficientFunds` when it is
    more than the fund's available balance, `NotAllowed` without `funds.commit`."""
    _require(actor, "funds.commit", fund)
    title = _text(title, "title", gettext("The title"), 200)
    if kind not in BudgetKind.values:
        raise ActionError(
            gettext("the project type must be one of %(k)s") % {"k": ", ".join(BudgetKind.values)},
            field="kind",
        )
    total = _amount(amount)
    day = _date(occurred_on)
    source_app, source_ref = (source_app or "").strip()[:40], (source_ref or "").strip()[:100]
    with transaction.atomic():
        fund = lock_fund(fund)
        _open(fund)
        _check_cap(fund, kind, total, day)
        _check_available(fund, total)
        if (
            source_ref
            and ProjectBudget.objects.filter(
                fund=fund, source_app=source_app, source_ref=source_ref
            ).exists()
        ):
            raise ActionError(
                gettext("a budget line for %(app)s %(ref)s exists in this fund already")
                % {"app": source_app, "ref": source_ref},
                field="source_ref",
                code="duplicate",
            )
        budget = ProjectBudget.objects.create(
            fund=fund,
            title=title,
            kind=kind,
            amount=total,
            source_app=source_app,
            source_ref=source_ref,
            decided_by_residents=bool(decided_by_residents),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        entry = post(
            fund,
            kind=EntryKind.COMMITMENT,
            lines=[Line(A.COMMITTED, debit=total, budget=budget), Line(A.AVAILABLE, credit=total)],
            actor=actor,
            occurred_on=day,
            budget=budget,
            memo=memo or title,
        )
        _record(
            actor,
            "funds.open_project_budget",
            budget,
            entry,
            source_app=source_app,
            source_ref=source_ref,
            decided_by_residents=bool(decided_by_residents),
        )
    return budget


def commit(
    *,
    actor: Any,
    budget: ProjectBudget,
    amount: Any,
    occurred_on: dt.date | None = None,
    memo: str = "",
) -> JournalEntry:
    """Commit more money to an existing budget line (available → committed); the line's total
    (committed + paid) stays within the per-project cap."""
    _require(actor, "funds.commit", budget.fund)
    total = _amount(amount)
    day = _date(occurred_on)
    with transaction.atomic():
        fund = lock_fund(budget.fund)
        _open(fund)
        budget = ProjectBudget.objects.get(pk=budget.pk)
        _check_cap(fund, budget.kind, budget.committed + budget.paid + total, day)
        _check_available(fund, total)
        entry = post(
            fund,
            kind=EntryKind.COMMITMENT,
            lines=[Line(A.COMMITTED, debit=total, budget=budget), Line(A.AVAILABLE, credit=total)],
            actor=actor,
            occurred_on=day,
            budget=budget,
            memo=memo,
        )
        ProjectBudget.objects.filter(pk=budget.pk).update(amount=budget.amount + total)
        budget.amount += total
        _record(actor, "funds.commit", budget, entry)
    return entry


def pay(
    *,
    actor: Any,
    budget: ProjectBudget,
    amount: Any,
    payee: str,
    voucher_no: str,
    occurred_on: dt.date | None = None,
    memo: str = "",
) -> JournalEntry:
    """Pay from a budget line's committed money (committed → spent), to `payee` with the
    accounting voucher number. Allowed in a closed fund for commitments kept over year end."""
    _require(actor, "funds.pay", budget.fund)
    total = _amount(amount)
    payee = _text(payee, "payee", gettext("The payee"), 200)
    voucher_no = _text(voucher_no, "voucher_no", gettext("The voucher number"), 64)
    day = _date(occurred_on)
    with transaction.atomic():
        fund = lock_fund(budget.fund)
        budget = ProjectBudget.objects.get(pk=budget.pk)
        if total > budget.committed:
            raise InsufficientFunds(
                gettext("%(amount)s yuan is more than the %(c)s yuan committed to “%(t)s”")
                % {"amount": yuan(total), "c": yuan(budget.committed), "t": budget.title}
            )
        entry = post(
            fund,
            kind=EntryKind.PAYMENT,
            lines=[
                Line(A.SPENT, debit=total, budget=budget),
                Line(A.COMMITTED, credit=total, budget=budget),
            ],
            actor=actor,
            occurred_on=day,
            budget=budget,
            payee=payee,
            voucher_no=voucher_no,
            memo=memo,
        )
        _record(actor, "funds.pay", budget, entry, payee=payee, voucher_no=voucher_no)
    return entry


def refund(
    *,
    actor: Any,
    budget: ProjectBudget,
    amount: Any,
    voucher_no: str,
    payee: str = "",
    occurred_on: dt.date | None = None,
    memo: str = "",
) -> JournalEntry:
    """Money paid on a budget line comes back (spent → available), e.g. an overpayment. In a
    closed fund the money then follows the year-end rule at once."""
    _require(actor, "funds.pay", budget.fund)
    total = _amount(amount)
    voucher_no = _text(voucher_no, "voucher_no", gettext("The voucher number"), 64)
    day = _date(occurred_on)
    with transaction.atomic():
        fund = lock_fund(budget.fund)
        budget = ProjectBudget.objects.get(pk=budget.pk)
        if total > budget.paid:
            raise InsufficientFunds(
                gettext("%(amount)s yuan is more than the %(p)s yuan paid on “%(t)s”")
                % {"amount": yuan(total), "p": yuan(budget.paid), "t": budget.title}
            )
        entry = post(
            fund,
            kind=EntryKind.REFUND,
            lines=[Line(A.AVAILABLE, debit=total), Line(A.SPENT, credit=total, budget=budget)],
            actor=actor,
            occurred_on=day,
            budget=budget,
            payee=payee,
            voucher_no=voucher_no,
            memo=memo,
        )
        _sweep_if_closed(fund, actor=actor, on=day)
        _record(actor, "funds.refund", budget, entry, voucher_no=voucher_no)
    return entry


def release(
    *,
    actor: Any,
    budget: ProjectBudget,
    amount: Any = None,
    occurred_on: dt.date | None = None,
    memo: str = "",
) -> JournalEntry:
    """Release committed money of a budget line back to available (all of it without
    `amount`), e.g. a project done under budget or cancelled."""
    _require(actor, "funds.release", budget.fund)
    day = _date(occurred_on)
    with transaction.atomic():
        fund = lock_fund(budget.fund)
        budget = ProjectBudget.objects.get(pk=budget.pk)
        total = budget.committed if amount is None else _amount(amount)
        if total <= 0:
            raise ActionError(gettext("nothing is committed to this line"), field="amount")
        if total > budget.committed:
            raise InsufficientFunds(
                gettext("%(amount)s yuan is more than the %(c)s yuan committed to “%(t)s”")
                % {"amount": yuan(total), "c": yuan(budget.committed), "t": budget.title}
            )
        entry = _release(fund, budget, total, actor=actor, on=day, memo=memo)
        _sweep_if_closed(fund, actor=actor, on=day)
        _record(actor, "funds.release", budget, entry)
    return entry


def reverse(
    *, actor: Any, entry: JournalEntry, reason: str, occurred_on: dt.date | None = None
) -> JournalEntry:
    """Post the exact mirror of `entry` (every debit becomes a credit on the same account and
    budget line). An entry is reversed at most once; a reversal and a year-end close are not
    reversed. Refused when the money has moved on (e.g. a commitment already paid): reverse the
    later entries first."""
    _require(actor, "funds.reverse", entry.fund)
    reason = _text(reason, "reason", gettext("The reason"), 500)
    day = _date(occurred_on)
    with transaction.atomic():
        fund = lock_fund(entry.fund)
        entry = JournalEntry.objects.select_related("budget").get(pk=entry.pk)
        if entry.kind in (EntryKind.REVERSAL, EntryKind.YEAR_END) or entry.counterpart_id:
            raise ActionError(
                gettext("a %(k)s entry cannot be reversed") % {"k": entry.get_kind_display()},
                field="entry",
            )
        if JournalEntry.objects.filter(reverses=entry).exists():
            raise ActionError(
                gettext("entry #%(n)d is reversed already") % {"n": entry.seq},
                field="entry",
                code="duplicate",
            )
        if fund.status != FundStatus.OPEN and entry.kind in (
            EntryKind.ALLOCATION,
            EntryKind.COMMITMENT,
        ):
            _open(fund)
        mirror = [
            Line(
                line.account.kind,
                debit=line.credit,
                credit=line.debit,
                source=line.account.source,
                budget=line.budget,
            )
            for line in entry.lines.select_related("account", "budget").order_by("pk")
        ]
        reversal = post(
            fund,
            kind=EntryKind.REVERSAL,
            lines=mirror,
            actor=actor,
            occurred_on=day,
            budget=entry.budget,
            payee=entry.payee,
            voucher_no=entry.voucher_no,
            memo=reason,
            reverses=entry,
        )
        _sweep_if_closed(fund, actor=actor, on=day)
        _record(actor, "funds.reverse", fund, reversal, reverses=str(entry.uuid), reason=reason)
    return reversal
