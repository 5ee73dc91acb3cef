"""Posting to a fund's double-entry journal, and checking it (docs/funds.md).

Rules every entry obeys:
- its date is not before the fund's last entry (a fund's entries are posted in date order, so
  the running balances by date are the balances the checks saw, never negative);
- it is posted only while the fund's row is locked (`lock_fund`), in the caller's transaction,
  so two commitments racing for the last available money are serialised and the second sees the
  first's result;
- its debits equal its credits equal its `amount` (checked here; on PostgreSQL a deferred
  constraint trigger checks again at commit);
- no account leaves its sign (sources ≤ 0, every other account ≥ 0) and no budget line's
  committed or paid balance goes below zero: `post` refuses with an ActionError naming the
  account, the amount and what is there;
- the accounts' and budget lines' cached balances move in the same transaction as the lines.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from cogov.core.errors import ActionError
from cogov.core.metrics import touched

from .models import (
    FUND_ACCOUNTS,
    ZERO,
    Account,
    AccountKind,
    Fund,
    JournalEntry,
    JournalLine,
    ProjectBudget,
)

CENT = Decimal("0.01")


def q(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def yuan(value: Decimal) -> str:
    """An amount as people read it: 1,234.50."""
    return f"{q(value):,.2f}"


class InsufficientFunds(ActionError):
    def __init__(self, message: str, *, field: str = "amount") -> None:
        super().__init__(message, field=field, code="insufficient")


def lock_fund(fund: Fund) -> Fund:
    """Lock the fund's row (every posting to the fund holds this lock) and return a fresh copy.
    Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_fund must run inside a transaction")
    return Fund.objects.select_for_update().select_related("community").get(pk=fund.pk)


def last_date(fund: Fund) -> dt.date | None:
    """The date of the fund's last entry (entries are posted in date order)."""
    return (
        JournalEntry.objects.filter(fund=fund)
        .order_by("-seq")
        .values_list("occurred_on", flat=True)
        .first()
    )


def open_accounts(fund: Fund, source_levels: Iterable[str]) -> None:
    Account.objects.bulk_create(
        [Account(fund=fund, kind=kind) for kind in FUND_ACCOUNTS]
        + [Account(fund=fund, kind=AccountKind.SOURCE, source=level) for level in source_levels]
    )


def account(fund: Fund, kind: str, source: str = "") -> Account:
    acc, _created = Account.objects.get_or_create(fund=fund, kind=kind, source=source)
    return acc


@dataclass(frozen=True)
class Line:
    account_kind: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    source: str = ""
    budget: ProjectBudget | None = None


