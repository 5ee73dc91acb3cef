"""Pages of needs: the list, raising a need, a need with its matching resources (scores
explained), its steps, and a need raised from a community's case trend."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.web.access import get_visible_or_404

from .. import actions, matching
from ..models import Need, NeedStatus, Project, Resource, ResourceKind, ServiceCategory
from .common import _communities, _do, _my_orgs, _node, _org


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    qs = Need.objects.visible_to(request.user).for_list()
    status = request.GET.get("status", "")
    if status in NeedStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "cooperation/needs.html",
        {"needs": qs[:200], "statuses": NeedStatus.choices, "status": status},
    )


@login_required
def need_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        from cogov.territory.models import Building

        building = None
        if request.POST.get("building"):
            building = get_visible_or_404(
                Building.objects.select_related("grid"), request.user, uuid=request.POST["building"]
            )
        need = _do(
            request,
            actions.raise_need,
            title=request.POST.get("title", ""),
            category=request.POST.get("category", ""),
            community=_node(request.POST.get("community")),
            building=building,
            description=request.POST.get("description", ""),
            wanted_kinds=request.POST.getlist("wanted_kinds"),
            quantity=int(request.POST["quantity"])
            if request.POST.get("quantity", "").isdigit()
            else None,
            source=request.POST.get("source") or None,
        )
        if need is not None:
            messages.success(request, _("The need is on its way to the community."))
            return redirect("cooperation:need-detail", uuid=need.uuid)
    return render(
        request,
        "cooperation/need_form.html",
        {
            "communities": _communities(request),
            "categories": ServiceCategory.choices,
            "kinds": ResourceKind.choices,
        },
    )


@login_required
def need_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    need = get_visible_or_404(Need.objects.for_list(), request.user, uuid=uuid)
    user = request.user
    manage = user.has_perm("cooperation.triage_need", need)
    suggestions = []
    if need.status in (NeedStatus.LISTED, NeedStatus.CLAIMED):
        suggestions = matching.suggestions_for_need(
            need, resources=Resource.objects.visible_to(user)
        )
    return render(
        request,
        "cooperation/need.html",
        {
            "need": need,
            "manage": manage,
            "suggestions": suggestions,
            "events": need.events.select_related("actor", "organization"),
            "can_claim": need.status == NeedStatus.LISTED
            and user.has_perm("cooperation.claim_need", need),
            "orgs": _my_orgs(request),
            "projects": Project.objects.filter(need_links__need=need),
        },
    )


NEED_STEPS: dict[str, Callable[..., Any]] = {
    "triage": actions.triage_need,
    "list": actions.list_need,
    "reject": actions.reject_need,
    "withdraw": actions.withdraw_need,
    "release": actions.release_need,
}


@login_required
@require_POST
def need_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str) -> HttpResponse:
    need = get_visible_or_404(Need.objects.all(), request.user, uuid=uuid)
    note = request.POST.get("note", "")
    if step == "claim":
        _do(
            request,
            actions.claim_need,
            need=need,
            organization=_org(request.POST.get("organization")),
            note=note,
        )
    elif step in NEED_STEPS:
        _do(request, NEED_STEPS[step], need=need, note=note)
    else:
        raise Http404
    return redirect("cooperation:need-detail", uuid=uuid)


@login_required
@require_POST
def trend_to_need(request: HttpRequest) -> HttpResponse:
    need = _do(
        request,
        actions.raise_need_from_case_trend,
        community=_node(request.POST.get("community")),
        category_code=request.POST.get("category_code", ""),
        category=request.POST.get("category") or ServiceCategory.GOVERNANCE,
    )
    return (
        redirect("cooperation:need-detail", uuid=need.uuid)
        if need
        else redirect("cooperation:index")
    )
