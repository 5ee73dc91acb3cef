"""API of the joint party committee and 双报到, under /api/organizations/.

Reads are scoped like the pages (404 for forbidden and missing alike); writes call the actions
and answer 403 (not allowed) or 400 (refused, with the field at fault).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Schema

from cogov.core.errors import ActionError, NotAllowed
from cogov.territory.models import Level, Node

from . import actions, selectors
from .api import router
from .models import (
    Agreement,
    AgreementReview,
    JointCommittee,
    Organization,
    Report,
    ServicePost,
    ServiceRecord,
)

# --- helpers ------------------------------------------------------------------------------


def _run(func: Callable[..., Any], out: Callable[[Any], Any], **kwargs: Any) -> Any:
    try:
        result = func(**kwargs)
    except NotAllowed as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=403)
    except ActionError as exc:
        return JsonResponse(
            {"detail": exc.message, "field": exc.field, "code": exc.code}, status=400
        )
    return out(result)


def _committee(request: HttpRequest, uuid: uuid_lib.UUID) -> JointCommittee:
    found = (
        JointCommittee.objects.visible_to(request.user)
        .select_related("organization__node")
        .filter(uuid=uuid)
        .first()
    )
    if found is None:
        raise Http404("not found")
    return found


def _org(request: HttpRequest, uuid: uuid_lib.UUID) -> Organization:
    found = Organization.objects.visible_to(request.user).filter(uuid=uuid).first()
    if found is None:
        raise Http404("not found")
    return found


def _community(request: HttpRequest, uuid: uuid_lib.UUID) -> Node:
    found = Node.objects.visible_to(request.user).filter(uuid=uuid, level=Level.COMMUNITY).first()
    if found is None:
        raise Http404("not found")
    return found


def _member(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    from cogov.people.models import PartyMember

    member = (
        PartyMember.objects.select_related("person", "employer", "branch").filter(uuid=uuid).first()
    )
    if member is None:
        raise Http404("not found")
    person = member.person
    if person.user_id == request.user.pk:
        return member
    from cogov.people.models import Person

    if not Person.objects.visible_to(request.user).filter(pk=person.pk).exists():
        raise Http404("not found")
    return member


def _ok(_: Any) -> dict[str, Any]:
    return {"ok": True}


# --- schemas ------------------------------------------------------------------------------


class SlotOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    unit: uuid_lib.UUID | None
    unit_name: str
    status: str
    plan: str
    locked: bool


class UnitOut(Schema):
    unit: uuid_lib.UUID
    name: str
    seats: int
    rotation_order: int
    in_rotation: bool
    joined_on: dt.date
    left_on: dt.date | None


class MemberOut(Schema):
    user: str
    unit: str
    full_time: bool
    title: str
    term: int
    started_on: dt.date


class CommitteeOut(Schema):
    uuid: uuid_lib.UUID
    organization: uuid_lib.UUID
    name: str
    community: uuid_lib.UUID
    units: list[UnitOut]
    members: list[MemberOut]
    rotation: list[SlotOut]


def _slot_out(month: selectors.CalendarMonth) -> dict[str, Any]:
    s = month.slot
    return {
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "unit": s.unit.uuid if s.unit else None,
        "unit_name": s.unit.name if s.unit else "",
        "status": s.status,
        "plan": s.plan,
        "locked": month.locked,
    }


@router.get("/committees/{uuid:uuid}", response=CommitteeOut, tags=["joint committee"])
def committee_detail(request: HttpRequest, uuid: uuid_lib.UUID, year: int | None = None) -> Any:
    """A joint party committee: member units, current members, the year's rotation calendar."""
    c = _committee(request, uuid)
    year = year or timezone.localdate().year
    return {
        "uuid": c.uuid,
        "organization": c.organization.uuid,
        "name": c.organization.name,
        "community": c.organization.node.uuid,
        "units": [
            {
                "unit": u.unit.uuid,
                "name": u.unit.name,
                "seats": u.seats,
                "rotation_order": u.rotation_order,
                "in_rotation": u.in_rotation,
                "joined_on": u.joined_on,
                "left_on": u.left_on,
            }
            for u in c.units.select_related("unit")
        ],
        "members": [
            {
                "user": str(m.user),
                "unit": m.unit.name if m.unit else "",
                "full_time": m.full_time,
                "title": m.title,
                "term": m.term.number,
                "started_on": m.started_on,
            }
            for m in c.members.filter(ended_on__isnull=True).select_related("user", "unit", "term")
        ],
        "rotation": [_slot_out(m) for m in selectors.rotation_year(c, year)],
    }