def post(
    fund: Fund,
    *,
    kind: str,
    lines: Sequence[Line],
    actor: Any = None,
    occurred_on: dt.date | None = None,
    budget: ProjectBudget | None = None,
    payee: str = "",
    voucher_no: str = "",
    memo: str = "",
    reverses: JournalEntry | None = None,
    counterpart: JournalEntry | None = None,
) -> JournalEntry:
    """Append one balanced entry to a locked fund (see `lock_fund`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post must run inside a transaction, on a locked fund")
    lines = [Line(ln.account_kind, q(ln.debit), q(ln.credit), ln.source, ln.budget) for ln in lines]
    for ln in lines:
        if (ln.debit > 0) == (ln.credit > 0) or ln.debit < 0 or ln.credit < 0:
            raise ActionError(
                gettext("a journal line has exactly one positive side"), field="amount"
            )
    debits = sum((ln.debit for ln in lines), ZERO)
    credits = sum((ln.credit for ln in lines), ZERO)
    if debits != credits or debits <= 0:
        raise ActionError(
            gettext("the entry does not balance: debits %(d)s, credits %(c)s")
            % {"d": yuan(debits), "c": yuan(credits)},
            field="amount",
        )
    day = occurred_on or timezone.localdate()
    last = last_date(fund)
    if last is not None and day < last:
        raise ActionError(
            gettext(
                "the date %(d)s is before the fund's last entry (%(last)s): a fund's entries "
                "are posted in date order"
            )
            % {"d": day, "last": last},
            field="date",
        )
    accounts = {(a.kind, a.source): a for a in Account.objects.filter(fund=fund).order_by("kind")}
    moves: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    budget_moves: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    budgets: dict[int, ProjectBudget] = {}
    for ln in lines:
        key = (ln.account_kind, ln.source)
        if key not in accounts:
            accounts[key] = account(fund, ln.account_kind, ln.source)
        moves[key] += ln.debit - ln.credit
        if ln.budget is not None:
            budgets[ln.budget.pk] = ln.budget
            budget_moves[(ln.budget.pk, ln.account_kind)] += ln.debit - ln.credit
    for key, delta in moves.items():
        acc = accounts[key]
        after = q(acc.balance) + delta
        if acc.kind == AccountKind.SOURCE and after > 0:
            raise InsufficientFunds(
                gettext("source %(s)s would give back more than it gave (%(a)s)")
                % {"s": acc.source, "a": yuan(-q(acc.balance))}
            )
        if acc.kind != AccountKind.SOURCE and after < 0:
            raise InsufficientFunds(
                gettext("%(amount)s is more than the %(account)s balance of %(balance)s")
                % {
                    "amount": yuan(-delta),
                    "account": acc.get_kind_display(),
                    "balance": yuan(acc.balance),
                }
            )
    fresh = {b.pk: b for b in ProjectBudget.objects.filter(pk__in=list(budgets))}
    for (budget_pk, account_kind), delta in budget_moves.items():
        b = fresh[budget_pk]
        field = "committed" if account_kind == AccountKind.COMMITTED else "paid"
        if account_kind not in (AccountKind.COMMITTED, AccountKind.SPENT):
            raise RuntimeError(f"a budget line moves only committed or spent, not {account_kind}")
        after = q(getattr(b, field)) + delta
        if after < 0:
            raise InsufficientFunds(
                gettext("%(amount)s is more than the %(what)s %(balance)s of “%(line)s”")
                % {
                    "amount": yuan(-delta),
                    "what": gettext("committed balance")
                    if field == "committed"
                    else gettext("paid amount"),
                    "balance": yuan(getattr(b, field)),
                    "line": b.title,
                }
            )
        setattr(b, field, after)

    entry = JournalEntry.objects.create(
        fund=fund,
        seq=fund.entry_count + 1,
        kind=kind,
        amount=debits,
        occurred_on=day,
        budget=budget,
        payee=payee[:200],
        voucher_no=voucher_no[:64],
        memo=memo[:500],
        reverses=reverses,
        counterpart=counterpart,
        actor=actor if getattr(actor, "pk", None) else None,
        created_at=timezone.now(),
    )
    JournalLine.objects.bulk_create(
        [
            JournalLine(
                entry=entry,
                account=accounts[(ln.account_kind, ln.source)],
                budget=ln.budget,
                debit=ln.debit,
                credit=ln.credit,
            )
            for ln in lines
        ]
    )
    for key, delta in moves.items():
        acc = accounts[key]
        acc.balance = q(acc.balance) + delta
        Account.objects.filter(pk=acc.pk).update(balance=acc.balance)
    for b in fresh.values():
        ProjectBudget.objects.filter(pk=b.pk).update(committed=b.committed, paid=b.paid)
        original = budgets[b.pk]
        original.committed, original.paid = b.committed, b.paid
    Fund.objects.filter(pk=fund.pk).update(entry_count=entry.seq)
    fund.entry_count = entry.seq
    # Every change to what the funds metrics count is a posted entry (entries are append-only):
    # tell metric caches (assessment's rollups) about the community and the entry's date.
    touched("funds", fund.community.path, [day])
    return entry


# --- reconciliation


@dataclass(frozen=True)
class Problem:
    fund: Fund
    reason: str
    entry: JournalEntry | None = None

    def __str__(self) -> str:
        where = f"fund {self.fund.uuid} ({self.fund})"
        if self.entry is not None:
            where += f" entry #{self.entry.seq} {self.entry.uuid}"
        return f"{where}: {self.reason}"


def _name(acc: Account) -> str:
    return f"{acc.kind}:{acc.source}" if acc.source else acc.kind


def verify(funds: Iterable[Fund] | None = None) -> Iterator[Problem]:
    """Recompute each fund from its lines, to the cent. Yields one problem per discrepancy:
    an unbalanced entry, a sequence gap, an account whose cached balance differs from its
    lines, a budget line whose cached committed/paid differ from its lines, a balance of the
    wrong sign, or available + committed + spent + returned + carried_out ≠ allocated."""
    for fund in funds if funds is not None else Fund.objects.order_by("pk"):
        yield from _verify_fund(fund)


def _verify_fund(fund: Fund) -> Iterator[Problem]:
    fund = Fund.objects.get(pk=fund.pk)
    seq = 0
    sums: dict[int, tuple[Decimal, Decimal]] = {
        row["entry_id"]: (q(row["d"] or 0), q(row["c"] or 0))
        for row in JournalLine.objects.filter(entry__fund=fund)
        .values("entry_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    for entry in JournalEntry.objects.filter(fund=fund).order_by("seq").iterator(chunk_size=2000):
        seq += 1
        if entry.seq != seq:
            yield Problem(fund, f"sequence number {entry.seq}, expected {seq}", entry)
            seq = entry.seq
        debit, credit = sums.get(entry.pk, (ZERO, ZERO))
        if debit != credit or debit != q(entry.amount):
            yield Problem(
                fund,
                f"does not balance: debits {debit}, credits {credit}, amount {entry.amount}",
                entry,
            )
    if fund.entry_count != seq:
        yield Problem(fund, f"entry count {fund.entry_count}, entries {seq}")
    line_sums = {
        row["account_id"]: q(row["d"] or 0) - q(row["c"] or 0)
        for row in JournalLine.objects.filter(account__fund=fund)
        .values("account_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for acc in Account.objects.filter(fund=fund).order_by("kind", "source"):
        from_lines = line_sums.get(acc.pk, ZERO)
        if q(acc.balance) != from_lines:
            yield Problem(
                fund, f"account {_name(acc)}: balance {acc.balance}, lines give {from_lines}"
            )
        if (acc.kind == AccountKind.SOURCE and from_lines > 0) or (
            acc.kind != AccountKind.SOURCE and from_lines < 0
        ):
            yield Problem(fund, f"account {_name(acc)}: balance {from_lines} has the wrong sign")
        totals[acc.kind] += from_lines
    allocated = -totals[AccountKind.SOURCE]
    held = sum((totals[k] for k in FUND_ACCOUNTS), ZERO)
    if held != allocated:
        yield Problem(
            fund,
            "available + committed + spent + returned + carried out = "
            f"{held}, allocated {allocated}",
        )
    budget_sums: dict[tuple[int, str], Decimal] = {
        (row["budget_id"], row["account__kind"]): q(row["d"] or 0) - q(row["c"] or 0)
        for row in JournalLine.objects.filter(account__fund=fund, budget__isnull=False)
        .values("budget_id", "account__kind")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    committed_total = paid_total = ZERO
    for b in ProjectBudget.objects.filter(fund=fund).order_by("pk"):
        committed = budget_sums.get((b.pk, AccountKind.COMMITTED), ZERO)
        paid = budget_sums.get((b.pk, AccountKind.SPENT), ZERO)
        committed_total += committed
        paid_total += paid
        if q(b.committed) != committed:
            yield Problem(fund, f"budget line {b.uuid}: committed {b.committed}, lines {committed}")
        if q(b.paid) != paid:
            yield Problem(fund, f"budget line {b.uuid}: paid {b.paid}, lines {paid}")
    if committed_total != totals[AccountKind.COMMITTED]:
        yield Problem(
            fund,
            f"budget lines hold {committed_total} committed, "
            f"the committed account {totals[AccountKind.COMMITTED]}",
        )
    if paid_total != totals[AccountKind.SPENT]:
        yield Problem(
            fund,
            f"budget lines hold {paid_total} paid, the spent account {totals[AccountKind.SPENT]}",
        )
