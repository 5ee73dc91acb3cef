"""Pages of projects: the list, proposing a project from needs and resources, a project with
its participants, vote and ledger, and its steps from the vote to evaluation."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cogov.web.access import get_visible_or_404

from .. import actions, voting_bridge
from ..models import Body, CharityFund, Need, ParticipantRole, Project, ProjectStatus, Resource
from .common import _do, _my_orgs, _org


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
