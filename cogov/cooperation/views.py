"""Pages of co-construction: the three lists with their flows, matching suggestions with the
scores explained, micro-wishes, the five-society page, funds, and a unit's page. Thin views:
look up through visible_to (404 for forbidden and missing alike), call an action, redirect."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.core.errors import ActionError
from cogov.core.metrics import Period
from cogov.web.access import get_visible_or_404

from . import access, actions, matching, selectors, voting_bridge
from .metrics import unit_contribution
from .models import (
    Body,
    CharityFund,
    LedgerEntry,
    Need,
    NeedStatus,
    ParticipantRole,
    Project,
    ProjectStatus,
    Resource,
    ResourceKind,
    ServiceCategory,
    Wish,
)


def _do(request: HttpRequest, func: Callable[..., Any], **kwargs: Any) -> Any:
    """Run an action; its refusal becomes a message on the page."""
    try:
        return func(actor=request.user, **kwargs)
    except ActionError as exc:
        messages.error(request, exc.message)
        return None


def _communities(request: HttpRequest) -> Any:
    from cogov.territory.models import Node

    return Node.objects.visible_to(request.user).filter(level="community").order_by("code")


def _node(uuid: str | None) -> Any:
    from cogov.territory.models import Node

    return Node.objects.filter(uuid=uuid).first() if uuid else None


def _my_orgs(request: HttpRequest) -> Any:
    from cogov.organizations.models import Organization

    return Organization.objects.filter(pk__in=sorted(access.organization_ids(request.user)))


def _org(uuid: str | None) -> Any:
    from cogov.organizations.models import Organization

    return Organization.objects.filter(uuid=uuid).first() if uuid else None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    trends = []
    for community in _communities(request)[:20]:
        if user.has_perm("cooperation.triage_need", community):
            trends += [(community, t) for t in selectors.case_trends(community)]
    return render(
        request,
        "cooperation/index.html",
        {
            "needs": Need.objects.visible_to(user).open().for_list()[:10],
            "resources": Resource.objects.visible_to(user).usable().for_list()[:10],
            "projects": Project.objects.visible_to(user).for_list()[:10],
            "wishes": Wish.objects.visible_to(user).on_the_list().select_related("community")[:10],
            "trends": trends,
            "orgs": _my_orgs(request),
        },
    )


# --- needs ---------------------------------------------------------------------------------


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


# --- resources -----------------------------------------------------------------------------


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


# --- projects ------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    qs = Project.objects.visible_to(request.user).for_list()
    return render(request, "cooperation/projects.html", {"projects": qs[:200]})


@login_required
@require_POST
def project_new(request: HttpRequest) -> HttpResponse:
    """Propose a project from a need's page: the need and the resources ticked there."""
    need = get_visible_or_404(Need.objects.all(), request.user, uuid=request.POST.get("need"))
    uses = []
    for value in request.POST.getlist("resource"):
        resource = get_visible_or_404(Resource.objects.all(), request.user, uuid=value)
        qty = request.POST.get(f"quantity-{value}", "")
        uses.append((resource, int(qty) if qty.isdigit() else 0))
    project = _do(
        request,
        actions.propose_project,
        title=request.POST.get("title") or need.title,
        needs=[need],
        resources=uses,
        description=request.POST.get("description", ""),
    )
    if project is None:
        return redirect("cooperation:need-detail", uuid=need.uuid)
    return redirect("cooperation:project-detail", uuid=project.uuid)


@login_required
def project_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    project = get_visible_or_404(Project.objects.for_list(), request.user, uuid=uuid)
    user = request.user
    from cogov.organizations.models import Organization

    return render(
        request,
        "cooperation/project.html",
        {
            "project": project,
            "needs": [link.need for link in project.need_links.select_related("need")],
            "uses": project.resource_links.select_related("resource__organization"),
            "events": project.events.select_related("actor", "organization"),
            "vote": voting_bridge.summary(project) if project.vote_uuid else None,
            "participants": project.participants.select_related(
                "organization", "certification__person", "fund"
            ),
            "decide": user.has_perm("cooperation.decide_project", project),
            "run": user.has_perm("cooperation.run_project", project),
            "can_claim": project.status == ProjectStatus.APPROVED
            and user.has_perm("cooperation.claim_project", project),
            "can_rate": project.status == ProjectStatus.DELIVERED
            and user.has_perm("cooperation.rate_project", project)
            and not project.ratings.filter(user=user).exists(),
            "ratings": project.ratings.count(),
            "bodies": Body.choices,
            "roles": ParticipantRole.choices,
            "orgs": _my_orgs(request),
            "committees": Organization.objects.visible_to(user).filter(
                kind__in=("party_committee", "residents_committee"),
                node__path__startswith=project.community.path,
            ),
            "linkage_orgs": Organization.objects.visible_to(user).filter(
                kind__in=("social_org", "volunteer_team", "co_construction_unit")
            ),
            "funds": CharityFund.objects.visible_to(user).filter(community=project.community),
        },
    )


