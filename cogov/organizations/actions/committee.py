"""Writes of the joint party committee: set-up, units and members, the rotation calendar,
hand-over, meetings, decisions (through the voting app) and co-construction agreements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.audit import record
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from ..models import (
    REVIEW_TRANSITIONS,
    SLOT_TRANSITIONS,
    Agreement,
    AgreementReview,
    AgreementStatus,
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeMember,
    CommitteeTerm,
    CommitteeUnit,
    JointCommittee,
    MeetingStatus,
    Organization,
    OrgKind,
    ReviewEvent,
    ReviewStatus,
    RotationEvent,
    RotationSlot,
    SlotStatus,
)
from ..policy_kinds import JOINT_COMMITTEE, MONTHS


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise NotAllowed(message)


def _manage(actor: Any, committee: JointCommittee) -> None:
    _require(
        actor,
        "organizations.manage_committee",
        committee.organization,
        _("You may not manage this committee."),
    )


def _today() -> dt.date:
    return timezone.localdate()


def unit_users(unit: Organization) -> list[Any]:
    """The accounts that speak for a unit (current memberships in it: liaisons, staff)."""
    from cogov.accounts.models import Membership

    return [
        m.user
        for m in Membership.objects.current().filter(organization=unit).select_related("user")
    ]


def member_users(committee: JointCommittee) -> list[Any]:
    return [m.user for m in committee.members.filter(ended_on__isnull=True).select_related("user")]


# --- set-up -------------------------------------------------------------------------------


def create_committee(*, actor: Any, organization: Organization) -> JointCommittee:
    """Make a party-committee organization a joint party committee (大党委)."""
    _require(
        actor,
        "organizations.manage_committee",
        organization,
        _("You may not set up a joint committee here."),
    )
    if organization.kind != OrgKind.PARTY_COMMITTEE or not organization.active:
        raise ActionError(
            _("A joint committee is an active party committee."), field="organization"
        )
    with transaction.atomic():
        committee, created = JointCommittee.objects.get_or_create(organization=organization)
        if not created:
            raise ActionError(_("This is already a joint committee."), field="organization")
        record(actor, "committee.create", committee)
    return committee


def add_unit(
    *,
    actor: Any,
    committee: JointCommittee,
    unit: Organization,
    seats: int = 1,
    in_rotation: bool = True,
    on: dt.date | None = None,
) -> CommitteeUnit:
    """Admit a member unit from `on` (today): it goes to the end of the rotation order and the
    calendar is recomputed from that date."""
    _manage(actor, committee)
    on = on or _today()
    if not unit.active:
        raise ActionError(_("The unit is no longer active."), field="unit")
    if seats < 1:
        raise ActionError(_("A unit has at least one seat."), field="seats")
    with transaction.atomic():
        last = committee.units.order_by("-rotation_order").first()
        try:
            with transaction.atomic():
                row = CommitteeUnit.objects.create(
                    committee=committee,
                    unit=unit,
                    seats=seats,
                    in_rotation=in_rotation,
                    rotation_order=(last.rotation_order + 1) if last else 1,
                    joined_on=on,
                )
        except IntegrityError:
            raise ActionError(_("This unit is already a member."), field="unit") from None
        recompute_rotation(committee, on)
        record(actor, "committee.add_unit", committee, unit=unit.pk, seats=seats)
    return row


def set_in_rotation(
    *, actor: Any, member_unit: CommitteeUnit, in_rotation: bool, on: dt.date | None = None
) -> CommitteeUnit:
    """A unit opts out of (or back into) the rotating chair from `on`. Only later periods change.
    The unit itself or the committee's managers may do it."""
    committee = member_unit.committee
    if not (
        actor.has_perm("organizations.manage_committee", committee.organization)
        or actor.has_perm("organizations.act_for_unit", member_unit.unit)
    ):
        raise NotAllowed(_("You may not change this unit's turn."))
    on = on or _today()
    with transaction.atomic():
        CommitteeUnit.objects.filter(pk=member_unit.pk).update(in_rotation=in_rotation)
        member_unit.in_rotation = in_rotation
        recompute_rotation(committee, on)
        record(
            actor, "committee.rotation_opt", committee, unit=member_unit.unit_id, value=in_rotation
        )
    return member_unit


