"""Volunteer activities: create, sign up (capacity and waiting list), cancel (promotion),
check in and out by rotating code or staff confirmation, the award, certificates."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from cogov.core import audit
from cogov.core.errors import ActionError, InvalidTransition
from cogov.core.metrics import Period
from cogov.core.notifications import notify
from cogov.core.policies import get_policy

from .. import codes, ledger
from ..models import (
    SIGNUP_TRANSITIONS,
    AccountKind,
    Activity,
    ActivityStatus,
    Certificate,
    Entry,
    EntryKind,
    Signup,
    SignupEvent,
    SignupStatus,
)
from ..policy_kinds import TIME_BANK, VOLUNTEER
from .common import account_for, person_required, require


def create_activity(
    *,
    actor: Any,
    community: Any,
    title: str,
    activity_type: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    organizer: Any = None,
    description: str = "",
    location: str = "",
) -> Activity:
    """Publish an activity of the community, or of a unit / social organization based there."""
    require(actor, "points.create_activity", community)
    if organizer is not None:
        if organizer.node_id != community.pk:
            raise ActionError(
                gettext("the organizer is not based in this community"), field="organizer"
            )
        if not (
            actor.has_perm("points.manage_points", community)
            or any(g.organization_id == organizer.pk for g in _grants(actor))
        ):
            raise ActionError(gettext("you do not act for this organization"), field="organizer")
    elif not actor.has_perm("points.manage_points", community):
        raise ActionError(gettext("name the organization you organize for"), field="organizer")
    if not title.strip():
        raise ActionError(gettext("give the activity a title"), field="title")
    policy = get_policy(VOLUNTEER, community, on=timezone.localdate(starts_at))
    if policy.type_of(activity_type) is None:
        raise ActionError(gettext("unknown activity type"), field="activity_type")
    if ends_at <= starts_at:
        raise ActionError(gettext("the activity must end after it starts"), field="ends_at")
    if capacity < 1:
        raise ActionError(gettext("at least one place"), field="capacity")
    with transaction.atomic():
        activity = Activity.objects.create(
            community=community,
            organizer=organizer,
            title=title.strip(),
            description=description,
            activity_type=activity_type,
            location=location,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            created_by=actor,
        )
        audit.record(actor, "points.create_activity", activity)
    return activity


def _grants(actor: Any) -> list[Any]:
    from cogov.accounts.scopes import reach

    return reach(actor).grants


def cancel_activity(*, actor: Any, activity: Activity, reason: str = "") -> Activity:
    require(actor, "points.manage_activity", activity)
    with transaction.atomic():
        moved = Activity.objects.filter(pk=activity.pk, status=ActivityStatus.OPEN).update(
            status=ActivityStatus.CANCELLED
        )
        if not moved:
            raise InvalidTransition("the activity is not open")
        activity.status = ActivityStatus.CANCELLED
        audit.record(actor, "points.cancel_activity", activity, reason=reason)
        users = [
            s.person.user
            for s in activity.signups.exclude(status=SignupStatus.CANCELLED).select_related(
                "person__user"
            )
        ]
        notify(users, "points.activity_cancelled", f"Cancelled: {activity.title}")
    return activity


def _event(signup: Signup, actor: Any, kind: str, before: str, note: str = "", **ev: Any) -> None:
    SignupEvent.objects.create(
        subject=signup,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        from_status=before,
        to_status=signup.status,
        note=note,
        evidence=ev,
    )


def _move(signup: Signup, to: str, actor: Any, kind: str, note: str = "") -> None:
    before = signup.status
    if to not in SIGNUP_TRANSITIONS.get(before, set()):  # type: ignore[call-overload]
        raise InvalidTransition(f"cannot move a sign-up from {before!r} to {to!r}")
    moved = Signup.objects.filter(pk=signup.pk, status=before).update(status=to)
    if not moved:
        raise InvalidTransition("the sign-up changed meanwhile")
    signup.status = to
    _event(signup, actor, kind, before, note)


def sign_up(*, actor: Any, activity: Activity) -> Signup:
    """Take a place, or a place on the waiting list when the activity is full. The activity
    row is locked while places are counted, so two last-minute sign-ups cannot both get the
    last place."""
    require(actor, "points.sign_up", activity)
    person = person_required(actor)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != ActivityStatus.OPEN or locked.ends_at <= timezone.now():
            raise ActionError(gettext("the activity is not open for sign-up"), code="closed")
        active = Signup.objects.filter(activity=locked).exclude(status=SignupStatus.CANCELLED)
        if active.filter(person=person).exists():
            raise ActionError(gettext("you have already signed up"), code="duplicate")
        taken = active.filter(status=SignupStatus.CONFIRMED).count()
        status = SignupStatus.CONFIRMED if taken < locked.capacity else SignupStatus.WAITLISTED
        signup = Signup.objects.create(activity=locked, person=person, status=status)
        _event(signup, actor, "signed_up", "")
    return signup


def cancel_signup(*, actor: Any, signup: Signup) -> Signup | None:
    """Give the place back. When a confirmed place is freed, the first on the waiting list gets
    it (and a notification). Returns the promoted sign-up, if any."""
    if signup.person.user_id != actor.pk:
        require(actor, "points.manage_activity", signup.activity)
    if signup.checked_in_at is not None:
        raise ActionError(gettext("already checked in"), code="checked_in")
    with transaction.atomic():
        Activity.objects.select_for_update().get(pk=signup.activity_id)
        signup.refresh_from_db()
        was_confirmed = signup.status == SignupStatus.CONFIRMED
        _move(signup, SignupStatus.CANCELLED, actor, "cancelled")
        if not was_confirmed:
            return None
        promoted = (
            Signup.objects.filter(activity_id=signup.activity_id, status=SignupStatus.WAITLISTED)
            .order_by("created_at", "pk")
            .select_related("person__user", "activity")
            .first()
        )
        if promoted is None:
            return None
        _move(promoted, SignupStatus.CONFIRMED, actor, "promoted", note="place freed")
        if promoted.person.user is not None:
            notify(
                [promoted.person.user],
                "points.promoted",
                f"You have a place: {promoted.activity.title}",
                url=f"/points/activities/{promoted.activity.uuid}/",
            )
    return promoted


def _code_seconds(activity: Activity) -> int:
    return int(
        get_policy(
            VOLUNTEER, activity.community, on=timezone.localdate(activity.starts_at)
        ).code_seconds
    )


def current_code(*, actor: Any, activity: Activity, purpose: str) -> tuple[str, int]:
    """The code to show on the organizer's screen (only to those who manage the activity)."""
    require(actor, "points.manage_activity", activity)
    return codes.current_code(
        activity.code_secret, purpose, timezone.now(), _code_seconds(activity)
    )