class UnitIn(Schema):
    unit: uuid_lib.UUID
    seats: int = 1
    in_rotation: bool = True
    on: dt.date | None = None


@router.post("/committees/{uuid:uuid}/units", tags=["joint committee"])
def committee_add_unit(request: HttpRequest, uuid: uuid_lib.UUID, payload: UnitIn) -> Any:
    c = _committee(request, uuid)
    return _run(
        actions.add_unit,
        _ok,
        actor=request.user,
        committee=c,
        unit=_org(request, payload.unit),
        seats=payload.seats,
        in_rotation=payload.in_rotation,
        on=payload.on,
    )


class LeaveIn(Schema):
    on: dt.date | None = None
    reason: str = ""


@router.post("/committees/{uuid:uuid}/units/{unit_uuid}/leave", tags=["joint committee"])
def committee_remove_unit(
    request: HttpRequest, uuid: uuid_lib.UUID, unit_uuid: uuid_lib.UUID, payload: LeaveIn
) -> Any:
    c = _committee(request, uuid)
    row = c.units.filter(unit__uuid=unit_uuid).select_related("unit").first()
    if row is None:
        raise Http404("not found")
    return _run(
        actions.remove_unit,
        _ok,
        actor=request.user,
        member_unit=row,
        on=payload.on,
        reason=payload.reason,
    )


class YearIn(Schema):
    year: int = Field(ge=2000, le=2100)


@router.post("/committees/{uuid:uuid}/rotation", tags=["joint committee"])
def committee_generate_rotation(request: HttpRequest, uuid: uuid_lib.UUID, payload: YearIn) -> Any:
    """Generate (or complete) the year's rotation calendar."""
    c = _committee(request, uuid)
    return _run(
        actions.generate_rotation,
        lambda slots: {"periods": len(slots)},
        actor=request.user,
        committee=c,
        year=payload.year,
    )


class SlotIn(Schema):
    action: str = Field(description="plan, start or hand_over")
    text: str = ""


@router.post("/committees/{uuid:uuid}/rotation/{starts_on}", tags=["joint committee"])
def committee_slot(
    request: HttpRequest, uuid: uuid_lib.UUID, starts_on: dt.date, payload: SlotIn
) -> Any:
    """The chair unit plans its period, takes the chair, or hands over."""
    c = _committee(request, uuid)
    slot = (
        c.rotation.select_related("unit", "committee__organization")
        .filter(starts_on=starts_on)
        .first()
    )
    if slot is None:
        raise Http404("not found")
    if payload.action == "plan":
        return _run(
            actions.set_activity_plan, _ok, actor=request.user, slot=slot, plan=payload.text
        )
    if payload.action == "start":
        return _run(actions.start_chair, _ok, actor=request.user, slot=slot)
    if payload.action == "hand_over":
        return _run(actions.hand_over, _ok, actor=request.user, slot=slot, summary=payload.text)
    return JsonResponse({"detail": "unknown action", "field": "action"}, status=400)


class MeetingIn(Schema):
    at: dt.datetime
    topics: str
    place: str = ""


@router.post("/committees/{uuid:uuid}/meetings", tags=["joint committee"])
def committee_meeting(request: HttpRequest, uuid: uuid_lib.UUID, payload: MeetingIn) -> Any:
    c = _committee(request, uuid)
    return _run(
        actions.convene_meeting,
        lambda m: {"uuid": str(m.uuid)},
        actor=request.user,
        committee=c,
        at=payload.at,
        topics=payload.topics,
        place=payload.place,
    )


class DecisionIn(Schema):
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None = None
    description: str = ""


@router.post("/committees/{uuid:uuid}/decisions", tags=["joint committee"])
def committee_decision(request: HttpRequest, uuid: uuid_lib.UUID, payload: DecisionIn) -> Any:
    """Put a matter to the committee's members (a vote of the voting app, "body" electorate)."""
    c = _committee(request, uuid)
    return _run(
        actions.propose_decision,
        lambda d: {"uuid": str(d.uuid), "vote": str(d.vote_uuid)},
        actor=request.user,
        committee=c,
        title=payload.title,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        description=payload.description,
    )


