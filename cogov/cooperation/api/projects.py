"""Projects joining needs and resources: proposal, participants of the five societies, and the
steps from the vote to evaluation."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Schema

from cogov.web.access import get_visible_or_404

from .. import actions
from ..models import CharityFund, Need, Project, Resource, SocialWorkerCertification
from .common import _failed, _org, _ref, _run, pick_step, router


def project_out(p: Project) -> dict[str, Any]:
    from .. import voting_bridge

    return {
        "uuid": str(p.uuid),
        "title": p.title,
        "description": p.description,
        "status": p.status,
        "community": _ref(p.community),
        "body": p.body,
        "lead_organization": _ref(p.lead_organization),
        "vote": voting_bridge.summary(p) if p.vote_uuid else None,
        "outputs": p.outputs,
        "evidence": p.evidence,
        "rating": str(p.rating) if p.rating is not None else None,
        "needs": [str(link.need.uuid) for link in p.need_links.select_related("need")],
        "resources": [
            {"uuid": str(link.resource.uuid), "quantity": link.quantity}
            for link in p.resource_links.select_related("resource")
        ],
        "created_at": p.created_at,
        "approved_at": p.approved_at,
        "claimed_at": p.claimed_at,
        "delivered_at": p.delivered_at,
        "evaluated_at": p.evaluated_at,
    }


class ResourceUse(Schema):
    resource: uuid_lib.UUID
    quantity: int


class ProjectIn(Schema):
    title: str
    needs: list[uuid_lib.UUID]
    resources: list[ResourceUse]
    description: str = ""


@router.get("/projects")
def list_projects(request: HttpRequest, status: str = "") -> Any:
    qs = Project.objects.visible_to(request.user).for_list()
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "uuid": str(p.uuid),
            "title": p.title,
            "status": p.status,
            "community": _ref(p.community),
            "lead_organization": _ref(p.lead_organization),
            "rating": str(p.rating) if p.rating is not None else None,
        }
        for p in qs[:500]
    ]


@router.post("/projects")
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    needs = [get_visible_or_404(Need.objects.all(), request.user, uuid=u) for u in payload.needs]
    uses = [
        (get_visible_or_404(Resource.objects.all(), request.user, uuid=u.resource), u.quantity)
        for u in payload.resources
    ]
    result = _run(
        actions.propose_project,
        actor=request.user,
        title=payload.title,
        needs=needs,
        resources=uses,
        description=payload.description,
    )
    return result if _failed(result) else JsonResponse(project_out(result), status=201)


def _project(request: HttpRequest, uuid: uuid_lib.UUID) -> Project:
    return get_visible_or_404(Project.objects.for_list(), request.user, uuid=uuid)


@router.get("/projects/{uuid}")
def get_project(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return project_out(_project(request, uuid))


class ParticipantIn(Schema):
    role: str
    organization: uuid_lib.UUID | None = None
    certification: uuid_lib.UUID | None = None
    fund: uuid_lib.UUID | None = None
    hours: Decimal = Decimal(0)
    note: str = ""


@router.post("/projects/{uuid}/participants")
def add_participant(request: HttpRequest, uuid: uuid_lib.UUID, payload: ParticipantIn) -> Any:
    project = _project(request, uuid)
    cert = (
        SocialWorkerCertification.objects.filter(uuid=payload.certification).first()
        if payload.certification
        else None
    )
    fund = (
        get_visible_or_404(CharityFund.objects.all(), request.user, uuid=payload.fund)
        if payload.fund
        else None
    )
    result = _run(
        actions.add_participant,
        actor=request.user,
        project=project,
        role=payload.role,
        organization=_org(payload.organization, request.user),
        certification=cert,
        fund=fund,
        hours=payload.hours,
        note=payload.note,
    )
    return (
        result
        if _failed(result)
        else JsonResponse({"uuid": str(result.uuid), "role": result.role}, status=201)
    )


class StepIn(Schema):
    note: str = ""
    organization: uuid_lib.UUID | None = None
    body: str = "joint_committee"
    closes_at: dt.datetime | None = None
    choice: str = ""
    outputs: str = ""
    evidence: list[str] = []
    score: int | None = None
    comment: str = ""


@router.post("/projects/{uuid}/{step}")
def project_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str, payload: StepIn) -> Any:
    project = _project(request, uuid)
    user = request.user
    calls: dict[str, Callable[[], Any]] = {
        "vote": lambda: _run(
            actions.put_to_vote,
            actor=user,
            project=project,
            body=payload.body,
            organization=_org(payload.organization, user),
            closes_at=payload.closes_at,
        ),
        "ballot": lambda: _run(
            actions.cast_project_vote, actor=user, project=project, choice=payload.choice
        ),
        "decide": lambda: _run(
            actions.record_decision, actor=user, project=project, note=payload.note
        ),
        "claim": lambda: _run(
            actions.claim_project,
            actor=user,
            project=project,
            organization=_org(payload.organization, user),
            note=payload.note,
        ),
        "start": lambda: _run(
            actions.start_project, actor=user, project=project, note=payload.note
        ),
        "deliver": lambda: _run(
            actions.deliver_project,
            actor=user,
            project=project,
            outputs=payload.outputs,
            evidence=payload.evidence,
        ),
        "rate": lambda: _run(
            actions.rate_project,
            actor=user,
            project=project,
            score=payload.score or 0,
            comment=payload.comment,
        ),
        "evaluate": lambda: _run(
            actions.evaluate_project, actor=user, project=project, note=payload.note
        ),
        "archive": lambda: _run(
            actions.archive_project, actor=user, project=project, note=payload.note
        ),
        "cancel": lambda: _run(
            actions.cancel_project, actor=user, project=project, note=payload.note
        ),
    }
    result = pick_step(calls, step)()
    return result if _failed(result) else project_out(_project(request, uuid))
