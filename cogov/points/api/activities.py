"""Volunteer activities: the calendar, creating one, sign-up and cancellation (with the waiting
list), rotating check-in and check-out codes, staff confirmation of hours, and awarding
points."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Schema
from ninja.errors import HttpError

from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from .. import actions, selectors
from ..models import Activity, Signup
from .common import router


def _activity_out(a: Activity) -> dict[str, Any]:
    return {
        "uuid": a.uuid,
        "title": a.title,
        "activity_type": a.activity_type,
        "community": a.community.name,
        "organizer": a.organizer.name if a.organizer else None,
        "location": a.location,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "capacity": a.capacity,
        "status": a.status,
        "confirmed": getattr(a, "n_confirmed", None),
        "waitlisted": getattr(a, "n_waitlisted", None),
    }


def _signup_out(s: Signup) -> dict[str, Any]:
    return {
        "uuid": s.uuid,
        "activity": s.activity.uuid,
        "person": s.person.name,
        "status": s.status,
        "checked_in_at": s.checked_in_at,
        "checked_out_at": s.checked_out_at,
        "hours": str(s.hours),
    }


@router.get("/activities")
def list_activities(request: HttpRequest, month: str | None = None) -> Any:
    year, mon = selectors.parse_month(month)
    return [_activity_out(a) for a in selectors.calendar(request.user, year, mon)]


class ActivityIn(Schema):
    community: uuid_lib.UUID
    organizer: uuid_lib.UUID | None = None
    title: str
    activity_type: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    location: str = ""
    description: str = ""


@router.post("/activities")
def create_activity(request: HttpRequest, body: ActivityIn) -> Any:
    from cogov.organizations.models import Organization
    from cogov.territory.models import Node

    community = get_visible_or_404(Node.objects.all(), request.user, uuid=body.community)
    organizer = None
    if body.organizer:
        organizer = Organization.objects.filter(uuid=body.organizer).first()
        if organizer is None:
            raise HttpError(400, "organizer: no such organization")
    return run_action(
        actions.create_activity,
        _activity_out,
        actor=request.user,
        community=community,
        organizer=organizer,
        title=body.title,
        activity_type=body.activity_type,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        location=body.location,
        description=body.description,
    )


def _activity(request: HttpRequest, uuid: uuid_lib.UUID) -> Activity:
    qs = Activity.objects.select_related("community", "organizer")
    return get_visible_or_404(qs, request.user, uuid=uuid)


@router.get("/activities/{uuid}")
def activity_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    activity = _activity(request, uuid)
    data = _activity_out(activity)
    mine = selectors.my_signup(request.user, activity)
    data["my_signup"] = _signup_out(mine) if mine else None
    if request.user.has_perm("points.manage_activity", activity):
        data["signups"] = [_signup_out(s) for s in selectors.roster(activity)]
    return data


@router.post("/activities/{uuid}/signup")
def sign_up(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    activity = _activity(request, uuid)
    return run_action(actions.sign_up, _signup_out, actor=request.user, activity=activity)


@router.get("/activities/{uuid}/code")
def code(request: HttpRequest, uuid: uuid_lib.UUID, purpose: str = "in") -> Any:
    activity = _activity(request, uuid)
    if purpose not in {"in", "out"}:
        raise HttpError(400, "purpose: in or out")
    return run_action(
        actions.current_code,
        lambda r: {"code": r[0], "seconds_left": r[1], "purpose": purpose},
        actor=request.user,
        activity=activity,
        purpose=purpose,
    )


def _signup(request: HttpRequest, uuid: uuid_lib.UUID) -> Signup:
    qs = Signup.objects.select_related("activity__community", "activity__organizer", "person")
    return get_visible_or_404(qs, request.user, uuid=uuid)


class CodeIn(Schema):
    code: str


@router.post("/signups/{uuid}/cancel")
def cancel_signup(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    signup = _signup(request, uuid)

    def out(promoted: Signup | None) -> Any:
        signup.refresh_from_db()
        return {**_signup_out(signup), "promoted": promoted.uuid if promoted else None}

    return run_action(actions.cancel_signup, out, actor=request.user, signup=signup)


@router.post("/signups/{uuid}/check-in")
def check_in(request: HttpRequest, uuid: uuid_lib.UUID, body: CodeIn) -> Any:
    signup = _signup(request, uuid)
    return run_action(
        actions.check_in, _signup_out, actor=request.user, signup=signup, code=body.code
    )


@router.post("/signups/{uuid}/check-out")
def check_out(request: HttpRequest, uuid: uuid_lib.UUID, body: CodeIn) -> Any:
    signup = _signup(request, uuid)
    return run_action(
        actions.check_out, _signup_out, actor=request.user, signup=signup, code=body.code
    )


class ConfirmIn(Schema):
    hours: Decimal | None = None


@router.post("/signups/{uuid}/confirm")
def confirm(request: HttpRequest, uuid: uuid_lib.UUID, body: ConfirmIn) -> Any:
    signup = _signup(request, uuid)
    return run_action(
        actions.confirm_attendance, _signup_out, actor=request.user, signup=signup, hours=body.hours
    )


@router.post("/signups/{uuid}/award")
def award(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    signup = _signup(request, uuid)
    if not request.user.has_perm("points.manage_activity", signup.activity):
        return JsonResponse({"detail": "you may not do this", "code": "forbidden"}, status=403)
    return run_action(
        actions.award,
        lambda pair: {"entries": [e.uuid for e in pair if e is not None]},
        actor=request.user,
        signup=signup,
    )