def _own_signup(actor: Any, signup: Signup) -> None:
    if signup.person.user_id != actor.pk:
        require(actor, "points.manage_activity", signup.activity)


def check_in(*, actor: Any, signup: Signup, code: str) -> Signup:
    """Check in with the code shown on the organizer's screen (confirmed sign-ups only)."""
    _own_signup(actor, signup)
    now = timezone.now()
    activity = signup.activity
    if signup.status != SignupStatus.CONFIRMED:
        raise ActionError(gettext("only a confirmed sign-up checks in"), code="not_confirmed")
    if not activity.starts_at - dt.timedelta(hours=1) <= now <= activity.ends_at:
        raise ActionError(
            gettext("check-in is open from an hour before the start to the end"), code="time"
        )
    if not codes.check_code(activity.code_secret, "in", code, now, _code_seconds(activity)):
        raise ActionError(gettext("wrong or expired code"), field="code", code="bad_code")
    with transaction.atomic():
        moved = Signup.objects.filter(pk=signup.pk, checked_in_at__isnull=True).update(
            checked_in_at=now
        )
        if not moved:
            raise ActionError(gettext("already checked in"), code="checked_in")
        signup.checked_in_at = now
        _event(signup, actor, "checked_in", signup.status, method="code")
    return signup


def check_out(*, actor: Any, signup: Signup, code: str) -> Signup:
    """Check out with the check-out code; hours are computed and the award is made."""
    _own_signup(actor, signup)
    now = timezone.now()
    activity = signup.activity
    if signup.checked_in_at is None:
        raise ActionError(gettext("check in first"), code="not_checked_in")
    if not codes.check_code(activity.code_secret, "out", code, now, _code_seconds(activity)):
        raise ActionError(gettext("wrong or expired code"), field="code", code="bad_code")
    with transaction.atomic():
        hours = compute_hours(activity, signup.checked_in_at, now)
        moved = Signup.objects.filter(pk=signup.pk, checked_out_at__isnull=True).update(
            checked_out_at=now, hours=hours
        )
        if not moved:
            raise ActionError(gettext("already checked out"), code="checked_out")
        signup.checked_out_at, signup.hours = now, hours
        _event(signup, actor, "checked_out", signup.status, method="code", hours=str(hours))
        award(actor=actor, signup=signup)
    return signup


