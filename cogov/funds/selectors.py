"""Reads of the funds app that are more than one QuerySet chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from .ledger import q
from .models import ZERO, Account, AccountKind, Fund, JournalEntry, JournalLine


def fund_for(community: Any, kind: str, year: int) -> Fund | None:
    """The community's fund of `kind` for `year`, or None when none has been opened."""
    return Fund.objects.filter(community=community, kind=kind, year=year).first()


@dataclass(frozen=True)
class Balances:
    allocated: Decimal
    available: Decimal
    committed: Decimal
    spent: Decimal
    returned: Decimal
    carried_out: Decimal
    by_source: dict[str, Decimal] = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        held = self.available + self.committed + self.spent + self.returned + self.carried_out
        return held == self.allocated

    @property
    def execution_rate(self) -> Decimal | None:
        """Spent / allocated (money carried out or returned stays in the denominator)."""
        if not self.allocated:
            return None
        return (self.spent / self.allocated).quantize(Decimal("0.0001"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "allocated": self.allocated,
            "available": self.available,
            "committed": self.committed,
            "spent": self.spent,
            "returned": self.returned,
            "carried_out": self.carried_out,
            "by_source": dict(self.by_source),
        }


def balances(fund: Fund, *, on: dt.date | None = None) -> Balances:
    """The fund's balances computed from its journal lines (not the cached account balances),
    to the cent; up to and including `on` when given. One query."""
    lines = JournalLine.objects.filter(account__fund=fund)
    if on is not None:
        lines = lines.filter(entry__occurred_on__lte=on)
    rows = lines.values("account__kind", "account__source").annotate(
        d=Sum("debit"), c=Sum("credit")
    )
    totals: dict[str, Decimal] = {k: ZERO for k in AccountKind.values}
    by_source: dict[str, Decimal] = {}
    for row in rows:
        net = q(row["d"] or 0) - q(row["c"] or 0)
        totals[row["account__kind"]] += net
        if row["account__kind"] == AccountKind.SOURCE:
            by_source[row["account__source"]] = -net
    return Balances(
        allocated=-totals[AccountKind.SOURCE],
        available=totals[AccountKind.AVAILABLE],
        committed=totals[AccountKind.COMMITTED],
        spent=totals[AccountKind.SPENT],
        returned=totals[AccountKind.RETURNED],
        carried_out=totals[AccountKind.CARRIED_OUT],
        by_source=by_source,
    )


def cached_balances(funds: list[Fund]) -> dict[int, dict[str, Decimal]]:
    """The cached account balances of many funds (one query) for lists: {fund id: {kind: amount}}
    with "allocated" for the sources."""
    out: dict[int, dict[str, Decimal]] = {
        f.pk: {k: ZERO for k in ["allocated", *AccountKind.values]} for f in funds
    }
    for acc in Account.objects.filter(fund__in=funds).only("fund_id", "kind", "balance"):
        if acc.kind == AccountKind.SOURCE:
            out[acc.fund_id]["allocated"] -= acc.balance
        else:
            out[acc.fund_id][acc.kind] += acc.balance
    return out


@dataclass(frozen=True)
class JournalRow:
    entry: JournalEntry
    moves: dict[str, Decimal]  # account kind → net debit of this entry
    after: dict[str, Decimal]  # running balances after this entry


RUNNING = ("allocated", "available", "committed", "spent", "returned", "carried_out")


def journal_rows(
    funds: list[Fund], *, start: dt.date | None = None, end: dt.date | None = None
) -> Iterator[JournalRow]:
    """Every entry of `funds` in [start, end) by fund, date and sequence, with the running
    balances of its fund after the entry (the opening balances before `start` included)."""
    for fund in funds:
        running = {k: ZERO for k in RUNNING}
        if start is not None:
            opening = balances(fund, on=start - dt.timedelta(days=1))
            for k in RUNNING:
                running[k] = getattr(opening, k)
        entries = (
            JournalEntry.objects.filter(fund=fund)
            .select_related("budget", "fund", "fund__community", "reverses", "actor")
            .prefetch_related("lines__account")
            .order_by("occurred_on", "seq")
        )
        if start is not None:
            entries = entries.filter(occurred_on__gte=start)
        if end is not None:
            entries = entries.filter(occurred_on__lt=end)
        for entry in entries.iterator(chunk_size=500):
            moves: dict[str, Decimal] = {}
            for line in entry.lines.all():
                kind = line.account.kind
                net = q(line.debit) - q(line.credit)
                moves[kind] = moves.get(kind, ZERO) + net
                if kind == AccountKind.SOURCE:
                    running["allocated"] -= net
                else:
                    running[kind] += net
            yield JournalRow(entry, moves, dict(running))


# --- the statement of fund use for a period (居务公开: 经费使用情况) --------------------------


@dataclass(frozen=True)
class StatementRow:
    """One movement in a statement: an allocation, a payment, a refund or a year-end transfer.
    A reversal appears under the kind it reverses with a negative amount."""

    occurred_on: dt.date
    kind: str  # "allocation", "payment", "refund", "returned", "carried_out"
    amount: Decimal
    budget: str = ""  # the budget line's title (payments, refunds)
    payee: str = ""
    voucher_no: str = ""
    memo: str = ""
    seq: int = 0
    reversal: bool = False  # the mirror of an earlier entry (amount negative)


@dataclass(frozen=True)
class BudgetLinePayments:
    title: str
    payments: list[StatementRow]

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)


