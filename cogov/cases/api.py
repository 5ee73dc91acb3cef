"""REST endpoints under /api/cases/: categories, cases (create, list, detail with timeline, one
endpoint per action) and whistles. Every lookup goes through visible_to(user): an invisible case
answers 404 like a missing one; an action the caller may not take answers 403, bad input 400
with {"detail", "field", "code"}.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.metrics import Period
from cogov.organizations.models import Organization
from cogov.web.access import get_visible_or_404

from . import actions
from .models import Case, Category, Whistle, WhistleReport
from .policy_kinds import Span
from .whistles import department_scorecard

router = Router(tags=["cases"])


# --- schemas ---------------------------------------------------------------------------------


class CategoryOut(Schema):
    uuid: uuid_lib.UUID
    code: str
    name: str
    parent: str | None
    urgency: str
    default_org_kind: str


class OrgRef(Schema):
    uuid: uuid_lib.UUID
    name: str
    kind: str


class CaseOut(Schema):
    uuid: uuid_lib.UUID
    number: str
    status: str
    channel: str
    work_type: str
    urgency: str
    category: str
    category_name: str
    description: str
    address: str
    lon: float | None
    lat: float | None
    grid: str | None
    community: str | None
    lead_organization: OrgRef | None
    reported_at: dt.datetime
    reply_due_at: dt.datetime | None
    overdue: bool
    supervised: bool


class EventOut(Schema):
    at: dt.datetime
    kind: str
    from_status: str
    to_status: str
    actor: str | None
    organization: str | None
    note: str
    evidence: dict[str, Any]


class AttachmentOut(Schema):
    uuid: uuid_lib.UUID
    stage: str
    url: str


class CaseDetailOut(CaseOut):
    caller_name: str
    caller_phone: str  # masked
    anonymous: bool
    reply: str
    co_handlers: list[OrgRef]
    duplicate_of: str | None
    revisit_resolution: str
    revisit_satisfaction: str
    hung_until: dt.date | None
    timeline: list[EventOut]
    attachments: list[AttachmentOut]


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: int | None


class CaseIn(Schema):
    category: str  # code
    description: str
    lon: float | None = None
    lat: float | None = None
    building: uuid_lib.UUID | None = None
    address: str = ""
    work_type: str = "request"
    urgency: str | None = None
    channel: str | None = None
    caller_name: str = ""
    caller_phone: str = ""
    anonymous: bool = False


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class VerifyIn(Schema):
    note: str = ""
    category: str | None = None
    urgency: str | None = None


class DispatchIn(Schema):
    lead: uuid_lib.UUID | None = None
    co_handlers: list[uuid_lib.UUID] = []
    note: str = ""


class PostponeIn(Schema):
    days: int
    reason: str


class DecideIn(Schema):
    approve: bool
    note: str = ""


class HangIn(Schema):
    until: dt.date
    reason: str


class ReplyIn(Schema):
    reply: str


class CheckIn(Schema):
    passed: bool
    note: str = ""


class RevisitIn(Schema):
    resolution: str
    satisfaction: str
    note: str = ""


class AnswerIn(Schema):
    answer: str


class MergeIn(Schema):
    into: uuid_lib.UUID
    note: str = ""


class WhistleIn(Schema):
    street: uuid_lib.UUID
    category: str
    subject: str = ""
    lead_department: uuid_lib.UUID
    invited: list[uuid_lib.UUID] = []
    case: uuid_lib.UUID | None = None
    report_within_minutes: int | None = None


class WhistleReportOut(Schema):
    department: OrgRef
    is_lead: bool
    due_at: dt.datetime
    reported_at: dt.datetime | None
    no_show: bool


class WhistleOut(Schema):
    uuid: uuid_lib.UUID
    category: str
    subject: str
    street: str
    case: str | None
    status: str
    blown_at: dt.datetime
    report_due_at: dt.datetime
    reports: list[WhistleReportOut]


class RatingIn(Schema):
    department: uuid_lib.UUID
    response_speed: int
    cooperation: int
    implementation: int
    note: str = ""


class ScorecardOut(Schema):
    department: OrgRef
    period: str
    called: int
    on_time: int
    late: int
    no_shows: int
    punctuality: Decimal | None
    average_rating: Decimal | None


# --- helpers ---------------------------------------------------------------------------------


def _run(func: Callable[..., Any], **kwargs: Any) -> Any:
    """Call an action; turn its refusals into 403 / 400 answers."""
    try:
        return func(**kwargs)
    except NotAllowed as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=403)
    except ActionError as exc:
        return JsonResponse(
            {"detail": exc.message, "field": exc.field, "code": exc.code}, status=400
        )


def _case(request: HttpRequest, uuid: uuid_lib.UUID) -> Case:
    qs = Case.objects.select_related(
        "category__parent", "grid", "community", "street", "lead_organization", "reporter_person"
    )
    return get_visible_or_404(qs, request.user, uuid=uuid)


def _org(uuid: uuid_lib.UUID | None, field: str) -> Organization:
    org = Organization.objects.filter(uuid=uuid).first() if uuid else None
    if org is None:
        raise HttpError(400, f"{field}: no such organization")
    return org


def _category(code: str, field: str = "category") -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise HttpError(400, f"{field}: no such category")
    return category


def _org_ref(org: Organization | None) -> dict[str, Any] | None:
    return None if org is None else {"uuid": org.uuid, "name": org.name, "kind": org.kind}


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "uuid": case.uuid,
        "number": case.number,
        "status": case.status,
        "channel": case.channel,
        "work_type": case.work_type,
        "urgency": case.urgency,
        "category": case.category.code,
        "category_name": case.category.name,
        "description": case.description,
        "address": case.address,
        "lon": case.lon,
        "lat": case.lat,
        "grid": case.grid.code if case.grid else None,
        "community": case.community.code if case.community else None,
        "lead_organization": _org_ref(case.lead_organization),
        "reported_at": case.reported_at,
        "reply_due_at": case.reply_due_at,
        "overdue": case.overdue,
        "supervised": case.supervised,
    }


def _detail(case: Case) -> Any:
    case = Case.objects.select_related(
        "category", "grid", "community", "lead_organization", "duplicate_of"
    ).get(pk=case.pk)
    events = case.events.select_related("actor", "organization").order_by("at", "pk")
    return {
        **_case_out(case),
        "caller_name": case.caller_name,
        "caller_phone": case.masked_caller_phone,
        "anonymous": case.anonymous,
        "reply": case.reply,
        "co_handlers": [_org_ref(o) for o in case.co_handlers.all()],
        "duplicate_of": case.duplicate_of.number if case.duplicate_of else None,
        "revisit_resolution": case.revisit_resolution,
        "revisit_satisfaction": case.revisit_satisfaction,
        "hung_until": case.hung_until,
        "timeline": [
            {
                "at": e.at,
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": str(e.actor) if e.actor else None,
                "organization": e.organization.name if e.organization else None,
                "note": e.note,
                "evidence": e.evidence,
            }
            for e in events
        ],
        "attachments": [
            {"uuid": a.uuid, "stage": a.stage, "url": a.file.url} for a in case.attachments.all()
        ],
    }


def _respond(result: Any) -> Any:
    return result if isinstance(result, HttpResponse) else _detail(result)


# --- categories and cases --------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut])
def list_categories(request: HttpRequest) -> Any:
    return [
        {
            "uuid": c.uuid,
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent else None,
            "urgency": c.urgency,
            "default_org_kind": c.default_org_kind,
        }
        for c in Category.objects.filter(active=True).select_related("parent")
    ]


@router.post("/cases", response={201: CaseDetailOut})
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    from cogov.territory.models import Building

    building = None
    if payload.building:
        building = Building.objects.visible_to(request.user).filter(uuid=payload.building).first()
        if building is None:
            raise HttpError(400, "building: no such building")
    data = payload.dict(exclude={"category", "building"})
    result = _run(
        actions.report_case,
        actor=request.user,
        category=_category(payload.category),
        building=building,
        **data,
    )
    return result if isinstance(result, HttpResponse) else Status(201, _detail(result))


@router.get("/cases", response=CasePage)
def list_cases(
    request: HttpRequest,
    status: str | None = None,
    category: str | None = None,
    node: uuid_lib.UUID | None = None,
    open: bool = False,
    queue: bool = False,
    cursor: int | None = None,
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
) -> Any:
    """Newest first, keyset-paginated: pass `next_cursor` back as `cursor`."""
    qs = Case.objects.visible_to(request.user).for_list()
    if queue:
        qs = qs.queue_for(request.user)
    if open:
        qs = qs.open()
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code__startswith=category)
    if node:
        from cogov.territory.models import Node

        region = Node.objects.visible_to(request.user).filter(uuid=node).first()
        if region is None:
            raise HttpError(404, "no such node")
        qs = qs.in_region(region)
    if cursor:
        qs = qs.filter(pk__lt=cursor)
    rows = list(qs.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_case_out(c) for c in rows], "next_cursor": rows[-1].pk if more else None}


@router.get("/cases/{uuid}", response=CaseDetailOut)
def case_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _detail(_case(request, uuid))


@router.get("/cases/{uuid}/duplicates", response=list[CaseOut])
def case_duplicates(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    case = _case(request, uuid)
    found = actions.find_likely_duplicates(case)
    ids = set(
        Case.objects.visible_to(request.user)
        .filter(pk__in=[c.pk for c in found])
        .values_list("pk", flat=True)
    )
    return [_case_out(c) for c in found if c.pk in ids]


def _simple(path: str, func: Callable[..., Any], schema: type[Schema]) -> None:
    """POST /cases/{uuid}/<path>: run one action with the body's fields."""

    def endpoint(request: HttpRequest, uuid: uuid_lib.UUID, payload: Any) -> Any:
        return _respond(_run(func, actor=request.user, case=_case(request, uuid), **payload.dict()))

    # The body schema is set here, not as a forward reference ninja could not resolve.
    endpoint.__annotations__["payload"] = schema
    endpoint.__name__ = f"case_{path.replace('-', '_')}"
    router.post(f"/cases/{{uuid}}/{path}", response=CaseDetailOut, url_name=f"case-{path}")(
        endpoint
    )


