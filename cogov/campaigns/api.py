"""REST endpoints under /api/campaigns/: campaigns (create, list, detail, transitions,
call-up, assignment), assignments (mine or visible, reassign), visits (POST with a client
key: 201 first time, 200 when the same key and payload come again, 409 for the same key with
a different payload), progress by grid, community or street, findings and their hand-off.

Every lookup goes through visible_to(user): an invisible campaign or household answers 404.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from cogov.core.errors import ActionError, NotAllowed
from cogov.web.access import get_visible_or_404

from . import actions, selectors
from .models import Campaign, CampaignHousehold, Finding, Outcome

router = Router(tags=["campaigns"])


def _run(func: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return func(**kwargs)
    except actions.VisitConflict as exc:
        raise _Answer(
            409,
            {"detail": exc.message, "code": exc.code, "visit": str(exc.visit.uuid)},
        ) from None
    except NotAllowed as exc:
        raise _Answer(403, {"detail": exc.message, "code": exc.code}) from None
    except ActionError as exc:
        raise _Answer(400, {"detail": exc.message, "field": exc.field, "code": exc.code}) from None


class _Answer(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status, self.body = status, body


def _answering(view: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except _Answer as exc:
            return JsonResponse(exc.body, status=exc.status)

    return wrapper


def _campaign(request: HttpRequest, uuid: uuid_lib.UUID) -> Campaign:
    return get_visible_or_404(Campaign.objects.select_related("node"), request.user, uuid=uuid)


def _campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "uuid": str(c.uuid),
        "kind": c.kind,
        "title": c.title,
        "status": c.status,
        "node": str(c.node.uuid),
        "areas": [str(a.uuid) for a in c.areas.all()],
        "checklist": c.checklist,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "visit_due_at": c.visit_due_at,
    }


class CampaignIn(Schema):
    kind: str
    title: str
    areas: list[uuid_lib.UUID]
    starts_at: dt.datetime
    ends_at: dt.datetime
    checklist: list[dict[str, Any]] | None = None
    description: str = ""


class TransitionIn(Schema):
    to: str
    note: str = ""


class ReassignIn(Schema):
    households: list[uuid_lib.UUID]
    to: uuid_lib.UUID
    note: str = ""


class VisitIn(Schema):
    household: uuid_lib.UUID
    client_key: uuid_lib.UUID
    outcome: str = Outcome.COMPLETED
    answers: dict[str, Any] = {}
    note: str = ""
    client_time: dt.datetime | None = None


class HandOffIn(Schema):
    target: str = "case"
    category: str = ""


@router.get("/campaigns")
def list_campaigns(request: HttpRequest, status: str | None = None) -> Any:
    qs = Campaign.objects.visible_to(request.user).select_related("node").prefetch_related("areas")
    if status:
        qs = qs.filter(status=status)
    return [_campaign_out(c) for c in qs[:200]]


@router.post("/campaigns", response={201: dict})
@_answering
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Any:
    from cogov.territory.models import Node

    areas = list(Node.objects.visible_to(request.user).filter(uuid__in=payload.areas))
    if len(areas) != len(set(payload.areas)):
        raise HttpError(400, "areas: no such node")
    campaign = _run(
        actions.create_campaign,
        actor=request.user,
        kind=payload.kind,
        title=payload.title,
        areas=areas,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        checklist_fields=payload.checklist,
        description=payload.description,
    )
    return Status(201, _campaign_out(campaign))


@router.get("/campaigns/{uuid:uuid}")
def campaign_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _campaign_out(_campaign(request, uuid))


@router.post("/campaigns/{uuid:uuid}/transition")
@_answering
def move_campaign(request: HttpRequest, uuid: uuid_lib.UUID, payload: TransitionIn) -> Any:
    campaign = _campaign(request, uuid)
    func = {"active": actions.activate_campaign, "closed": actions.close_campaign}.get(payload.to)
    if func is None:
        raise HttpError(400, "to: active or closed")
    _run(func, actor=request.user, campaign=campaign, note=payload.note)
    return _campaign_out(campaign)


@router.post("/campaigns/{uuid:uuid}/call-up")
@_answering
def call_up(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    created = _run(actions.call_up_pools, actor=request.user, campaign=_campaign(request, uuid))
    return {"called_up": len(created)}


@router.post("/campaigns/{uuid:uuid}/assign")
@_answering
def assign(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    outcome = _run(actions.assign_households, actor=request.user, campaign=_campaign(request, uuid))
    return {
        "created": outcome.created,
        "assigned": outcome.assigned,
        "unassigned": outcome.unassigned,
    }


def _entry_out(e: CampaignHousehold) -> dict[str, Any]:
    return {
        "household": str(e.household.uuid),
        "door": e.household.door,
        "building": e.building.name,
        "grid": e.grid.code,
        "assignee": str(e.assignee.uuid) if e.assignee else None,
        "visited_at": e.visited_at,
    }


@router.get("/campaigns/{uuid:uuid}/assignments")
def assignments(
    request: HttpRequest, uuid: uuid_lib.UUID, mine: bool = False, after: int = 0, limit: int = 200
) -> Any:
    """Keyset pages of the visible households of the campaign (`mine`: assigned to me),
    pending first is the phone page's order; here the order is stable by id for paging."""
    campaign = _campaign(request, uuid)
    qs = CampaignHousehold.objects.visible_to(request.user).filter(campaign=campaign, pk__gt=after)
    if mine:
        qs = qs.filter(assignee=request.user)
    rows = list(
        qs.select_related("household", "building", "grid", "assignee").order_by("pk")[
            : min(limit, 1000)
        ]
    )
    return {"results": [_entry_out(e) for e in rows], "next": rows[-1].pk if rows else None}