def confirm_attendance(*, actor: Any, signup: Signup, hours: Decimal | None = None) -> Signup:
    """Staff confirm that a volunteer served (for those without phones, or a missed code).
    Without `hours`, the scheduled duration counts."""
    require(actor, "points.manage_activity", signup.activity)
    if signup.status != SignupStatus.CONFIRMED:
        raise ActionError(gettext("only a confirmed sign-up is confirmed"), code="not_confirmed")
    activity = signup.activity
    start = signup.checked_in_at or activity.starts_at
    if hours is None:
        hours = compute_hours(activity, start, activity.ends_at)
    hours = ledger.q(hours)
    scheduled = Decimal((activity.ends_at - activity.starts_at).total_seconds()) / 3600
    if hours <= 0 or hours > scheduled:
        raise ActionError(
            gettext("hours must be positive and within the activity's time"), field="hours"
        )
    with transaction.atomic():
        moved = Signup.objects.filter(pk=signup.pk, checked_out_at__isnull=True).update(
            checked_in_at=start, checked_out_at=activity.ends_at, hours=hours, confirmed_by=actor
        )
        if not moved:
            raise ActionError(gettext("attendance is already recorded"), code="checked_out")
        signup.checked_in_at, signup.checked_out_at, signup.hours = start, activity.ends_at, hours
        signup.confirmed_by = actor
        _event(signup, actor, "confirmed", signup.status, method="staff", hours=str(hours))
        award(actor=actor, signup=signup)
    return signup


