"""REST endpoints under /api/funds/: funds with balances and budget lines, the journal, every
ledger action (allocate, open a budget line, commit, pay, refund, release, reverse, close the
year) and the audit export (docs/funds.md).

Every lookup goes through visible_to(user): an invisible object answers 404 like a missing one
(a fund's summary is visible to every signed-in user; its journal only to roles with
`funds.view_journal`); an action refused answers 403, bad input 400 with
{"detail", "field", "code"}.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from cogov.territory.models import Node
from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from . import actions, exports
from .models import Fund, JournalEntry, ProjectBudget, journal_condition
from .selectors import balances, cached_balances

router = Router(tags=["funds"])


def _money(value: Any) -> str:
    return f"{Decimal(value):.2f}"


def _fund_out(f: Fund, bal: dict[str, Decimal] | None = None) -> dict[str, Any]:
    if bal is None:
        b = balances(f)
        bal = {
            "allocated": b.allocated,
            "available": b.available,
            "committed": b.committed,
            "spent": b.spent,
            "returned": b.returned,
            "carried_out": b.carried_out,
        }
    return {
        "uuid": f.uuid,
        "community": {"uuid": f.community.uuid, "name": f.community.name},
        "kind": f.kind,
        "year": f.year,
        "name": f.name,
        "status": f.status,
        "sources": f.sources,
        "balances": {
            k: _money(bal[k])
            for k in ("allocated", "available", "committed", "spent", "returned", "carried_out")
        },
    }


def _budget_out(b: ProjectBudget) -> dict[str, Any]:
    return {
        "uuid": b.uuid,
        "fund": b.fund.uuid,
        "title": b.title,
        "kind": b.kind,
        "amount": _money(b.amount),
        "committed": _money(b.committed),
        "paid": _money(b.paid),
        "source_app": b.source_app,
        "source_ref": b.source_ref,
        "decided_by_residents": b.decided_by_residents,
    }


def _entry_out(e: JournalEntry) -> dict[str, Any]:
    return {
        "uuid": e.uuid,
        "fund": e.fund.uuid,
        "seq": e.seq,
        "kind": e.kind,
        "amount": _money(e.amount),
        "occurred_on": e.occurred_on,
        "budget": e.budget.uuid if e.budget_id and e.budget else None,
        "payee": e.payee,
        "voucher_no": e.voucher_no,
        "memo": e.memo,
        "reverses": e.reverses.uuid if e.reverses_id and e.reverses else None,
        "lines": [
            {
                "account": line.account.kind,
                "source": line.account.source,
                "budget": line.budget.uuid if line.budget_id and line.budget else None,
                "debit": _money(line.debit),
                "credit": _money(line.credit),
            }
            for line in e.lines.all()
        ],
    }


def _fund(request: HttpRequest, uuid: uuid_lib.UUID) -> Fund:
    return get_visible_or_404(Fund.objects.select_related("community"), request.user, uuid=uuid)  # type: ignore[no-any-return]


def _journal_fund(request: HttpRequest, uuid: uuid_lib.UUID) -> Fund:
    fund = _fund(request, uuid)
    if not request.user.has_perm("funds.view_journal", fund):
        raise Http404
    return fund


def _budget(request: HttpRequest, uuid: uuid_lib.UUID) -> ProjectBudget:
    return get_visible_or_404(  # type: ignore[no-any-return]
        ProjectBudget.objects.select_related("fund__community"), request.user, uuid=uuid
    )


@router.get("/funds")
def list_funds(
    request: HttpRequest,
    community: uuid_lib.UUID | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> Any:
    qs = Fund.objects.visible_to(request.user).select_related("community")
    if community is not None:
        node = get_visible_or_404(Node.objects.all(), request.user, uuid=community)
        qs = qs.filter(community__path__startswith=node.path)
    if year is not None:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    funds = list(qs.order_by("-year", "community__code", "kind")[:500])
    bal = cached_balances(funds)
    return [_fund_out(f, bal[f.pk]) for f in funds]


class FundIn(Schema):
    community: uuid_lib.UUID
    kind: str
    year: int
    name: str = ""
    sources: list[dict[str, Any]] | None = None


@router.post("/funds")
def create_fund(request: HttpRequest, body: FundIn) -> Any:
    community = get_visible_or_404(Node.objects.all(), request.user, uuid=body.community)
    return run_action(
        actions.create_fund,
        _fund_out,
        actor=request.user,
        community=community,
        kind=body.kind,
        year=body.year,
        name=body.name,
        sources=body.sources,
    )


@router.get("/funds/{uuid}")
def fund_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    fund = _fund(request, uuid)
    out = _fund_out(fund)
    out["by_source"] = {k: _money(v) for k, v in balances(fund).by_source.items()}
    out["budgets"] = [_budget_out(b) for b in fund.budgets.select_related("fund").order_by("pk")]
    return out


@router.get("/funds/{uuid}/journal")
def fund_journal(request: HttpRequest, uuid: uuid_lib.UUID, after: int = 0) -> Any:
    fund = _journal_fund(request, uuid)
    qs = (
        fund.entries.filter(seq__gt=after)
        .select_related("fund", "budget", "reverses")
        .prefetch_related("lines__account", "lines__budget")
        .order_by("seq")
    )
    return [_entry_out(e) for e in qs[:500]]


class AllocateIn(Schema):
    amount: Decimal | None = None
    source: str = ""
    occurred_on: dt.date | None = None
    memo: str = ""
    voucher_no: str = ""


@router.post("/funds/{uuid}/allocate")
def allocate(request: HttpRequest, uuid: uuid_lib.UUID, body: AllocateIn) -> Any:
    fund = _fund(request, uuid)
    return run_action(actions.allocate, _entry_out, actor=request.user, fund=fund, **body.dict())


class BudgetIn(Schema):
    title: str
    kind: str
    amount: Decimal
    source_app: str = ""
    source_ref: str = ""
    decided_by_residents: bool = False
    occurred_on: dt.date | None = None
    memo: str = ""


@router.post("/funds/{uuid}/budgets")
def open_budget(request: HttpRequest, uuid: uuid_lib.UUID, body: BudgetIn) -> Any:
    fund = _fund(request, uuid)
    return run_action(
        actions.open_project_budget, _budget_out, actor=request.user, fund=fund, **body.dict()
    )


class CloseIn(Schema):
    on: dt.date | None = None


@router.post("/funds/{uuid}/close")
def close_year(request: HttpRequest, uuid: uuid_lib.UUID, body: CloseIn) -> Any:
    fund = _fund(request, uuid)
    return run_action(
        actions.close_year,
        lambda entries: {"entries": [_entry_out(e) for e in entries]},
        actor=request.user,
        fund=fund,
        on=body.on,
    )


@router.get("/budgets/{uuid}")
def budget_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _budget_out(_budget(request, uuid))


class CommitIn(Schema):
    amount: Decimal
    occurred_on: dt.date | None = None
    memo: str = ""


@router.post("/budgets/{uuid}/commit")
def commit(request: HttpRequest, uuid: uuid_lib.UUID, body: CommitIn) -> Any:
    budget = _budget(request, uuid)
    return run_action(actions.commit, _entry_out, actor=request.user, budget=budget, **body.dict())


class PayIn(Schema):
    amount: Decimal
    payee: str
    voucher_no: str
    occurred_on: dt.date | None = None
    memo: str = ""


@router.post("/budgets/{uuid}/pay")
def pay(request: HttpRequest, uuid: uuid_lib.UUID, body: PayIn) -> Any:
    budget = _budget(request, uuid)
    return run_action(actions.pay, _entry_out, actor=request.user, budget=budget, **body.dict())


class RefundIn(Schema):
    amount: Decimal
    voucher_no: str
    payee: str = ""
    occurred_on: dt.date | None = None
    memo: str = ""


@router.post("/budgets/{uuid}/refund")
def refund(request: HttpRequest, uuid: uuid_lib.UUID, body: RefundIn) -> Any:
    budget = _budget(request, uuid)
    return run_action(actions.refund, _entry_out, actor=request.user, budget=budget, **body.dict())


class ReleaseIn(Schema):
    amount: Decimal | None = None
    occurred_on: dt.date | None = None
    memo: str = ""


@router.post("/budgets/{uuid}/release")
def release(request: HttpRequest, uuid: uuid_lib.UUID, body: ReleaseIn) -> Any:
    budget = _budget(request, uuid)
    return run_action(actions.release, _entry_out, actor=request.user, budget=budget, **body.dict())


class ReverseIn(Schema):
    reason: str
    occurred_on: dt.date | None = None


@router.post("/entries/{uuid}/reverse")
def reverse(request: HttpRequest, uuid: uuid_lib.UUID, body: ReverseIn) -> Any:
    entry = get_visible_or_404(
        JournalEntry.objects.select_related("fund__community"), request.user, uuid=uuid
    )
    return run_action(actions.reverse, _entry_out, actor=request.user, entry=entry, **body.dict())


def _period(start: dt.date | None, end: dt.date | None) -> str:
    return f"{start or ''}_{end or ''}".strip("_")


@router.get("/funds/{uuid}/export")
def export_fund(
    request: HttpRequest,
    uuid: uuid_lib.UUID,
    format: str = "csv",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Any:
    fund = _journal_fund(request, uuid)
    name = f"journal-{fund.community.code}-{fund.kind}-{fund.year}"
    if start or end:
        name += f"-{_period(start, end)}"
    return exports.journal([fund], format, name=name, start=start, end=end)


@router.get("/communities/{uuid}/export")
def export_community(
    request: HttpRequest,
    uuid: uuid_lib.UUID,
    format: str = "csv",
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Any:
    node = get_visible_or_404(Node.objects.all(), request.user, uuid=uuid)
    funds = Fund.objects.filter(community__path__startswith=node.path).filter(
        journal_condition(request.user)
    )
    if year is not None:
        funds = funds.filter(year=year)
    chosen = list(funds.order_by("community__code", "year", "kind"))
    if not chosen:
        raise Http404
    name = f"journal-{node.code}" + (f"-{year}" if year else "")
    if start or end:
        name += f"-{_period(start, end)}"
    return exports.journal(chosen, format, name=name, start=start, end=end)
