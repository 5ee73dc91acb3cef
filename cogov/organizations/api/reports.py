"""双报到 endpoints: registrations of units and party members with their community, service
posts and their claims, service records and their confirmation, the employer's quarterly
service sheet, and members' yearly appraisal."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from ninja import Field, Schema

from cogov.territory.models import Level, Node
from cogov.web.actions import run_action

from .. import actions, selectors
from ..models import Organization, Report, ServicePost, ServiceRecord
from .common import _community, _member, _org, router


class ReportOut(Schema):
    uuid: uuid_lib.UUID
    kind: str
    community: uuid_lib.UUID
    who: str
    employer: str
    status: str
    confirmed_on: dt.date | None
    last_reported_on: dt.date | None


def _report_out(r: Report) -> dict[str, Any]:
    return {
        "uuid": r.uuid,
        "kind": r.kind,
        "community": r.community.uuid,
        "who": r.unit.name if r.unit else r.member.person.name if r.member else "",
        "employer": r.employer.name if r.employer else "",
        "status": r.status,
        "confirmed_on": r.confirmed_on,
        "last_reported_on": r.last_reported_on,
    }


@router.get("/reports", response=list[ReportOut], tags=["双报到"])
def report_list(
    request: HttpRequest, community: uuid_lib.UUID | None = None, status: str | None = None
) -> Any:
    """Registrations the caller may see (staff: their communities; members and units: their
    own), newest first, at most 500."""
    qs = Report.objects.visible_to(request.user).select_related(
        "community", "unit", "member__person", "employer"
    )
    if community is not None:
        qs = qs.filter(community__uuid=community)
    if status:
        qs = qs.filter(status=status)
    return [_report_out(r) for r in qs[:500]]


class ReportIn(Schema):
    community: uuid_lib.UUID
    unit: uuid_lib.UUID | None = None
    member: uuid_lib.UUID | None = None
    note: str = ""


@router.post("/reports", tags=["双报到"])
def report_create(request: HttpRequest, payload: ReportIn) -> Any:
    """Register a unit (`unit`) or an in-service member (`member`) with a community."""
    community = Node.objects.filter(uuid=payload.community, level=Level.COMMUNITY).first()
    if community is None:
        raise Http404("not found")
    out = lambda r: _report_out(r)  # noqa: E731
    if payload.unit is not None:
        return run_action(
            actions.register_unit,
            out,
            actor=request.user,
            unit=_org(request, payload.unit),
            community=community,
            note=payload.note,
        )
    if payload.member is not None:
        return run_action(
            actions.register_member,
            out,
            actor=request.user,
            member=_member(request, payload.member),
            community=community,
            note=payload.note,
        )
    return JsonResponse({"detail": "name a unit or a member", "field": "unit"}, status=400)


class NoteIn(Schema):
    action: str = Field(description="confirm, reject, re_report or end")
    note: str = ""


@router.post("/reports/{uuid:uuid}", tags=["双报到"])
def report_act(request: HttpRequest, uuid: uuid_lib.UUID, payload: NoteIn) -> Any:
    report = (
        Report.objects.visible_to(request.user)
        .select_related("community", "unit", "member__person", "employer")
        .filter(uuid=uuid)
        .first()
    )
    if report is None:
        raise Http404("not found")
    funcs: dict[str, Callable[..., Any]] = {
        "confirm": actions.confirm_report,
        "reject": actions.reject_report,
        "re_report": actions.re_report,
        "end": actions.end_report,
    }
    func = funcs.get(payload.action)
    if func is None:
        return JsonResponse({"detail": "unknown action", "field": "action"}, status=400)
    return run_action(func, _report_out, actor=request.user, report=report, note=payload.note)


class PostOut(Schema):
    uuid: uuid_lib.UUID
    community: uuid_lib.UUID
    category: str
    title: str
    capacity: int
    claimed: int
    open: bool


def _post_out(p: ServicePost) -> dict[str, Any]:
    return {
        "uuid": p.uuid,
        "community": p.community.uuid,
        "category": p.category,
        "title": p.title,
        "capacity": p.capacity,
        "claimed": p.claimed,
        "open": p.open,
    }


@router.get("/posts", response=list[PostOut], tags=["双报到"])
def post_list(request: HttpRequest, community: uuid_lib.UUID | None = None) -> Any:
    qs = ServicePost.objects.visible_to(request.user).select_related("community")
    if community is not None:
        qs = qs.filter(community__uuid=community)
    return [_post_out(p) for p in qs[:500]]


class PostIn(Schema):
    community: uuid_lib.UUID
    category: str
    title: str
    capacity: int
    description: str = ""


@router.post("/posts", tags=["双报到"])
def post_create(request: HttpRequest, payload: PostIn) -> Any:
    return run_action(
        actions.publish_post,
        _post_out,
        actor=request.user,
        community=_community(request, payload.community),
        category=payload.category,
        title=payload.title,
        capacity=payload.capacity,
        description=payload.description,
    )


class ClaimIn(Schema):
    member: uuid_lib.UUID


@router.post("/posts/{uuid:uuid}/claim", tags=["双报到"])
def post_claim(request: HttpRequest, uuid: uuid_lib.UUID, payload: ClaimIn) -> Any:
    """Claim a place; 400 when the post is full (capacity is enforced under concurrency)."""
    post = (
        ServicePost.objects.visible_to(request.user)
        .select_related("community")
        .filter(uuid=uuid)
        .first()
    )
    if post is None:
        raise Http404("not found")
    return run_action(
        actions.claim_post,
        lambda c: _post_out(c.post),
        actor=request.user,
        post=post,
        member=_member(request, payload.member),
    )


class RecordIn(Schema):
    member: uuid_lib.UUID
    community: uuid_lib.UUID
    served_on: dt.date
    hours: Decimal
    description: str
    post: uuid_lib.UUID | None = None


@router.post("/service-records", tags=["双报到"])
def record_create(request: HttpRequest, payload: RecordIn) -> Any:
    community = Node.objects.filter(uuid=payload.community, level=Level.COMMUNITY).first()
    if community is None:
        raise Http404("not found")
    post = None
    if payload.post is not None:
        post = ServicePost.objects.visible_to(request.user).filter(uuid=payload.post).first()
        if post is None:
            raise Http404("not found")
    return run_action(
        actions.log_service,
        lambda r: {"uuid": str(r.uuid), "status": r.status},
        actor=request.user,
        member=_member(request, payload.member),
        community=community,
        served_on=payload.served_on,
        hours=payload.hours,
        description=payload.description,
        post=post,
    )


class ConfirmIn(Schema):
    confirm: bool = True
    note: str = ""


@router.post("/service-records/{uuid:uuid}/confirm", tags=["双报到"])
def record_confirm(request: HttpRequest, uuid: uuid_lib.UUID, payload: ConfirmIn) -> Any:
    rec = (
        ServiceRecord.objects.visible_to(request.user)
        .select_related("community")
        .filter(uuid=uuid)
        .first()
    )
    if rec is None:
        raise Http404("not found")
    return run_action(
        actions.confirm_service,
        lambda r: {"uuid": str(r.uuid), "status": r.status},
        actor=request.user,
        record_=rec,
        confirm=payload.confirm,
        note=payload.note,
    )


class SheetRowOut(Schema):
    member: uuid_lib.UUID
    name: str
    branch: str
    community: str
    services: int
    hours: Decimal


class SheetOut(Schema):
    employer: uuid_lib.UUID
    year: int
    quarter: int
    start: dt.date
    end: dt.date
    total: Decimal
    rows: list[SheetRowOut]


def sheet_for(request: HttpRequest, employer: Organization) -> None:
    if not request.user.has_perm("organizations.act_for_unit", employer):
        raise Http404("not found")


@router.get("/sheets/{uuid:uuid}", response=SheetOut, tags=["双报到"])
def sheet(request: HttpRequest, uuid: uuid_lib.UUID, year: int, quarter: int) -> Any:
    """The quarterly service sheet for an employer's party organization: its members' confirmed
    hours in the quarter (by the employer recorded at the time of service)."""
    employer = _org(request, uuid)
    sheet_for(request, employer)
    if not 1 <= quarter <= 4:
        return JsonResponse({"detail": "quarter is 1 to 4", "field": "quarter"}, status=400)
    s = selectors.quarter_sheet(employer, year, quarter)
    return {
        "employer": employer.uuid,
        "year": year,
        "quarter": quarter,
        "start": s.start,
        "end": s.last_day,
        "total": s.total,
        "rows": [
            {
                "member": r.member_uuid,
                "name": r.name,
                "branch": r.branch,
                "community": r.community,
                "services": r.services,
                "hours": r.hours,
            }
            for r in s.rows
        ],
    }


class AppraisalIn(Schema):
    member: uuid_lib.UUID
    community: uuid_lib.UUID
    year: int
    grade: str
    note: str = ""


@router.post("/appraisals", tags=["双报到"])
def appraisal_create(request: HttpRequest, payload: AppraisalIn) -> Any:
    """Rate a member for a year. 400 with field "grade" when the member has not reported and
    the grade needs a report (合格 and above by default)."""
    return run_action(
        actions.appraise_member,
        lambda a: {"uuid": str(a.uuid), "grade": a.grade},
        actor=request.user,
        member=_member(request, payload.member),
        community=_community(request, payload.community),
        year=payload.year,
        grade=payload.grade,
        note=payload.note,
    )