@dataclass(frozen=True)
class FundStatement:
    """A fund's money in [start, end] (both days included). The balance is the money the fund
    holds (available + committed to budget lines, not yet paid): opening + allocations +
    refunds − payments − returned − carried out = closing, to the cent."""

    fund: Fund
    start: dt.date
    end: dt.date
    opening: Decimal
    closing: Decimal
    allocations: list[StatementRow]
    lines: list[BudgetLinePayments]
    refunds: list[StatementRow]
    transfers: list[StatementRow]  # returned to the sources, carried to next year

    @property
    def allocated(self) -> Decimal:
        return sum((r.amount for r in self.allocations), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((b.total for b in self.lines), ZERO)

    @property
    def refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds), ZERO)

    @property
    def transferred(self) -> Decimal:
        return sum((r.amount for r in self.transfers), ZERO)

    @property
    def payments(self) -> list[StatementRow]:
        return [p for b in self.lines for p in b.payments]

    @property
    def reconciles(self) -> bool:
        return (
            self.opening + self.allocated + self.refunded - self.paid - self.transferred
            == self.closing
        )


def fund_kinds() -> list[str]:
    """The fund kinds (codes), for other apps' settings that name them."""
    from .models import FundKind

    return list(FundKind.values)


def _held(b: Balances) -> Decimal:
    return b.available + b.committed


def _category(entry: JournalEntry, moves: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    """What the entry does to the fund's holding, as (statement kind, amount) pairs."""
    kind = entry.kind
    if kind == "reversal" and entry.reverses is not None:
        kind = entry.reverses.kind
    out: list[tuple[str, Decimal]] = []
    source = -moves.get(AccountKind.SOURCE, ZERO)
    if source:
        out.append(("allocation", source))
    spent = moves.get(AccountKind.SPENT, ZERO)
    if spent:
        # a payment raises spent, a refund lowers it; their reversals do the opposite
        out.append(("refund", -spent) if kind == "refund" else ("payment", spent))
    for account in (AccountKind.RETURNED, AccountKind.CARRIED_OUT):
        if moves.get(account):
            out.append((str(account), moves[account]))
    return out


def period_statement(
    community: Any, start: dt.date, end: dt.date, kinds: list[str] | None = None
) -> list[FundStatement]:
    """Per fund of `community` (of `kinds`, default all) whose year overlaps [start, end]:
    the opening balance the day before `start`, the allocations, the payments grouped by budget
    line (title, payee, amount, voucher no.), refunds and year-end transfers dated in the
    period, and the closing balance at `end`, all computed from the journal lines. Funds are
    ordered by year and kind; rows by date and sequence."""
    if end < start:
        raise ValueError("the period ends before it starts")
    funds = Fund.objects.filter(community=community, year__gte=start.year, year__lte=end.year)
    if kinds:
        funds = funds.filter(kind__in=kinds)
    out: list[FundStatement] = []
    for fund in funds.order_by("year", "kind"):
        opening = _held(balances(fund, on=start - dt.timedelta(days=1)))
        closing = _held(balances(fund, on=end))
        allocations: list[StatementRow] = []
        refunds: list[StatementRow] = []
        transfers: list[StatementRow] = []
        by_line: dict[str, list[StatementRow]] = {}
        entries = (
            JournalEntry.objects.filter(fund=fund, occurred_on__gte=start, occurred_on__lte=end)
            .select_related("budget", "reverses")
            .prefetch_related("lines__account")
            .order_by("occurred_on", "seq")
        )
        for entry in entries:
            moves: dict[str, Decimal] = {}
            for line in entry.lines.all():
                moves[line.account.kind] = (
                    moves.get(line.account.kind, ZERO) + q(line.debit) - q(line.credit)
                )
            for kind, amount in _category(entry, moves):
                row = StatementRow(
                    occurred_on=entry.occurred_on,
                    kind=kind,
                    amount=amount,
                    budget=entry.budget.title if entry.budget else "",
                    payee=entry.payee,
                    voucher_no=entry.voucher_no,
                    memo=entry.memo,
                    seq=entry.seq,
                    reversal=entry.kind == "reversal",
                )
                if kind == "allocation":
                    allocations.append(row)
                elif kind == "payment":
                    by_line.setdefault(row.budget, []).append(row)
                elif kind == "refund":
                    refunds.append(row)
                else:
                    transfers.append(row)
        out.append(
            FundStatement(
                fund=fund,
                start=start,
                end=end,
                opening=opening,
                closing=closing,
                allocations=allocations,
                lines=[BudgetLinePayments(t, rows) for t, rows in by_line.items()],
                refunds=refunds,
                transfers=transfers,
            )
        )
    return out
