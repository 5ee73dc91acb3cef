"""The five-society pages: who took part in which project, a charitable fund with its ledger,
and a unit's page (what it pledged and delivered, its contribution in a period)."""

from __future__ import annotations

import uuid as uuid_lib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cogov.core.metrics import Period
from cogov.web.access import get_visible_or_404

from .. import actions, selectors
from ..metrics import unit_contribution
from ..models import CharityFund, LedgerEntry, ParticipantRole, Project
from .common import _do


@login_required
def linkage(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user).for_list()[:100]
    funds = CharityFund.objects.visible_to(request.user).select_related("community")
    return render(
        request,
        "cooperation/linkage.html",
        {
            "rows": selectors.linkage_overview(projects),
            "roles": ParticipantRole.choices,
            "funds": [(f, selectors.fund_balance(f)) for f in funds[:100]],
        },
    )


@login_required
def fund_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    fund = get_visible_or_404(
        CharityFund.objects.select_related("community"), request.user, uuid=uuid
    )
    if request.method == "POST":
        p = request.POST
        kwargs = {
            "fund": fund,
            "amount": p.get("amount", ""),
            "in_kind": p.get("in_kind") == "1",
            "item": p.get("item", ""),
            "note": p.get("note", ""),
        }
        if p.get("direction") == "out":
            _do(request, actions.record_spending, **kwargs)
        else:
            _do(request, actions.record_donation, donor_name=p.get("donor_name", ""), **kwargs)
        return redirect("cooperation:fund-detail", uuid=uuid)
    return render(
        request,
        "cooperation/fund.html",
        {
            "fund": fund,
            "balance": selectors.fund_balance(fund),
            "entries": LedgerEntry.objects.filter(fund=fund).select_related("project"),
            "can_record": request.user.has_perm("cooperation.record_ledger", fund),
        },
    )


@login_required
def unit_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    from cogov.organizations.models import Organization

    org = get_visible_or_404(Organization.objects.select_related("node"), request.user, uuid=uuid)
    try:
        period = (
            Period.parse(request.GET["period"])
            if request.GET.get("period")
            else Period.year(timezone.localdate().year)
        )
    except ValueError:
        period = Period.year(timezone.localdate().year)
    return render(
        request,
        "cooperation/unit.html",
        {
            "org": org,
            "page": selectors.unit_page(org),
            "period": period,
            "contribution": unit_contribution(org, period),
        },
    )