@router.post("/campaigns/{uuid:uuid}/reassign")
@_answering
def reassign(request: HttpRequest, uuid: uuid_lib.UUID, payload: ReassignIn) -> Any:
    from django.contrib.auth import get_user_model

    campaign = _campaign(request, uuid)
    entries = list(
        CampaignHousehold.objects.visible_to(request.user).filter(
            campaign=campaign, household__uuid__in=payload.households
        )
    )
    if len(entries) != len(set(payload.households)):
        raise HttpError(404, "households: not found")
    to = get_user_model().objects.filter(uuid=payload.to).first()
    if to is None:
        raise HttpError(400, "to: no such person")
    moved = _run(
        actions.reassign_households,
        actor=request.user,
        campaign=campaign,
        entries=entries,
        to=to,
        note=payload.note,
    )
    return {"moved": moved}


@router.post("/campaigns/{uuid:uuid}/visits", response={200: dict, 201: dict})
@_answering
def post_visit(request: HttpRequest, uuid: uuid_lib.UUID, payload: VisitIn) -> Any:
    campaign = _campaign(request, uuid)
    entry = get_visible_or_404(
        CampaignHousehold.objects.select_related("campaign__node"),
        request.user,
        campaign=campaign,
        household__uuid=payload.household,
    )
    visit, created = _run(
        actions.record_visit,
        actor=request.user,
        entry=entry,
        client_key=payload.client_key,
        outcome=payload.outcome,
        answers=payload.answers,
        note=payload.note,
        client_time=payload.client_time,
    )
    body = {
        "visit": str(visit.uuid),
        "client_key": str(visit.client_key),
        "first": CampaignHousehold.objects.filter(pk=entry.pk, first_visit=visit).exists(),
        "server_time": visit.server_time,
    }
    return Status(201 if created else 200, body)


@router.get("/campaigns/{uuid:uuid}/progress")
def progress(request: HttpRequest, uuid: uuid_lib.UUID, level: str = "grid") -> Any:
    if level not in selectors.LEVEL_FIELD:
        raise HttpError(400, "level: grid, community or street")
    campaign = _campaign(request, uuid)
    rows = selectors.progress(campaign, CampaignHousehold.objects.visible_to(request.user), level)
    return {
        "level": level,
        "totals": selectors.totals(rows),
        "rows": [
            {
                "node": str(r.uuid),
                "code": r.code,
                "name": r.name,
                "total": r.total,
                "visited": r.visited,
                "pending": r.pending,
                "overdue": r.overdue,
            }
            for r in rows
        ],
    }


@router.get("/campaigns/{uuid:uuid}/findings")
def findings(request: HttpRequest, uuid: uuid_lib.UUID, kind: str | None = None) -> Any:
    campaign = _campaign(request, uuid)
    qs = (
        Finding.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("entry__household")
    )
    if kind:
        qs = qs.filter(kind=kind)
    return [
        {
            "uuid": str(f.uuid),
            "kind": f.kind,
            "field": f.field,
            "label": f.label,
            "detail": f.detail,
            "household": str(f.entry.household.uuid),
            "handoff_target": f.handoff_target or None,
            "handoff_ref": f.handoff_ref or None,
        }
        for f in qs[:1000]
    ]


@router.post("/findings/{uuid:uuid}/hand-off")
@_answering
def hand_off(request: HttpRequest, uuid: uuid_lib.UUID, payload: HandOffIn) -> Any:
    finding = get_visible_or_404(
        Finding.objects.select_related("campaign", "entry__household__building"),
        request.user,
        uuid=uuid,
    )
    options = {"category": payload.category} if payload.category else {}
    _run(
        actions.hand_off_finding,
        actor=request.user,
        finding=finding,
        target=payload.target,
        **options,
    )
    return {"target": finding.handoff_target, "ref": finding.handoff_ref}
