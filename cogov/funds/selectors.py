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