def remove_unit(
    *, actor: Any, member_unit: CommitteeUnit, on: dt.date | None = None, reason: str = ""
) -> CommitteeUnit:
    """A unit leaves the committee on `on`. Periods starting on or after that date are given to
    the next units in order; periods before it keep their chair."""
    committee = member_unit.committee
    _manage(actor, committee)
    on = on or _today()
    if member_unit.left_on is not None:
        raise ActionError(_("This unit has already left."))
    with transaction.atomic():
        CommitteeUnit.objects.filter(pk=member_unit.pk).update(left_on=on)
        member_unit.left_on = on
        recompute_rotation(committee, on)
        record(actor, "committee.remove_unit", committee, unit=member_unit.unit_id, reason=reason)
    return member_unit


def start_term(
    *, actor: Any, committee: JointCommittee, number: int, starts_on: dt.date, ends_on: dt.date
) -> CommitteeTerm:
    _manage(actor, committee)
    if ends_on <= starts_on:
        raise ActionError(_("A term must end after it starts."), field="ends_on")
    try:
        with transaction.atomic():
            term = CommitteeTerm.objects.create(
                committee=committee, number=number, starts_on=starts_on, ends_on=ends_on
            )
            record(actor, "committee.start_term", committee, number=number)
    except IntegrityError:
        raise ActionError(_("That term already exists."), field="number") from None
    return term


def appoint_member(
    *,
    actor: Any,
    committee: JointCommittee,
    term: CommitteeTerm,
    user: Any,
    unit: Organization | None = None,
    full_time: bool = False,
    title: str = "",
    on: dt.date | None = None,
) -> CommitteeMember:
    """Appoint a committee member (委员) for a term. The member gets a membership in the
    committee's body, which makes them an elector of its votes (the "body" electorate)."""
    from cogov.accounts.actions import grant_membership

    _manage(actor, committee)
    if term.committee_id != committee.pk:
        raise ActionError(_("That term belongs to another committee."), field="term")
    on = on or max(_today(), term.starts_on)
    rules = get_policy(JOINT_COMMITTEE, committee.organization.node, on=on)
    current = committee.members.filter(ended_on__isnull=True, term=term)
    if current.count() >= rules.max_members:
        raise ActionError(_("The committee is full for this term."), field="user")
    if full_time and current.filter(full_time=True).count() >= rules.max_full_time:
        raise ActionError(_("The committee has all its full-time members."), field="full_time")
    if unit is not None and not committee.units.filter(unit=unit, left_on__isnull=True).exists():
        raise ActionError(_("That unit is not a member unit."), field="unit")
    if current.filter(user=user).exists():
        raise ActionError(_("This person already sits on the committee."), field="user")
    with transaction.atomic():
        membership = grant_membership(
            actor=actor,
            user=user,
            role="party_member",
            organization=committee.organization,
            title=title,
            full_time=full_time,
            valid_from=on,
            valid_to=term.ends_on,
        )
        member = CommitteeMember.objects.create(
            committee=committee,
            term=term,
            user=user,
            unit=unit,
            full_time=full_time,
            title=title,
            membership=membership,
            started_on=on,
        )
        record(actor, "committee.appoint", committee, user=user.pk, full_time=full_time)
    return member


def end_member(
    *, actor: Any, member: CommitteeMember, on: dt.date | None = None
) -> CommitteeMember:
    from cogov.accounts.actions import end_membership

    _manage(actor, member.committee)
    on = on or _today()
    if member.ended_on is not None:
        raise ActionError(_("This member has already left."))
    with transaction.atomic():
        CommitteeMember.objects.filter(pk=member.pk).update(ended_on=on)
        member.ended_on = on
        if member.membership is not None and (
            member.membership.valid_to is None or member.membership.valid_to > on
        ):
            end_membership(actor=actor, membership=member.membership, on=on)
        record(actor, "committee.end_member", member.committee, user=member.user_id)
    return member


# --- rotation -----------------------------------------------------------------------------


def periods(year: int, months: int) -> list[tuple[dt.date, dt.date]]:
    """The periods of a year of `months` months each: [(start, end exclusive)]."""
    out = []
    for first in range(1, 13, months):
        last = first + months
        end = dt.date(year + (last > 12), (last - 1) % 12 + 1, 1)
        out.append((dt.date(year, first, 1), end))
    return out


