"""Every write of the funds app (docs/funds.md). Each action takes a keyword-only `actor`,
checks its named permission, runs in one transaction holding the fund's row lock, posts balanced
journal entries through `ledger.post` and writes an audit row.

The interface other apps call (participatory budgeting, co-construction, deliberation):

    open_project_budget(*, actor, fund, title, kind, amount, source_app, source_ref,
                        decided_by_residents=False) -> ProjectBudget
    selectors.fund_for(community, kind, year) -> Fund | None

Errors are `cogov.core.errors.ActionError` (subclasses: `NotAllowed`, `ledger.InsufficientFunds`,
`CapExceeded`) whose message names the amount and the limit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.policies import get_policy

from . import policy_kinds as pk
from .ledger import InsufficientFunds, Line, lock_fund, open_accounts, post, q, yuan
from .models import (
    CARRYOVER,
    ZERO,
    AccountKind,
    BudgetKind,
    EntryKind,
    Fund,
    FundKind,
    FundStatus,
    JournalEntry,
    ProjectBudget,
)

A = AccountKind


class CapExceeded(ActionError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="amount", code="over_cap")


def _require(actor: Any, permission: str, obj: Any) -> None:
    if not actor.has_perm(permission, obj):
        raise NotAllowed(gettext("you may not do this"))


def _amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ActionError(
            gettext("%(v)s is not an amount in yuan") % {"v": value}, field=field
        ) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ActionError(gettext("an amount has at most two decimals (fen)"), field=field)
    if amount <= 0:
        raise ActionError(gettext("the amount must be more than zero"), field=field)
    if amount >= Decimal("1e12"):
        raise ActionError(gettext("the amount is too large"), field=field)
    return q(amount)


def _date(value: dt.date | None) -> dt.date:
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise ActionError(gettext("the date %(d)s is in the future") % {"d": day}, field="date")
    return day


def _open(fund: Fund) -> None:
    if fund.status != FundStatus.OPEN:
        raise ActionError(
            gettext("the fund %(f)s is closed for the year") % {"f": fund}, field="fund"
        )


def _text(value: str, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(gettext("%(label)s is required") % {"label": label}, field=field)
    if len(value) > max_length:
        raise ActionError(
            gettext("%(label)s is longer than %(n)d characters")
            % {"label": label, "n": max_length},
            field=field,
        )
    return value


def _record(actor: Any, action: str, obj: Any, entry: JournalEntry | None = None, **detail: Any):  # type: ignore[no-untyped-def]
    if entry is not None:
        detail.update(entry=str(entry.uuid), seq=entry.seq, amount=str(entry.amount))
    return audit.record(actor, action, obj, **detail)


# --- funds


def create_fund(
    *,
    actor: Any,
    community: Any,
    kind: str,
    year: int,
    name: str = "",
    sources: list[dict[str, Any]] | None = None,
) -> Fund:
    """Open the community's fund of `kind` for `year` with its accounts. `sources` (level and
    percentage share, adding up to 100) default to the `funds.source_shares` policy."""
    _require(actor, "funds.create_fund", community)
    with transaction.atomic():
        fund = _create_fund(
            actor=actor, community=community, kind=kind, year=year, name=name, sources=sources
        )
        _record(actor, "funds.create_fund", fund, kind=kind, year=year, sources=fund.sources)
    return fund


def _create_fund(
    *,
    actor: Any,
    community: Any,
    kind: str,
    year: int,
    name: str = "",
    sources: list[dict[str, Any]] | None = None,
    carried_from: Fund | None = None,
) -> Fund:
    if getattr(community, "level", None) != "community":
        raise ActionError(gettext("a fund belongs to a community"), field="community")
    if kind not in FundKind.values:
        raise ActionError(gettext("unknown fund kind %(k)r") % {"k": kind}, field="kind")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ActionError(gettext("the year must be between 2000 and 2100"), field="year")
    if sources is None:
        shares = get_policy(pk.SOURCE_SHARES, node=community, on=dt.date(year, 1, 1)).for_kind(kind)
        sources = [{"level": s.level, "share": f"{s.share:.2f}"} for s in shares]
    else:
        try:
            checked = pk.SourceShares.model_validate({kind: sources})
        except Exception as exc:  # pydantic's error names the source and the problem
            raise ActionError(
                gettext("the sources are not valid: %(e)s") % {"e": exc}, field="sources"
            ) from None
        sources = [{"level": s.level, "share": f"{s.share:.2f}"} for s in checked.for_kind(kind)]
    name = (name or "").strip() or f"{community.name} · {FundKind(kind).label}"
    try:
        with transaction.atomic():
            fund = Fund.objects.create(
                community=community,
                kind=kind,
                year=year,
                name=name[:200],
                sources=sources,
                carried_from=carried_from,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ActionError(
            gettext("%(c)s already has a fund of this kind for %(y)d")
            % {"c": community.name, "y": year},
            field="kind",
            code="duplicate",
        ) from None
    open_accounts(fund, [s["level"] for s in sources])
    return fund


def allocate(
    *,
    actor: Any,
    fund: Fund,
    amount: Any = None,
    source: str = "",
    occurred_on: dt.date | None = None,
    memo: str = "",
    voucher_no: str = "",
) -> JournalEntry:
    """Money into the fund's available account from its sources. Without `source` the amount is
    split by the fund's shares (the last source takes the rounding cent); with `source` it all
    comes from that level (e.g. one level's tranche, a donor). Without `amount`, the standard
    yearly amount of the fund's kind (`funds.annual_amounts`)."""
    _require(actor, "funds.allocate", fund)
    day = _date(occurred_on)
    if amount is None:
        standard = get_policy(
            pk.ANNUAL_AMOUNTS, node=fund.community, on=dt.date(fund.year, 1, 1)
        ).amount_for(fund.kind)
        if standard is None:
            raise ActionError(
                gettext("this kind of fund has no standard amount: state the amount"),
                field="amount",
            )
        amount = standard
    total = _amount(amount)
    levels = [s["level"] for s in fund.sources]
    if source:
        if source not in levels:
            raise ActionError(
                gettext("%(s)s is not a source of this fund (%(all)s)")
                % {"s": source, "all": ", ".join(levels)},
                field="source",
            )
        credits = [Line(A.SOURCE, credit=total, source=source)]
    else:
        credits, left = [], total
        for i, s in enumerate(fund.sources):
            part = left if i == len(fund.sources) - 1 else q(total * Decimal(s["share"]) / 100)
            left -= part
            if part > 0:
                credits.append(Line(A.SOURCE, credit=part, source=s["level"]))
    with transaction.atomic():
        fund = lock_fund(fund)
        _open(fund)
        entry = post(
            fund,
            kind=EntryKind.ALLOCATION,
            lines=[Line(A.AVAILABLE, debit=total), *credits],
            actor=actor,
            occurred_on=day,
            memo=memo,
            voucher_no=voucher_no,
        )
        _record(actor, "funds.allocate", fund, entry, source=source or "shares")
    return entry


# --- budget lines and commitments


def _check_cap(fund: Fund, kind: str, total: Decimal, on: dt.date) -> None:
    caps = get_policy(pk.PROJECT_CAPS, node=fund.community, on=on)
    cap = caps.cap_for(fund.kind, kind)
    if cap is not None and total > cap:
        raise CapExceeded(
            gettext("%(amount)s yuan is over the cap of %(cap)s yuan for one %(kind)s project")
            % {"amount": yuan(total), "cap": yuan(cap), "kind": BudgetKind(kind).label}
        )


def _check_available(fund: Fund, amount: Decimal) -> None:
    from .models import Account

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


def _release(
    fund: Fund, budget: ProjectBudget, amount: Decimal, *, actor: Any, on: dt.date, memo: str
) -> JournalEntry:
    return post(
        fund,
        kind=EntryKind.RELEASE,
        lines=[Line(A.AVAILABLE, debit=amount), Line(A.COMMITTED, credit=amount, budget=budget)],
        actor=actor,
        occurred_on=on,
        budget=budget,
        memo=memo,
    )


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


# --- year end


def close_year(*, actor: Any, fund: Fund, on: dt.date | None = None) -> list[JournalEntry]:
    """Close the fund's year by the `funds.year_end` rule of its kind: committed-but-unpaid
    money is kept payable or released; then the available money is carried into next year's
    fund of the same kind (opened when missing, with the same sources) or returned to the
    sources. The fund takes no new allocations or commitments afterwards."""
    _require(actor, "funds.close_year", fund)
    day = _date(on)
    rule = get_policy(pk.YEAR_END, node=fund.community, on=dt.date(fund.year, 12, 31))
    if day < dt.date(fund.year, rule.close_from_month, 1):
        raise ActionError(
            gettext("the %(y)d fund can be closed from %(d)s on")
            % {"y": fund.year, "d": dt.date(fund.year, rule.close_from_month, 1)},
            field="date",
        )
    with transaction.atomic():
        fund = lock_fund(fund)
        _open(fund)
        entries: list[JournalEntry] = []
        if rule.for_kind(fund.kind).committed == "release":
            for budget in ProjectBudget.objects.filter(fund=fund, committed__gt=0).order_by("pk"):
                entries.append(
                    _release(
                        fund,
                        budget,
                        budget.committed,
                        actor=actor,
                        on=day,
                        memo=gettext("released at year-end close"),
                    )
                )
        Fund.objects.filter(pk=fund.pk).update(status=FundStatus.CLOSED, closed_at=timezone.now())
        fund.status, fund.closed_at = FundStatus.CLOSED, timezone.now()
        entries.extend(_sweep(fund, actor=actor, on=day))
        _record(
            actor,
            "funds.close_year",
            fund,
            unspent=rule.for_kind(fund.kind).unspent,
            committed=rule.for_kind(fund.kind).committed,
            entries=[str(e.uuid) for e in entries],
        )
    return entries


def _sweep_if_closed(fund: Fund, *, actor: Any, on: dt.date) -> None:
    if fund.status == FundStatus.CLOSED:
        _sweep(fund, actor=actor, on=on)


def _sweep(fund: Fund, *, actor: Any, on: dt.date) -> list[JournalEntry]:
    """Move a closed fund's available money by the year-end rule (carry or return)."""
    from .models import Account

    available = Account.objects.get(fund=fund, kind=A.AVAILABLE, source="").balance
    if available <= 0:
        return []
    rule = get_policy(pk.YEAR_END, node=fund.community, on=dt.date(fund.year, 12, 31))
    if rule.for_kind(fund.kind).unspent == "return":
        return [
            post(
                fund,
                kind=EntryKind.YEAR_END,
                lines=[Line(A.RETURNED, debit=available), Line(A.AVAILABLE, credit=available)],
                actor=actor,
                occurred_on=on,
                memo=gettext("unspent money returned to the sources"),
            )
        ]
    following = Fund.objects.filter(
        community=fund.community, kind=fund.kind, year=fund.year + 1
    ).first()
    if following is None:
        following = _create_fund(
            actor=actor,
            community=fund.community,
            kind=fund.kind,
            year=fund.year + 1,
            sources=fund.sources,
            carried_from=fund,
        )
    following = lock_fund(following)
    if following.status != FundStatus.OPEN:
        raise ActionError(
            gettext("next year's fund %(f)s is closed: nothing can be carried into it")
            % {"f": following},
            field="fund",
        )
    out = post(
        fund,
        kind=EntryKind.YEAR_END,
        lines=[Line(A.CARRIED_OUT, debit=available), Line(A.AVAILABLE, credit=available)],
        actor=actor,
        occurred_on=on,
        memo=gettext("carried into %(f)s") % {"f": following},
    )
    carried_in = post(
        following,
        kind=EntryKind.ALLOCATION,
        lines=[
            Line(A.AVAILABLE, debit=available),
            Line(A.SOURCE, credit=available, source=CARRYOVER),
        ],
        actor=actor,
        occurred_on=_carry_date(on, following),
        memo=gettext("carried over from %(f)s") % {"f": fund},
        counterpart=out,
    )
    return [out, carried_in]


def _carry_date(on: dt.date, following: Fund) -> dt.date:
    """Carried money enters next year's fund on 1 January, or on the closing day when the
    close happens before the new year (a date in the future is not posted), and never before
    that fund's last entry."""
    from .ledger import last_date

    first = dt.date(following.year, 1, 1)
    day = first if on < first <= timezone.localdate() else on
    last = last_date(following)
    return max(day, last) if last is not None else day


__all__ = [
    "ZERO",
    "CapExceeded",
    "InsufficientFunds",
    "allocate",
    "close_year",
    "commit",
    "create_fund",
    "open_project_budget",
    "pay",
    "refund",
    "release",
    "reverse",
]
