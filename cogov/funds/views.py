"""Pages of the funds app: the funds of the communities by year with their balances, a fund
(balances by account and source, budget lines, the journal with running balances, the actions
as forms) and the audit export.

Thin views: look up through visible_to (404 for forbidden and missing alike), call an action,
report its refusal as a message, redirect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.core.errors import ActionError
from cogov.core.policies import get_policy
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404
from cogov.web.actions import attempt

from . import actions, exports
from . import policy_kinds as pk
from .models import (
    BudgetKind,
    EntryKind,
    Fund,
    FundKind,
    FundStatus,
    JournalEntry,
    ProjectBudget,
    journal_condition,
)
from .selectors import balances, cached_balances, journal_rows


def _date(request: HttpRequest, name: str) -> dt.date | None:
    raw = (request.POST.get(name) or request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        raise ActionError(_("%(v)s is not a date (YYYY-MM-DD)") % {"v": raw}, field=name)
    return day


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    qs = Fund.objects.visible_to(request.user).select_related("community").filter(year=year)
    node = None
    if request.GET.get("node"):
        try:
            node = get_visible_or_404(Node.objects.all(), request.user, uuid=request.GET["node"])
        except Exception:
            raise Http404 from None
        qs = qs.filter(community__path__startswith=node.path)
    kind = request.GET.get("kind") or ""
    if kind:
        qs = qs.filter(kind=kind)
    funds = list(qs.order_by("community__code", "kind")[:500])
    bal = cached_balances(funds)
    rows = [(f, bal[f.pk]) for f in funds]
    totals = {
        k: sum((b[k] for _f, b in rows), Decimal(0))
        for k in ("allocated", "available", "committed", "spent")
    }
    communities = list(
        Node.objects.visible_to(request.user)
        .active()
        .of_level(Level.COMMUNITY)
        .order_by("code")[:300]
    )
    can_create = [c for c in communities if request.user.has_perm("funds.create_fund", c)]
    years = sorted(
        set(Fund.objects.values_list("year", flat=True).distinct()) | {timezone.localdate().year},
        reverse=True,
    )
    return render(
        request,
        "funds/list.html",
        {
            "section": "funds",
            "rows": rows,
            "totals": totals,
            "year": year,
            "years": years,
            "kind": kind,
            "kinds": FundKind.choices,
            "node": node,
            "create_in": can_create,
            "export_nodes": [
                c for c in communities if request.user.has_perm("funds.view_journal", c)
            ][:50],
        },
    )


@login_required
@require_POST
def fund_create(request: HttpRequest) -> HttpResponse:
    community = get_visible_or_404(
        Node.objects.filter(level=Level.COMMUNITY), request.user, uuid=request.POST.get("community")
    )
    try:
        year = int(request.POST.get("year") or 0)
    except ValueError:
        year = 0
    fund = attempt(
        request,
        actions.create_fund,
        _("The fund is open."),
        community=community,
        kind=request.POST.get("kind", ""),
        year=year,
        name=request.POST.get("name", ""),
    )
    if fund is None:
        return redirect("funds:list")
    return redirect("funds:detail", uuid=fund.uuid)


def _fund(request: HttpRequest, uuid: Any) -> Fund:
    return get_visible_or_404(Fund.objects.select_related("community"), request.user, uuid=uuid)  # type: ignore[no-any-return]


def _details(entry: JournalEntry) -> str:
    parts = []
    if entry.budget_id and entry.budget:
        parts.append(entry.budget.title)
    if entry.payee:
        parts.append(entry.payee)
    if entry.voucher_no:
        parts.append(_("voucher %(n)s") % {"n": entry.voucher_no})
    if entry.memo and not (entry.budget_id and entry.budget and entry.memo == entry.budget.title):
        parts.append(entry.memo)
    return " · ".join(parts)


@login_required
def fund_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    fund = _fund(request, uuid)
    user = request.user
    b = balances(fund)
    budgets = list(fund.budgets.order_by("pk"))
    staff = user.has_perm("funds.view_journal", fund)
    journal = (
        [(row, _details(row.entry)) for row in list(journal_rows([fund]))[::-1][:200]]
        if staff
        else []
    )
    reversible = set()
    if staff and user.has_perm("funds.reverse", fund):
        reversed_ids = set(
            JournalEntry.objects.filter(fund=fund, reverses__isnull=False).values_list(
                "reverses_id", flat=True
            )
        )
        reversible = {
            row.entry.pk
            for row, _d in journal
            if row.entry.kind not in (EntryKind.REVERSAL, EntryKind.YEAR_END)
            and not row.entry.counterpart_id
            and row.entry.pk not in reversed_ids
        }
    caps = get_policy(pk.PROJECT_CAPS, node=fund.community)
    standard = get_policy(
        pk.ANNUAL_AMOUNTS, node=fund.community, on=dt.date(fund.year, 1, 1)
    ).amount_for(fund.kind)
    is_open = fund.status == FundStatus.OPEN
    return render(
        request,
        "funds/detail.html",
        {
            "section": "funds",
            "fund": fund,
            "b": b,
            "budgets": budgets,
            "staff": staff,
            "journal": journal,
            "reversible": reversible,
            "caps": [(k, label, caps.cap_for(fund.kind, k)) for k, label in BudgetKind.choices],
            "standard": standard,
            "budget_kinds": BudgetKind.choices,
            "can": {
                "allocate": is_open and user.has_perm("funds.allocate", fund),
                "commit": is_open and user.has_perm("funds.commit", fund),
                "pay": user.has_perm("funds.pay", fund),
                "release": user.has_perm("funds.release", fund),
                "reverse": user.has_perm("funds.reverse", fund),
                "close": is_open and user.has_perm("funds.close_year", fund),
            },
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def fund_action(request: HttpRequest, uuid: Any, action: str) -> HttpResponse:
    fund = _fund(request, uuid)
    post = request.POST
    try:
        day = _date(request, "occurred_on")
        if action == "allocate":
            attempt(
                request,
                actions.allocate,
                _("The allocation is recorded."),
                fund=fund,
                amount=post.get("amount") or None,
                source=post.get("source", ""),
                occurred_on=day,
                memo=post.get("memo", ""),
                voucher_no=post.get("voucher_no", ""),
            )
        elif action == "budget":
            attempt(
                request,
                actions.open_project_budget,
                _("The budget line is open and its amount committed."),
                fund=fund,
                title=post.get("title", ""),
                kind=post.get("kind", ""),
                amount=post.get("amount", ""),
                source_app=post.get("source_app", ""),
                source_ref=post.get("source_ref", ""),
                decided_by_residents=post.get("decided_by_residents") == "on",
                occurred_on=day,
            )
        elif action == "close":
            attempt(request, actions.close_year, _("The year is closed."), fund=fund, on=day)
        elif action == "reverse":
            entry = get_visible_or_404(
                JournalEntry.objects.filter(fund=fund), request.user, uuid=post.get("entry")
            )
            attempt(
                request,
                actions.reverse,
                _("The entry is reversed."),
                entry=entry,
                reason=post.get("reason", ""),
                occurred_on=day,
            )
        else:
            raise Http404
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("funds:detail", uuid=fund.uuid)


@login_required
@require_POST
def budget_action(request: HttpRequest, uuid: Any, action: str) -> HttpResponse:
    budget = get_visible_or_404(
        ProjectBudget.objects.select_related("fund__community"), request.user, uuid=uuid
    )
    post = request.POST
    try:
        day = _date(request, "occurred_on")
        if action == "commit":
            attempt(
                request,
                actions.commit,
                _("The commitment is recorded."),
                budget=budget,
                amount=post.get("amount", ""),
                occurred_on=day,
            )
        elif action == "pay":
            attempt(
                request,
                actions.pay,
                _("The payment is recorded."),
                budget=budget,
                amount=post.get("amount", ""),
                payee=post.get("payee", ""),
                voucher_no=post.get("voucher_no", ""),
                occurred_on=day,
                memo=post.get("memo", ""),
            )
        elif action == "refund":
            attempt(
                request,
                actions.refund,
                _("The refund is recorded."),
                budget=budget,
                amount=post.get("amount", ""),
                voucher_no=post.get("voucher_no", ""),
                payee=post.get("payee", ""),
                occurred_on=day,
                memo=post.get("memo", ""),
            )
        elif action == "release":
            attempt(
                request,
                actions.release,
                _("The money is released."),
                budget=budget,
                amount=post.get("amount") or None,
                occurred_on=day,
            )
        else:
            raise Http404
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("funds:detail", uuid=budget.fund.uuid)


def _period(request: HttpRequest) -> tuple[dt.date | None, dt.date | None]:
    try:
        start, end = _date(request, "start"), _date(request, "end")
    except ActionError:
        raise Http404 from None
    return start, (end + dt.timedelta(days=1)) if end else None


@login_required
def fund_export(request: HttpRequest, uuid: Any) -> HttpResponse:
    fund = _fund(request, uuid)
    if not request.user.has_perm("funds.view_journal", fund):
        raise Http404
    start, end = _period(request)
    name = f"journal-{fund.community.code}-{fund.kind}-{fund.year}"
    return exports.journal(
        [fund], request.GET.get("format", "csv"), name=name, start=start, end=end
    )


@login_required
def community_export(request: HttpRequest) -> HttpResponse:
    """The journal of every fund of a community (or of the communities below a street) for a
    year, whose journal the user may read."""
    try:
        node = get_visible_or_404(
            Node.objects.all(), request.user, uuid=request.GET.get("community", "")
        )
    except ValidationError:
        raise Http404 from None
    funds = list(
        Fund.objects.filter(community__path__startswith=node.path)
        .filter(journal_condition(request.user))
        .filter(year=_year(request))
        .select_related("community")
        .order_by("community__code", "kind")
    )
    if not funds:
        raise Http404
    start, end = _period(request)
    name = f"journal-{node.code}-{_year(request)}"
    return exports.journal(funds, request.GET.get("format", "csv"), name=name, start=start, end=end)
