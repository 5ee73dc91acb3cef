"""Joint party committee endpoints: a committee with its units, members and rotation calendar;
units joining and leaving, the rotation, meetings, decisions, co-construction agreements and
their yearly reviews, and what a unit pledged and delivered."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Schema

from cogov.web.actions import run_action

from .. import actions, selectors
from ..models import Agreement, AgreementReview, JointCommittee
from .common import _committee, _ok, _org, router


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
    return run_action(
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
    return run_action(
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
    return run_action(
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
        return run_action(
            actions.set_activity_plan, _ok, actor=request.user, slot=slot, plan=payload.text
        )
    if payload.action == "start":
        return run_action(actions.start_chair, _ok, actor=request.user, slot=slot)
    if payload.action == "hand_over":
        return run_action(
            actions.hand_over, _ok, actor=request.user, slot=slot, summary=payload.text
        )
    return JsonResponse({"detail": "unknown action", "field": "action"}, status=400)


class MeetingIn(Schema):
    at: dt.datetime
    topics: str
    place: str = ""


@router.post("/committees/{uuid:uuid}/meetings", tags=["joint committee"])
def committee_meeting(request: HttpRequest, uuid: uuid_lib.UUID, payload: MeetingIn) -> Any:
    c = _committee(request, uuid)
    return run_action(
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
    return run_action(
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
    return run_action(
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
    return run_action(
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
        return run_action(
            actions.submit_review, out, actor=request.user, review=review, self_report=payload.text
        )
    if payload.action in ("conclude", "return"):
        return run_action(
            actions.conclude_review,
            out,
            actor=request.user,
            review=review,
            rating=payload.rating,
            conclusion=payload.text,
            accept=payload.action == "conclude",
        )
    return JsonResponse({"detail": "unknown action", "field": "action"}, status=400)


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