_simple("file", actions.file_case, NoteIn)
_simple("sign", actions.sign_case, NoteIn)
_simple("return", actions.return_case, ReasonIn)
_simple("void", actions.void_case, ReasonIn)
_simple("contact", actions.contact_requester, NoteIn)
_simple("request-postponement", actions.request_postponement, PostponeIn)
_simple("decide-postponement", actions.decide_postponement, DecideIn)
_simple("hang", actions.hang_case, HangIn)
_simple("resume", actions.resume_case, NoteIn)
_simple("reply", actions.reply_case, ReplyIn)
_simple("check", actions.check_case, CheckIn)
_simple("revisit", actions.revisit_case, RevisitIn)
_simple("close", actions.close_case, NoteIn)
_simple("reopen", actions.reopen_case, ReasonIn)
_simple("answer", actions.answer_consultation, AnswerIn)
_simple("escalate", actions.escalate_to_street, ReasonIn)


@router.post("/cases/{uuid}/verify", response=CaseDetailOut)
def case_verify(request: HttpRequest, uuid: uuid_lib.UUID, payload: VerifyIn) -> Any:
    case = _case(request, uuid)
    category = _category(payload.category) if payload.category else None
    return _respond(
        _run(
            actions.verify_case,
            actor=request.user,
            case=case,
            note=payload.note,
            category=category,
            urgency=payload.urgency,
        )
    )