def generate_rotation(*, actor: Any, committee: JointCommittee, year: int) -> list[RotationSlot]:
    """Create the year's rotation calendar (period from the policy in force on 1 January) and
    give each period not yet locked its chair, continuing the order from the last period before
    the year. Periods that have already started are never changed."""
    _manage(actor, committee)
    rules = get_policy(JOINT_COMMITTEE, committee.organization.node, on=dt.date(year, 1, 1))
    with transaction.atomic():
        existing = set(
            committee.rotation.filter(starts_on__year=year).values_list("starts_on", flat=True)
        )
        RotationSlot.objects.bulk_create(
            [
                RotationSlot(committee=committee, starts_on=start, ends_on=end)
                for start, end in periods(year, MONTHS[rules.rotation_period])
                if start not in existing
            ]
        )
        recompute_rotation(committee, dt.date(year, 1, 1))
        record(actor, "committee.generate_rotation", committee, year=year)
    return list(committee.rotation.filter(starts_on__year=year))


def _locked(slot: RotationSlot, today: dt.date) -> bool:
    """A period that has started (or been handed over) keeps its chair."""
    return slot.unit_id is not None and (
        slot.starts_on <= today or slot.status != SlotStatus.SCHEDULED
    )


def recompute_rotation(committee: JointCommittee, from_date: dt.date) -> int:
    """Give every period that starts on or after `from_date` (and has not started) its chair:
    the next eligible unit in rotation order after the chair of the last period kept. Periods
    before `from_date` never change. Returns the number of periods changed."""
    today = _today()
    units = list(committee.units.order_by("rotation_order", "pk"))
    key = {u.unit_id: (u.rotation_order, u.pk) for u in units}
    slots = list(committee.rotation.select_for_update().order_by("starts_on"))
    previous = None
    changed = 0
    for slot in slots:
        if slot.starts_on < from_date or _locked(slot, today):
            previous = slot.unit_id
            continue
        eligible = [
            u
            for u in units
            if u.in_rotation
            and u.joined_on < slot.ends_on
            and (u.left_on is None or u.left_on > slot.starts_on)
        ]
        chosen = None
        if eligible:
            after = key.get(previous) if previous is not None else None
            later = [u for u in eligible if after is None or (u.rotation_order, u.pk) > after]
            chosen = (later or eligible)[0].unit_id
        if slot.unit_id != chosen:
            RotationSlot.objects.filter(pk=slot.pk).update(unit_id=chosen)
            changed += 1
        previous = chosen
    return changed


def current_slot(committee: JointCommittee, on: dt.date | None = None) -> RotationSlot | None:
    on = on or _today()
    return committee.rotation.filter(starts_on__lte=on, ends_on__gt=on).first()


def _act_for_slot(actor: Any, slot: RotationSlot, message: str) -> None:
    committee = slot.committee
    if actor.has_perm("organizations.manage_committee", committee.organization):
        return
    if slot.unit is not None and actor.has_perm("organizations.act_for_unit", slot.unit):
        return
    raise NotAllowed(message)


def set_activity_plan(*, actor: Any, slot: RotationSlot, plan: str) -> RotationSlot:
    """The chair unit writes the period's activity plan (or the committee's managers)."""
    _act_for_slot(actor, slot, _("Only the chair unit plans this period."))
    plan = (plan or "").strip()
    if not plan:
        raise ActionError(_("Write the plan."), field="plan")
    if slot.status == SlotStatus.HANDED_OVER:
        raise ActionError(_("This period has been handed over."))
    with transaction.atomic():
        RotationSlot.objects.filter(pk=slot.pk).update(plan=plan)
        slot.plan = plan
        record(actor, "committee.plan", slot.committee, slot=slot.pk)
    return slot


def start_chair(*, actor: Any, slot: RotationSlot) -> RotationSlot:
    """The chair unit takes the chair for its period (SCHEDULED → ACTIVE)."""
    _act_for_slot(actor, slot, _("Only the chair unit takes this chair."))
    if slot.unit_id is None:
        raise ActionError(_("No unit chairs this period."))
    with transaction.atomic():
        transition(
            slot, SlotStatus.ACTIVE, table=SLOT_TRANSITIONS, events=RotationEvent, actor=actor
        )
    return slot