@login_required
@require_POST
def project_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str) -> HttpResponse:
    project = get_visible_or_404(Project.objects.all(), request.user, uuid=uuid)
    p = request.POST
    note = p.get("note", "")
    calls: dict[str, Callable[[], Any]] = {
        "vote": lambda: _do(
            request,
            actions.put_to_vote,
            project=project,
            body=p.get("body", Body.JOINT_COMMITTEE),
            organization=_org(p.get("organization")),
        ),
        "ballot": lambda: _do(
            request, actions.cast_project_vote, project=project, choice=p.get("choice", "")
        ),
        "decide": lambda: _do(request, actions.record_decision, project=project, note=note),
        "claim": lambda: _do(
            request,
            actions.claim_project,
            project=project,
            organization=_org(p.get("organization")),
        ),
        "start": lambda: _do(request, actions.start_project, project=project, note=note),
        "deliver": lambda: _do(
            request,
            actions.deliver_project,
            project=project,
            outputs=p.get("outputs", ""),
            evidence=[e for e in p.get("evidence", "").splitlines() if e.strip()],
        ),
        "rate": lambda: _do(
            request,
            actions.rate_project,
            project=project,
            score=p.get("score", 0),
            comment=p.get("comment", ""),
        ),
        "evaluate": lambda: _do(request, actions.evaluate_project, project=project, note=note),
        "archive": lambda: _do(request, actions.archive_project, project=project, note=note),
        "cancel": lambda: _do(request, actions.cancel_project, project=project, note=note),
        "participant": lambda: _do(
            request,
            actions.add_participant,
            project=project,
            role=p.get("role", ""),
            organization=_org(p.get("organization")),
            fund=CharityFund.objects.visible_to(request.user)
            .filter(uuid=p.get("fund") or None)
            .first(),
            hours=p.get("hours") or 0,
            note=note,
        ),
    }
    if step not in calls:
        raise Http404
    calls[step]()
    return redirect("cooperation:project-detail", uuid=uuid)


# --- micro-wishes --------------------------------------------------------------------------


@login_required
def wish_list(request: HttpRequest) -> HttpResponse:
    visible = Wish.objects.visible_to(request.user).select_related("community")
    return render(
        request,
        "cooperation/wishes.html",
        {
            "available": visible.on_the_list()[:200],
            "mine": visible.filter(claimant=request.user).exclude(status="published")[:50],
            "pending": visible.filter(status__in=("submitted", "verified"))[:100],
        },
    )


@login_required
def wish_new(request: HttpRequest) -> HttpResponse:
    from cogov.people.models import Person

    people = Person.objects.visible_to(request.user).select_related("household__building")
    if request.method == "POST":
        person = get_visible_or_404(
            Person.objects.select_related("grid"),
            request.user,
            uuid=request.POST.get("beneficiary"),
        )
        wish = _do(
            request,
            actions.submit_wish,
            beneficiary=person,
            title=request.POST.get("title", ""),
            value=request.POST.get("value", ""),
            description=request.POST.get("description", ""),
        )
        if wish is not None:
            return redirect("cooperation:wish-detail", uuid=wish.uuid)
    return render(request, "cooperation/wish_form.html", {"people": people[:200]})


@login_required
def wish_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    wish = get_visible_or_404(
        Wish.objects.select_related("community", "beneficiary__household__building"),
        request.user,
        uuid=uuid,
    )
    user = request.user
    lock = (
        getattr(wish, "lock", None)
        if wish.status in ("published", "claimed", "fulfilled", "acknowledged")
        else None
    )
    now = timezone.now()
    return render(
        request,
        "cooperation/wish.html",
        {
            "wish": wish,
            "lock": lock,
            "identity": actions.beneficiary_identity(actor=user, wish=wish),
            "verify": user.has_perm("cooperation.verify_wish", wish),
            "can_claim": Wish.objects.filter(pk=wish.pk).on_the_list(now).exists()
            and user.has_perm("cooperation.claim_wish", wish),
            "holds": user.has_perm("cooperation.fulfil_wish", wish) and wish.status == "claimed",
            "can_acknowledge": wish.status == "fulfilled"
            and user.has_perm("cooperation.acknowledge_wish", wish),
            "events": wish.events.select_related("actor"),
            "orgs": _my_orgs(request),
        },
    )


WISH_STEPS = ("verify", "reject", "publish", "claim", "release", "fulfil", "acknowledge")


@login_required
@require_POST
def wish_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str) -> HttpResponse:
    wish = get_visible_or_404(
        Wish.objects.select_related("community", "beneficiary"), request.user, uuid=uuid
    )
    p = request.POST
    if step == "verify" or step == "reject":
        _do(
            request,
            actions.verify_wish,
            wish=wish,
            approved=step == "verify",
            visit_note=p.get("note", ""),
        )
    elif step == "publish":
        _do(request, actions.publish_wish, wish=wish, pseudonym=p.get("pseudonym", ""))
    elif step == "claim":
        _do(request, actions.claim_wish, wish=wish, organization=_org(p.get("organization")))
    elif step == "release":
        _do(request, actions.release_wish, wish=wish, note=p.get("note", ""))
    elif step == "fulfil":
        _do(
            request,
            actions.fulfil_wish,
            wish=wish,
            evidence=[e for e in p.get("evidence", "").splitlines()],
            note=p.get("note", ""),
        )
    elif step == "acknowledge":
        _do(request, actions.acknowledge_wish, wish=wish, note=p.get("note", ""))
    else:
        raise Http404
    return redirect("cooperation:wish-detail", uuid=uuid)


# --- five-society linkage, funds, units ----------------------------------------------------


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
