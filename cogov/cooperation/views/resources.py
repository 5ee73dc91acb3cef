"""Pages of resources: the list, offering a resource (with its availability windows), a
resource with the needs it could meet, and its steps."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from cogov.web.access import get_visible_or_404

from .. import actions, matching
from ..models import Need, Resource, ResourceKind, ServiceCategory
from .common import _communities, _do, _my_orgs, _node, _org


def parse_windows(text: str) -> list[dict[str, Any]]:
    """Lines like "5,6 09:00-12:00" (days: 0 = Monday … 6 = Sunday); the action validates."""
    windows: list[dict[str, Any]] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 2 or "-" not in parts[1]:
            if line.strip():
                windows.append({"days": [], "start": "", "end": ""})  # refused with a message
            continue
        days = [int(d) for d in parts[0].split(",") if d.strip().isdigit()]
        start, _sep, end = parts[1].partition("-")
        windows.append({"days": days, "start": start, "end": end})
    return windows


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    qs = Resource.objects.visible_to(request.user).with_committed().for_list()
    kind = request.GET.get("kind", "")
    if kind in ResourceKind.values:
        qs = qs.filter(kind=kind)
    return render(
        request,
        "cooperation/resources.html",
        {"resources": qs[:200], "kinds": ResourceKind.choices, "kind": kind},
    )


@login_required
def resource_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        p = request.POST
        resource = _do(
            request,
            actions.offer_resource,
            kind=p.get("kind", ""),
            title=p.get("title", ""),
            capacity=int(p["capacity"]) if p.get("capacity", "").isdigit() else 0,
            capacity_unit=p.get("capacity_unit", ""),
            categories=p.getlist("categories"),
            organization=_org(p.get("organization")),
            as_person=p.get("as_person") == "1",
            community=_node(p.get("community")),
            description=p.get("description", ""),
            available_from=parse_date(p.get("available_from", "")) or None,
            available_until=parse_date(p.get("available_until", "")) or None,
            windows=parse_windows(p.get("windows", "")),
        )
        if resource is not None:
            return redirect("cooperation:resource-detail", uuid=resource.uuid)
    return render(
        request,
        "cooperation/resource_form.html",
        {
            "communities": _communities(request),
            "categories": ServiceCategory.choices,
            "kinds": ResourceKind.choices,
            "orgs": _my_orgs(request),
        },
    )


@login_required
def resource_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    resource = get_visible_or_404(
        Resource.objects.with_committed().for_list(), request.user, uuid=uuid
    )
    suggestions = []
    if resource.status in ("listed", "claimed"):
        suggestions = matching.suggestions_for_resource(
            resource, needs=Need.objects.visible_to(request.user)
        )
    return render(
        request,
        "cooperation/resource.html",
        {
            "resource": resource,
            "suggestions": suggestions,
            "manage": request.user.has_perm("cooperation.review_resource", resource),
            "can_withdraw": request.user.has_perm("cooperation.withdraw_resource", resource),
            "events": resource.events.select_related("actor"),
        },
    )


RESOURCE_STEPS: dict[str, Callable[..., Any]] = {
    "list": actions.list_resource,
    "decline": actions.decline_resource,
    "claim": actions.claim_resource,
    "withdraw": actions.withdraw_resource,
}


@login_required
@require_POST
def resource_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str) -> HttpResponse:
    resource = get_visible_or_404(Resource.objects.all(), request.user, uuid=uuid)
    if step not in RESOURCE_STEPS:
        raise Http404
    _do(request, RESOURCE_STEPS[step], resource=resource, note=request.POST.get("note", ""))
    return redirect("cooperation:resource-detail", uuid=uuid)