def hand_over(*, actor: Any, slot: RotationSlot, summary: str = "") -> RotationSlot:
    """Hand the chair over to the next period's unit: the period is closed with its summary,
    the next one becomes active and its unit is told."""
    _act_for_slot(actor, slot, _("Only the chair unit hands over."))
    nxt = (
        slot.committee.rotation.filter(starts_on__gte=slot.ends_on)
        .select_related("unit")
        .order_by("starts_on")
        .first()
    )
    with transaction.atomic():
        transition(
            slot,
            SlotStatus.HANDED_OVER,
            table=SLOT_TRANSITIONS,
            events=RotationEvent,
            actor=actor,
            note=summary,
            extra_updates={"summary": summary},
        )
        if nxt is not None and nxt.unit is not None and nxt.status == SlotStatus.SCHEDULED:
            transition(
                nxt,
                SlotStatus.ACTIVE,
                table=SLOT_TRANSITIONS,
                events=RotationEvent,
                actor=actor,
                note="hand-over",
            )
            notify(
                unit_users(nxt.unit),
                "organizations.chair_handed_over",
                _("Your unit now chairs %(committee)s") % {"committee": slot.committee},
            )
    return slot


# --- meetings and decisions ---------------------------------------------------------------


def convene_meeting(
    *, actor: Any, committee: JointCommittee, at: dt.datetime, topics: str, place: str = ""
) -> CommitteeMeeting:
    """The chair unit of the period convenes the committee (topics fixed `notice_days` ahead,
    by policy). Members are notified."""
    slot = current_slot(committee, timezone.localtime(at).date())
    if slot is None:
        if not actor.has_perm("organizations.manage_committee", committee.organization):
            raise NotAllowed(_("Only the chair unit convenes this meeting."))
    else:
        _act_for_slot(actor, slot, _("Only the chair unit convenes this meeting."))
    topics = (topics or "").strip()
    if not topics:
        raise ActionError(_("List the topics."), field="topics")
    rules = get_policy(JOINT_COMMITTEE, committee.organization.node)
    if at < timezone.now() + dt.timedelta(days=rules.notice_days):
        raise ActionError(
            _("Topics must be fixed %(days)s days ahead.") % {"days": rules.notice_days},
            field="at",
        )
    with transaction.atomic():
        meeting = CommitteeMeeting.objects.create(
            committee=committee,
            slot=slot,
            chair_unit=slot.unit if slot else None,
            at=at,
            place=place,
            topics=topics,
            called_by=actor,
        )
        record(actor, "committee.convene", committee, meeting=str(meeting.uuid))
        notify(
            member_users(committee),
            "organizations.meeting_called",
            _("%(committee)s meets on %(at)s")
            % {"committee": committee, "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")},
        )
    return meeting


def record_minutes(*, actor: Any, meeting: CommitteeMeeting, minutes: str) -> CommitteeMeeting:
    if meeting.slot is not None:
        _act_for_slot(actor, meeting.slot, _("Only the chair unit keeps these minutes."))
    else:
        _manage(actor, meeting.committee)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ActionError(_("Write the minutes."), field="minutes")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ActionError(_("This meeting was cancelled."))
    with transaction.atomic():
        CommitteeMeeting.objects.filter(pk=meeting.pk).update(
            minutes=minutes, status=MeetingStatus.HELD
        )
        meeting.minutes, meeting.status = minutes, MeetingStatus.HELD
        record(actor, "committee.minutes", meeting.committee, meeting=str(meeting.uuid))
    return meeting


def propose_decision(
    *,
    actor: Any,
    committee: JointCommittee,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime | None = None,
    meeting: CommitteeMeeting | None = None,
    description: str = "",
) -> CommitteeDecision:
    """Put a matter to the committee: a yes/no vote of the voting app whose electorate is the
    members of the committee's body, under the "plain majority of a body" rule."""
    from cogov.voting.actions import create_vote

    _manage(actor, committee)
    with transaction.atomic():
        vote = create_vote(
            actor=actor,
            node=committee.organization.node,
            title=title,
            electorate="body",
            rule="body_majority",
            opens_at=opens_at,
            closes_at=closes_at,
            organization=committee.organization,
            description=description,
            secret=False,
        )
        decision = CommitteeDecision.objects.create(
            committee=committee, meeting=meeting, title=vote.title, vote_uuid=vote.uuid
        )
        record(actor, "committee.propose", committee, vote=str(vote.uuid))
    return decision