class AgreementIn(Schema):
    unit: uuid_lib.UUID
    scope: str
    starts_on: dt.date
    ends_on: dt.date
    resources: list[str] = Field(default_factory=list)
    pledged_hours: int = 0


@router.post("/committees/{uuid:uuid}/agreements", tags=["joint committee"])
def committee_agreement(request: HttpRequest, uuid: uuid_lib.UUID, payload: AgreementIn) -> Any:
    c = _committee(request, uuid)
    return _run(
        actions.sign_agreement,
        lambda a: {"uuid": str(a.uuid)},
        actor=request.user,
        committee=c,
        unit=_org(request, payload.unit),
        scope=payload.scope,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        resources=payload.resources,
        pledged_hours=payload.pledged_hours,
    )


def _agreement(request: HttpRequest, uuid: uuid_lib.UUID) -> Agreement:
    found = (
        Agreement.objects.filter(
            uuid=uuid, committee__in=JointCommittee.objects.visible_to(request.user)
        )
        .select_related("unit", "committee__organization")
        .first()
    )
    if found is None:
        raise Http404("not found")
    return found


@router.post("/agreements/{uuid:uuid}/reviews", tags=["joint committee"])
def agreement_open_review(request: HttpRequest, uuid: uuid_lib.UUID, payload: YearIn) -> Any:
    return _run(
        actions.open_review,
        lambda r: {"uuid": str(r.uuid)},
        actor=request.user,
        agreement=_agreement(request, uuid),
        year=payload.year,
    )


class ReviewIn(Schema):
    action: str = Field(description="submit, conclude or return")
    text: str = ""
    rating: str = ""


@router.post("/reviews/{uuid:uuid}", tags=["joint committee"])
def agreement_review(request: HttpRequest, uuid: uuid_lib.UUID, payload: ReviewIn) -> Any:
    review = (
        AgreementReview.objects.filter(
            uuid=uuid, agreement__committee__in=JointCommittee.objects.visible_to(request.user)
        )
        .select_related("agreement__unit", "agreement__committee__organization")
        .first()
    )
    if review is None:
        raise Http404("not found")
    out = lambda r: {"status": r.status}  # noqa: E731
    if payload.action == "submit":
        return _run(
            actions.submit_review, out, actor=request.user, review=review, self_report=payload.text
        )
    if payload.action in ("conclude", "return"):
        return _run(
            actions.conclude_review,
            out,
            actor=request.user,
            review=review,
            rating=payload.rating,
            conclusion=payload.text,
            accept=payload.action == "conclude",
        )
    return JsonResponse({"detail": "unknown action", "field": "action"}, status=400)


# --- 双报到 --------------------------------------------------------------------------------


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
        return _run(
            actions.register_unit,
            out,
            actor=request.user,
            unit=_org(request, payload.unit),
            community=community,
            note=payload.note,
        )
    if payload.member is not None:
        return _run(
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
    return _run(func, _report_out, actor=request.user, report=report, note=payload.note)


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
    return _run(
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
    return _run(
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
    return _run(
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
    return _run(
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
    return _run(
        actions.appraise_member,
        lambda a: {"uuid": str(a.uuid), "grade": a.grade},
        actor=request.user,
        member=_member(request, payload.member),
        community=_community(request, payload.community),
        year=payload.year,
        grade=payload.grade,
        note=payload.note,
    )


class ContributionOut(Schema):
    unit: uuid_lib.UUID
    year: int
    pledged_hours: int
    hours: Decimal
    posts_claimed: int
    members_served: int
    chair_periods: list[dt.date]
    agreements: list[uuid_lib.UUID]


@router.get("/units/{uuid:uuid}/contribution", response=ContributionOut, tags=["joint committee"])
def unit_contribution(request: HttpRequest, uuid: uuid_lib.UUID, year: int | None = None) -> Any:
    """What a unit pledged and delivered in a year."""
    unit = _org(request, uuid)
    year = year or timezone.localdate().year
    c = selectors.unit_contribution(unit, year)
    return {
        "unit": unit.uuid,
        "year": year,
        "pledged_hours": c.pledged_hours,
        "hours": c.hours,
        "posts_claimed": c.posts_claimed,
        "members_served": c.members_served,
        "chair_periods": [s.starts_on for s in c.chair_periods],
        "agreements": [a.uuid for a in c.agreements],
    }