def compute_hours(activity: Activity, start: dt.datetime, end: dt.datetime) -> Decimal:
    """Time served inside the activity's window, rounded down to the policy's step."""
    step = get_policy(VOLUNTEER, activity.community, on=timezone.localdate(activity.starts_at))
    start, end = max(start, activity.starts_at), min(end, activity.ends_at)
    minutes = max(0, int((end - start).total_seconds() // 60))
    rounded = math.floor(minutes / step.hour_rounding_minutes) * step.hour_rounding_minutes
    return ledger.q(Decimal(rounded) / 60)


def _earned(account: Any, start: dt.datetime, end: dt.datetime | None = None) -> Decimal:
    """Net earnings on the account since `start` (before `end`): earn entries not reversed."""
    qs = Entry.objects.filter(
        account=account, kind=EntryKind.EARN, occurred_at__gte=start, reversed_by__isnull=True
    )
    if end is not None:
        qs = qs.filter(occurred_at__lt=end)
    return ledger.q(qs.aggregate(s=Sum("amount"))["s"] or 0)


def _cap(raw: Decimal, *limits: tuple[Decimal, Decimal]) -> Decimal:
    """`raw` cut to what each (cap, used) pair leaves; a cap of 0 means none."""
    value = raw
    for cap, used in limits:
        if cap > 0:
            value = min(value, max(Decimal(0), cap - used))
    return ledger.q(max(Decimal(0), value))


def award(*, actor: Any, signup: Signup) -> tuple[Entry | None, Entry | None]:
    """The points and time-bank units for an attended sign-up, each made once however often this
    is retried (idempotency keys "signup:<uuid>:points" / ":time", unique in the database).
    Caps (daily, yearly; time bank daily and lifetime) come from the policies in force on the
    day of service; an award cut by a cap records the uncut amount in its evidence."""
    signup = Signup.objects.select_related("activity__community", "person").get(pk=signup.pk)
    if signup.checked_out_at is None or signup.hours <= 0:
        raise ActionError(gettext("no attendance recorded"), code="not_attended")
    activity = signup.activity
    community = activity.community
    day = timezone.localdate(signup.checked_out_at)
    policy = get_policy(VOLUNTEER, community, on=day)
    bank = get_policy(TIME_BANK, community, on=day)
    kind = policy.type_of(activity.activity_type)
    rate_activity = kind.points_per_activity if kind else Decimal(0)
    rate_hour = kind.points_per_hour if kind else Decimal(0)
    raw_points = ledger.q(rate_activity + rate_hour * signup.hours)
    points_account = account_for(signup.person, community, AccountKind.POINTS)
    time_account = account_for(signup.person, community, AccountKind.TIME)
    day_start = Period(day, day + dt.timedelta(days=1)).bounds()[0]
    year_start = Period.year(day.year).bounds()[0]
    evidence = {
        "activity": str(activity.uuid),
        "signup": str(signup.uuid),
        "hours": str(signup.hours),
    }
    with transaction.atomic():
        pa, ta = ledger.lock(points_account, time_account)
        points = _cap(
            raw_points,
            (policy.daily_cap, _earned(pa, day_start, day_start + dt.timedelta(days=1))),
            (policy.yearly_cap, _earned(pa, year_start)),
        )
        p_entry, _ = ledger.append_once(
            pa,
            idempotency_key=f"signup:{signup.uuid}:points",
            kind=EntryKind.EARN,
            amount=points,
            actor=actor,
            occurred_at=signup.checked_out_at,
            memo=activity.title,
            rule=f"volunteer:{activity.activity_type}",
            signup=signup,
            evidence={**evidence, "uncapped": str(raw_points)},
        )
        units = _cap(
            ledger.q(signup.hours),
            (bank.daily_cap, _earned(ta, day_start, day_start + dt.timedelta(days=1))),
            (bank.lifetime_cap, _earned(ta, dt.datetime(1970, 1, 1, tzinfo=dt.UTC))),
        )
        t_entry, _ = ledger.append_once(
            ta,
            idempotency_key=f"signup:{signup.uuid}:time",
            kind=EntryKind.EARN,
            amount=units,
            actor=actor,
            occurred_at=signup.checked_out_at,
            memo=activity.title,
            rule="time_bank:service",
            signup=signup,
            evidence={**evidence, "uncapped": str(signup.hours)},
        )
    return p_entry, t_entry


def issue_certificate(
    *, actor: Any, person: Any, community: Any, start: dt.date, end: dt.date
) -> Certificate:
    """A service-record certificate (free of charge) for the volunteer's attended activities in
    `community` between `start` and `end` inclusive. The volunteer asks for it, or staff issue
    it on the volunteer's request; the residents' committee of the community issues it."""
    if person.user_id != actor.pk:
        require(actor, "points.manage_points", community)
    if end < start:
        raise ActionError(gettext("the period ends before it starts"), field="end")
    from cogov.organizations.models import Organization, OrgKind

    lo, hi = Period(start, end + dt.timedelta(days=1)).bounds()
    signups = list(
        Signup.objects.attended()
        .filter(person=person, activity__community=community)
        .filter(activity__starts_at__gte=lo, activity__starts_at__lt=hi)
        .select_related("activity__organizer")
        .order_by("activity__starts_at")
    )
    if not signups:
        raise ActionError(gettext("no recorded service in this period"), code="empty")
    issuer = Organization.objects.filter(node=community, kind=OrgKind.RESIDENTS_COMMITTEE).first()
    content = [
        {
            "date": timezone.localdate(s.activity.starts_at).isoformat(),
            "title": s.activity.title,
            "type": s.activity.activity_type,
            "organizer": s.activity.organizer.name if s.activity.organizer else community.name,
            "hours": str(s.hours),
            "signup": str(s.uuid),
        }
        for s in signups
    ]
    with transaction.atomic():
        n = Certificate.objects.filter(community=community).count() + 1
        certificate = Certificate.objects.create(
            number=f"ZYFW-{community.code}-{timezone.localdate():%Y%m%d}-{n:05d}",
            person=person,
            community=community,
            issuer_name=issuer.name if issuer else f"{community.name}居民委员会",
            issuer_contact=issuer.contact_phone if issuer else "",
            period_start=start,
            period_end=end,
            hours=sum((s.hours for s in signups), Decimal(0)),
            content=content,
            issued_by=actor,
        )
        audit.record(actor, "points.issue_certificate", certificate, person=str(person.uuid))
    return certificate