# --- agreements ---------------------------------------------------------------------------


def sign_agreement(
    *,
    actor: Any,
    committee: JointCommittee,
    unit: Organization,
    scope: str,
    starts_on: dt.date,
    ends_on: dt.date,
    resources: Iterable[str] = (),
    pledged_hours: int = 0,
) -> Agreement:
    """Record a co-construction agreement with a member unit: scope, pledged resources and
    hours, term."""
    _manage(actor, committee)
    if not committee.units.filter(unit=unit).exists():
        raise ActionError(_("Admit the unit to the committee first."), field="unit")
    scope = (scope or "").strip()
    if not scope:
        raise ActionError(_("Describe the scope."), field="scope")
    if ends_on <= starts_on:
        raise ActionError(_("An agreement must end after it starts."), field="ends_on")
    if pledged_hours < 0:
        raise ActionError(_("Hours cannot be negative."), field="pledged_hours")
    clean = [r.strip() for r in resources if r and r.strip()]
    with transaction.atomic():
        agreement = Agreement.objects.create(
            committee=committee,
            unit=unit,
            scope=scope,
            resources=clean,
            pledged_hours=pledged_hours,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        record(actor, "agreement.sign", agreement, unit=unit.pk)
    return agreement


def end_agreement(*, actor: Any, agreement: Agreement, reason: str) -> Agreement:
    _manage(actor, agreement.committee)
    if agreement.status != AgreementStatus.ACTIVE:
        raise ActionError(_("This agreement has ended."))
    with transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ENDED)
        agreement.status = AgreementStatus.ENDED
        record(actor, "agreement.end", agreement, reason=reason)
    return agreement


def open_review(*, actor: Any, agreement: Agreement, year: int) -> AgreementReview:
    """The community opens the yearly review of an agreement; the unit is asked to report."""
    _manage(actor, agreement.committee)
    if not agreement.starts_on.year <= year <= agreement.ends_on.year:
        raise ActionError(_("The agreement was not in force that year."), field="year")
    try:
        with transaction.atomic():
            review = AgreementReview.objects.create(agreement=agreement, year=year)
            ReviewEvent.objects.create(subject=review, actor=actor, to_status=ReviewStatus.OPEN)
            notify(
                unit_users(agreement.unit),
                "organizations.review_opened",
                _("Report on your co-construction agreement for %(year)s") % {"year": year},
            )
    except IntegrityError:
        raise ActionError(_("That year's review is already open."), field="year") from None
    return review


def submit_review(*, actor: Any, review: AgreementReview, self_report: str) -> AgreementReview:
    """The unit reports what it delivered."""
    _require(
        actor,
        "organizations.act_for_unit",
        review.agreement.unit,
        _("Only the unit reports on its agreement."),
    )
    self_report = (self_report or "").strip()
    if not self_report:
        raise ActionError(_("Say what the unit delivered."), field="self_report")
    with transaction.atomic():
        transition(
            review,
            ReviewStatus.SUBMITTED,
            table=REVIEW_TRANSITIONS,
            events=ReviewEvent,
            actor=actor,
            extra_updates={"self_report": self_report},
        )
    return review


def conclude_review(
    *,
    actor: Any,
    review: AgreementReview,
    rating: str = "",
    conclusion: str = "",
    accept: bool = True,
) -> AgreementReview:
    """The community concludes the review with a rating, or returns it to the unit."""
    _manage(actor, review.agreement.committee)
    with transaction.atomic():
        if accept:
            if not rating.strip():
                raise ActionError(_("Give a rating."), field="rating")
            transition(
                review,
                ReviewStatus.CONCLUDED,
                table=REVIEW_TRANSITIONS,
                events=ReviewEvent,
                actor=actor,
                note=conclusion,
                extra_updates={"rating": rating.strip(), "conclusion": conclusion},
            )
        else:
            transition(
                review,
                ReviewStatus.OPEN,
                table=REVIEW_TRANSITIONS,
                events=ReviewEvent,
                actor=actor,
                note=conclusion,
            )
        notify(
            unit_users(review.agreement.unit),
            "organizations.review_concluded" if accept else "organizations.review_returned",
            _("Your agreement review for %(year)s: %(state)s")
            % {"year": review.year, "state": review.get_status_display()},
        )
    return review
