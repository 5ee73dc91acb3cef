"""Whistles (吹哨报到) and the department scorecard."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Status
from ninja.errors import HttpError

from cogov.core.metrics import Period
from cogov.organizations.models import Organization
from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from .. import actions
from ..metrics import department_scorecard
from ..models import Whistle, WhistleReport
from ..policy_kinds import Span
from .common import _case, _org, _org_ref, router
from .schemas import NoteIn, RatingIn, ScorecardOut, WhistleIn, WhistleOut


def _whistle_out(whistle: Whistle) -> dict[str, Any]:
    return {
        "uuid": whistle.uuid,
        "category": whistle.category,
        "subject": whistle.subject,
        "street": whistle.street.code,
        "case": whistle.case.number if whistle.case else None,
        "status": whistle.status,
        "blown_at": whistle.blown_at,
        "report_due_at": whistle.report_due_at,
        "reports": [
            {
                "department": _org_ref(r.department),
                "is_lead": r.is_lead,
                "due_at": r.due_at,
                "reported_at": r.reported_at,
                "no_show": r.no_show,
            }
            for r in whistle.reports.all()
        ],
    }


def _whistles() -> Any:
    return Whistle.objects.select_related("street", "case").prefetch_related("reports__department")


def _whistle(request: HttpRequest, uuid: uuid_lib.UUID) -> Whistle:
    return get_visible_or_404(_whistles(), request.user, uuid=uuid)


@router.post("/whistles", response={201: WhistleOut})
def create_whistle(request: HttpRequest, payload: WhistleIn) -> Any:
    from cogov.territory.models import Node

    street = Node.objects.visible_to(request.user).filter(uuid=payload.street).first()
    if street is None:
        raise HttpError(404, "no such street")
    case = _case(request, payload.case) if payload.case else None
    within = (
        Span.model_validate({"minutes": payload.report_within_minutes})
        if payload.report_within_minutes
        else None
    )
    result = run_action(
        actions.blow_whistle,
        actor=request.user,
        street=street,
        category=payload.category,
        subject=payload.subject,
        lead_department=_org(payload.lead_department, "lead_department"),
        invited=[_org(u, "invited") for u in payload.invited],
        case=case,
        report_within=within,
    )
    if isinstance(result, HttpResponse):
        return result
    return Status(201, _whistle_out(_whistles().get(pk=result.pk)))


@router.get("/whistles", response=list[WhistleOut])
def list_whistles(
    request: HttpRequest, cursor: int | None = None, limit: int = Query(50, ge=1, le=200)
) -> Any:  # type: ignore[type-arg]
    qs = _whistles().visible_to(request.user).order_by("-pk")
    if cursor:
        qs = qs.filter(pk__lt=cursor)
    return [_whistle_out(w) for w in qs[:limit]]


@router.get("/whistles/{uuid}", response=WhistleOut)
def whistle_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _whistle_out(_whistle(request, uuid))


@router.post("/whistles/{uuid}/report", response=WhistleOut)
def whistle_report(
    request: HttpRequest,
    uuid: uuid_lib.UUID,
    payload: NoteIn,
    department: uuid_lib.UUID | None = None,
) -> Any:
    """The caller's department reports (报到); `department` chooses when the caller has several."""
    whistle = _whistle(request, uuid)
    reports = WhistleReport.objects.filter(whistle=whistle).select_related("department")
    if department:
        reports = reports.filter(department__uuid=department)
    mine = [r for r in reports if request.user.has_perm("cases.report_to_whistle", r)]
    if not mine:
        return JsonResponse({"detail": "not allowed", "code": "forbidden"}, status=403)
    result = run_action(
        actions.department_report, actor=request.user, report=mine[0], note=payload.note
    )
    return result if isinstance(result, HttpResponse) else _whistle_out(_whistle(request, uuid))


@router.post("/whistles/{uuid}/no-shows", response=WhistleOut)
def whistle_no_shows(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    whistle = _whistle(request, uuid)
    result = run_action(actions.record_no_shows, actor=request.user, whistle=whistle)
    return result if isinstance(result, HttpResponse) else _whistle_out(_whistle(request, uuid))


@router.post("/whistles/{uuid}/ratings", response=WhistleOut)
def whistle_rate(request: HttpRequest, uuid: uuid_lib.UUID, payload: RatingIn) -> Any:
    whistle = _whistle(request, uuid)
    data = payload.dict(exclude={"department"})
    result = run_action(
        actions.rate_department,
        actor=request.user,
        whistle=whistle,
        department=_org(payload.department, "department"),
        **data,
    )
    return result if isinstance(result, HttpResponse) else _whistle_out(_whistle(request, uuid))


@router.get("/departments/{uuid}/scorecard", response=ScorecardOut)
def scorecard(request: HttpRequest, uuid: uuid_lib.UUID, period: str) -> Any:
    """A department's whistle record (punctuality, no-shows, street ratings) for YYYY or YYYY-MM."""
    org = get_visible_or_404(Organization.objects.all(), request.user, uuid=uuid)
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    card = department_scorecard(org, parsed)
    return {"department": _org_ref(org), "period": str(parsed), **card.__dict__}