@router.post("/cases/{uuid}/dispatch", response=CaseDetailOut)
def case_dispatch(request: HttpRequest, uuid: uuid_lib.UUID, payload: DispatchIn) -> Any:
    case = _case(request, uuid)
    lead = _org(payload.lead, "lead") if payload.lead else None
    co = [_org(u, "co_handlers") for u in payload.co_handlers]
    return _respond(
        _run(
            actions.dispatch_case,
            actor=request.user,
            case=case,
            lead=lead,
            co_handlers=co,
            note=payload.note,
        )
    )


@router.post("/cases/{uuid}/merge", response=CaseDetailOut)
def case_merge(request: HttpRequest, uuid: uuid_lib.UUID, payload: MergeIn) -> Any:
    case = _case(request, uuid)
    into = _case(request, payload.into)
    return _respond(
        _run(actions.merge_duplicate, actor=request.user, case=case, into=into, note=payload.note)
    )


@router.post("/cases/{uuid}/handle-on-spot", response=CaseDetailOut)
def case_handle_on_spot(
    request: HttpRequest,
    uuid: uuid_lib.UUID,
    note: Form[str],  # type: ignore[type-arg]
    photos: File[list[UploadedFile]],
) -> Any:  # type: ignore[type-arg]
    case = _case(request, uuid)
    return _respond(
        _run(actions.handle_on_the_spot, actor=request.user, case=case, note=note, photos=photos)
    )


@router.post("/cases/{uuid}/attachments", response=CaseDetailOut)
def case_attach(
    request: HttpRequest,
    uuid: uuid_lib.UUID,
    stage: Form[str],  # type: ignore[type-arg]
    files: File[list[UploadedFile]],
) -> Any:  # type: ignore[type-arg]
    case = _case(request, uuid)
    result = _run(actions.attach_files, actor=request.user, case=case, stage=stage, files=files)
    return result if isinstance(result, HttpResponse) else _detail(case)


# --- whistles --------------------------------------------------------------------------------


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
    result = _run(
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
    result = _run(actions.department_report, actor=request.user, report=mine[0], note=payload.note)
    return result if isinstance(result, HttpResponse) else _whistle_out(_whistle(request, uuid))


@router.post("/whistles/{uuid}/no-shows", response=WhistleOut)
def whistle_no_shows(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    whistle = _whistle(request, uuid)
    result = _run(actions.record_no_shows, actor=request.user, whistle=whistle)
    return result if isinstance(result, HttpResponse) else _whistle_out(_whistle(request, uuid))


@router.post("/whistles/{uuid}/ratings", response=WhistleOut)
def whistle_rate(request: HttpRequest, uuid: uuid_lib.UUID, payload: RatingIn) -> Any:
    whistle = _whistle(request, uuid)
    data = payload.dict(exclude={"department"})
    result = _run(
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
