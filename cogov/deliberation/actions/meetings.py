"""Meetings: scheduling with the body's notice period, participants from the voting app's
electorates, sign-in, live quorum, motions under simple rules of order with a vote through the
voting app, minutes with attachments and signatures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from .. import voting_bridge
from ..models import (
    AgendaItem,
    Meeting,
    MeetingEvent,
    MeetingStatus,
    MinutesAttachment,
    MinutesSignature,
    Motion,
    MotionEvent,
    MotionStatus,
    Participant,
    ParticipantRole,
    Position,
    Speech,
    StepKind,
    Topic,
    TopicStep,
)
from ..models.meetings import MEETING_TRANSITIONS, MOTION_TRANSITIONS
from .common import meeting_url, require, text

M = MeetingStatus
MO = MotionStatus
PENDING_MOTION = (MO.MOVED, MO.DEBATE, MO.VOTING)

ROLE_OF_ELECTORATE = {
    "households": ParticipantRole.HOUSEHOLD,
    "owners": ParticipantRole.OWNER,
    "residents": ParticipantRole.RESIDENT,
    "party_members": ParticipantRole.PARTY_MEMBER,
    "body": ParticipantRole.MEMBER,
}


def notice_days_for(body: str, node: Any, step: Any = None) -> int:
    """The notice period of a meeting: the step's own number, else the body's policy."""
    if step is not None and step.notice_days is not None:
        return int(step.notice_days)
    return get_policy("deliberation.notice_periods", node).for_body(body)


def schedule_meeting(
    *,
    actor: Any,
    node: Any,
    title: str,
    starts_at: dt.datetime,
    body: str,
    place: str = "",
    topic: Topic | None = None,
    rule: str | None = None,
    electorate: str | None = None,
    organization: Any = None,
    agenda: list[str] | None = None,
) -> Meeting:
    """Draft a meeting. For a topic, the meeting belongs to its current meeting step and takes
    the step's body, rule and notice period; otherwise the body's defaults."""
    require(actor, "deliberation.organise_meeting", node, _("You may not organise meetings here."))
    title = text(title, "title", _("A meeting needs a title."))
    if starts_at is None:
        raise ActionError(_("Give the date and time of the meeting."), field="starts_at")
    topic_step: TopicStep | None = None
    step = None
    if topic is not None:
        from .topics import current_step

        topic_step = current_step(topic)
        if topic_step is None or topic_step.step.kind != StepKind.MEETING:
            raise ActionError(_("The topic's current step is not a meeting."), field="topic")
        step = topic_step.step
        node = topic.node
        body = step.body
        rule = step.rule if rule is None else rule
    rule = rule or ""
    if rule and not voting_bridge.rule_exists(rule):
        raise ActionError(f"unknown rule {rule!r}", field="rule")
    default_kind, default_org = voting_bridge.default_electorate(body, node)
    electorate = default_kind if electorate is None else electorate
    organization = organization or default_org
    if electorate in ("body", "party_members") and organization is None:
        raise ActionError(_("Name the body whose members meet."), field="organization")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            node=node,
            topic=topic,
            topic_step=topic_step,
            body=body,
            organization=organization,
            title=title[:200],
            place=place,
            starts_at=starts_at,
            notice_days=notice_days_for(body, node, step),
            electorate=electorate,
            rule=rule,
            matter=step.matter if step else "ordinary",
            created_by=actor,
            chair=actor,
        )
        for order, item in enumerate(agenda or [topic.title if topic else title], start=1):
            AgendaItem.objects.create(meeting=meeting, order=order, title=item[:200])
        MeetingEvent.objects.create(subject=meeting, actor=actor, to_status=M.DRAFT)
    return meeting


def add_agenda_item(*, actor: Any, meeting: Meeting, title: str, notes: str = "") -> AgendaItem:
    require(actor, "deliberation.organise_meeting", meeting)
    title = text(title, "title", _("Name the agenda item."))
    if meeting.status not in (M.DRAFT, M.NOTICED):
        raise ActionError(_("The agenda is fixed once the meeting is in session."), field="status")
    order = (meeting.agenda.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return AgendaItem.objects.create(meeting=meeting, order=order, title=title, notes=notes)


def _fill_participants(meeting: Meeting) -> int:
    drafts = voting_bridge.electorate_drafts(meeting, timezone.localdate(meeting.starts_at))
    role = ROLE_OF_ELECTORATE.get(meeting.electorate, ParticipantRole.MEMBER)
    existing = set(meeting.participants.values_list("key", flat=True))
    rows = [
        Participant(
            meeting=meeting,
            key=d.key[:80],
            label=d.label[:200],
            role=role,
            person_id=d.person_id,
            accounts=sorted(d.accounts),
            user_id=min(d.accounts) if d.accounts else None,
            heads=d.heads,
            area=d.area,
        )
        for d in drafts
        if d.key not in existing
    ]
    Participant.objects.bulk_create(rows)
    return len(rows)


def add_participant(
    *, actor: Any, meeting: Meeting, user: Any, role: str = ParticipantRole.MEMBER
) -> Participant:
    """Invite one more person (a member of a consultation, an observer)."""
    require(actor, "deliberation.organise_meeting", meeting)
    if meeting.status in (M.CLOSED, M.CANCELLED):
        raise ActionError(_("The meeting is over."), field="status")
    if role not in ParticipantRole.values:
        raise ActionError(f"unknown role {role!r}", field="role")
    try:
        with transaction.atomic():
            return Participant.objects.create(
                meeting=meeting,
                key=f"user:{user.pk}",
                label=str(user),
                role=role,
                user=user,
                accounts=[user.pk],
                heads=0 if role == ParticipantRole.OBSERVER else 1,
            )
    except IntegrityError:
        raise ActionError(_("Already a participant."), field="user") from None


def give_notice(*, actor: Any, meeting: Meeting) -> Meeting:
    """Publish the notice: the meeting may not start before the body's notice period has run
    (e.g. 15 days for an owners' assembly). Participants are taken from the electorate now."""
    require(actor, "deliberation.organise_meeting", meeting)
    now = timezone.now()
    earliest = now + dt.timedelta(days=meeting.notice_days)
    if meeting.starts_at < earliest:
        raise ActionError(
            _(
                "A meeting of this body needs %(days)s days' notice: it cannot start before "
                "%(date)s."
            )
            % {
                "days": meeting.notice_days,
                "date": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M"),
            },
            field="starts_at",
        )
    with transaction.atomic():
        transition(
            meeting,
            M.NOTICED,
            table=MEETING_TRANSITIONS,
            events=MeetingEvent,
            actor=actor,
            evidence={
                "notice_days": meeting.notice_days,
                "starts_at": meeting.starts_at.isoformat(),
            },
            extra_updates={"noticed_at": now},
        )
        invited = _fill_participants(meeting)
        from django.contrib.auth import get_user_model

        ids = {
            uid
            for accounts in meeting.participants.values_list("accounts", flat=True)
            for uid in accounts
        }
        notify(
            get_user_model().objects.filter(pk__in=ids),
            "deliberation.meeting_notice",
            _("Meeting notice: %(title)s") % {"title": meeting.title},
            body=f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M} {meeting.place}",
            url=meeting_url(meeting),
        )
        audit.record(actor, "deliberation.notice", meeting, invited=invited)
    return meeting


def open_meeting(*, actor: Any, meeting: Meeting) -> Meeting:
    """Open the session. Refused while the notice period has not run."""
    require(actor, "deliberation.organise_meeting", meeting)
    now = timezone.now()
    if meeting.noticed_at is None:
        raise ActionError(_("Give notice of the meeting first."), field="status")
    ready = meeting.noticed_at + dt.timedelta(days=meeting.notice_days)
    if now < ready:
        raise ActionError(
            _("The notice period runs until %(date)s.")
            % {"date": timezone.localtime(ready).strftime("%Y-%m-%d %H:%M")},
            field="starts_at",
        )
    with transaction.atomic():
        transition(
            meeting,
            M.IN_SESSION,
            table=MEETING_TRANSITIONS,
            events=MeetingEvent,
            actor=actor,
            evidence=quorum(meeting).as_dict(),
            extra_updates={"opened_at": now},
        )
    return meeting


def sign_in(*, actor: Any, participant: Participant) -> Participant:
    """Sign a participant in: the participant themself, or staff at the door."""
    meeting = participant.meeting
    own = getattr(actor, "pk", None) in (participant.accounts or [])
    if not own:
        require(actor, "deliberation.organise_meeting", meeting, _("You may not sign others in."))
    if meeting.status not in (M.NOTICED, M.IN_SESSION):
        raise ActionError(_("Sign-in is open from the notice to the close."), field="status")
    updated = Participant.objects.filter(pk=participant.pk, signed_in_at__isnull=True).update(
        signed_in_at=timezone.now(), signed_in_by=actor
    )
    if not updated:
        raise ActionError(_("Already signed in."), field="participant")
    participant.refresh_from_db()
    MeetingEvent.objects.create(
        subject=meeting,
        actor=actor,
        from_status=meeting.status,
        to_status=meeting.status,
        note="sign-in",
        evidence={"participant": participant.key, "by_self": own},
    )
    return participant


@dataclass
class Quorum:
    entitled_heads: int = 0
    present_heads: int = 0
    entitled_area: Decimal = Decimal(0)
    present_area: Decimal = Decimal(0)
    tests: list[Any] = field(default_factory=list)

    @property
    def reached(self) -> bool | None:
        """None: the meeting has no rule to test."""
        if not self.tests:
            return None
        return all(t.passed for t in self.tests)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entitled_heads": self.entitled_heads,
            "present_heads": self.present_heads,
            "entitled_area": f"{self.entitled_area:.2f}",
            "present_area": f"{self.present_area:.2f}",
            "reached": self.reached,
            "tests": [t.explain() for t in self.tests],
        }


def quorum(meeting: Meeting) -> Quorum:
    """Who is here against who should be, tested against the rule's participation thresholds,
    computed from the sign-in rows each time it is asked (two queries)."""
    rows = list(meeting.participants.values_list("heads", "area", "signed_in_at"))
    q = Quorum(
        entitled_heads=sum(h for h, _a, _s in rows),
        present_heads=sum(h for h, _a, s in rows if s),
        entitled_area=sum((a for _h, a, _s in rows), Decimal(0)),
        present_area=sum((a for _h, a, s in rows if s), Decimal(0)),
    )
    q.tests = voting_bridge.quorum_tests(
        meeting,
        {"heads": Fraction(q.present_heads), "area": Fraction(q.present_area)},
        {"heads": Fraction(q.entitled_heads), "area": Fraction(q.entitled_area)},
    )
    return q


def _in_session(meeting: Meeting) -> None:
    if meeting.status != M.IN_SESSION:
        raise ActionError(_("The meeting is not in session."), field="status")


def move_motion(
    *,
    actor: Any,
    meeting: Meeting,
    motion_text: str,
    agenda_item: AgendaItem | None = None,
    mover: Any = None,
) -> Motion:
    """Move a motion (one pending main motion at a time). Staff may record a motion moved
    from the floor by a participant (`mover`)."""
    mover = mover or actor
    if mover != actor:
        require(actor, "deliberation.organise_meeting", meeting)
    elif not _is_present(meeting, actor):
        require(
            actor,
            "deliberation.organise_meeting",
            meeting,
            _("Only participants who signed in move motions."),
        )
    _in_session(meeting)
    body = text(motion_text, "text", _("State the motion."))
    if meeting.motions.filter(status__in=PENDING_MOTION).exists():
        raise ActionError(
            _("Dispose of the pending motion first (one thing at a time)."), field="text"
        )
    second = get_policy("deliberation.rules_of_order", meeting.node).second_required
    with transaction.atomic():
        motion = Motion.objects.create(
            meeting=meeting,
            agenda_item=agenda_item,
            text=body,
            mover=mover,
            status=MO.MOVED if (second and meeting.rules_of_order) else MO.DEBATE,
        )
        MotionEvent.objects.create(subject=motion, actor=actor, to_status=motion.status)
    return motion


def _is_present(meeting: Meeting, user: Any) -> bool:
    return any(
        user.pk in (accounts or [])
        for accounts in meeting.participants.filter(signed_in_at__isnull=False).values_list(
            "accounts", flat=True
        )
    )


def second_motion(*, actor: Any, motion: Motion, seconder: Any = None) -> Motion:
    seconder = seconder or actor
    if seconder != actor:
        require(actor, "deliberation.organise_meeting", motion.meeting)
    elif not _is_present(motion.meeting, actor):
        raise NotAllowed(_("Only participants who signed in second motions."))
    if seconder.pk == motion.mover_id:
        raise ActionError(_("The mover cannot second their own motion."), field="seconder")
    with transaction.atomic():
        transition(
            motion,
            MO.DEBATE,
            table=MOTION_TRANSITIONS,
            events=MotionEvent,
            actor=actor,
            extra_updates={"seconder": seconder},
        )
    return motion


def record_speech(
    *, actor: Any, motion: Motion, speaker: Any, position: str, summary: str = ""
) -> Speech:
    """The chair gives the floor: at most N speeches per member and motion (policy)."""
    require(actor, "deliberation.organise_meeting", motion.meeting)
    if motion.status != MO.DEBATE:
        raise ActionError(_("The motion is not under debate."), field="status")
    if position not in Position.values:
        raise ActionError(_("Say for or against first."), field="position")
    rules_ = get_policy("deliberation.rules_of_order", motion.meeting.node)
    spoken = motion.speeches.filter(speaker=speaker).count()
    if motion.meeting.rules_of_order and spoken >= rules_.speeches_per_motion:
        raise ActionError(
            _("%(name)s has already spoken %(n)s times on this motion.")
            % {"name": speaker, "n": spoken},
            field="speaker",
        )
    return Speech.objects.create(
        motion=motion,
        speaker=speaker,
        position=position,
        summary=summary[:500],
        minutes_allowed=rules_.speech_minutes,
        recorded_by=actor,
    )


def withdraw_motion(*, actor: Any, motion: Motion) -> Motion:
    if actor.pk != motion.mover_id:
        require(actor, "deliberation.organise_meeting", motion.meeting)
    with transaction.atomic():
        transition(motion, MO.WITHDRAWN, table=MOTION_TRANSITIONS, events=MotionEvent, actor=actor)
    return motion


def put_to_vote(*, actor: Any, motion: Motion) -> Motion:
    """Close debate and open the vote on the motion in the voting app (an open vote of the
    meeting's electorate under the meeting's rule)."""
    meeting = motion.meeting
    require(actor, "deliberation.organise_meeting", meeting)
    _in_session(meeting)
    if not meeting.rule or not meeting.electorate:
        raise ActionError(_("This meeting has no voting rule."), field="rule")
    with transaction.atomic():
        vote = voting_bridge.open_motion_vote(actor=actor, meeting=meeting, motion=motion)
        transition(
            motion,
            MO.VOTING,
            table=MOTION_TRANSITIONS,
            events=MotionEvent,
            actor=actor,
            evidence={"vote": str(vote.uuid)},
            extra_updates={"vote_uuid": vote.uuid},
        )
    return motion


def record_hands(*, actor: Any, motion: Motion, choices: dict[str, str]) -> int:
    """Enter the choices shown in the hall (participant key → for / against / abstain) as
    ballots of the voting app. Only signed-in participants vote in the hall."""
    meeting = motion.meeting
    require(actor, "deliberation.organise_meeting", meeting)
    if motion.status != MO.VOTING:
        raise ActionError(_("The motion is not being voted on."), field="status")
    present = set(
        meeting.participants.filter(signed_in_at__isnull=False).values_list("key", flat=True)
    )
    absent = sorted(set(choices) - present)
    if absent:
        raise ActionError(
            _("Not signed in: %(keys)s") % {"keys": ", ".join(absent)}, field="choices"
        )
    with transaction.atomic():
        return voting_bridge.record_hands(actor=actor, motion=motion, choices=choices)


def cast_on_motion(*, actor: Any, motion: Motion, choice: str) -> None:
    """A participant votes on the motion from their own phone (through the voting app)."""
    if motion.status != MO.VOTING:
        raise ActionError(_("The motion is not being voted on."), field="status")
    voting_bridge.cast(actor=actor, motion=motion, choice=choice)


def close_motion_vote(*, actor: Any, motion: Motion) -> Motion:
    """Close and tally the vote in the voting app; the motion is carried when every threshold
    of the rule passed."""
    require(actor, "deliberation.organise_meeting", motion.meeting)
    with transaction.atomic():
        result = voting_bridge.close_and_tally(actor=actor, motion=motion)
        carried = result.get("outcome") == "passed"
        transition(
            motion,
            MO.CARRIED if carried else MO.FAILED,
            table=MOTION_TRANSITIONS,
            events=MotionEvent,
            actor=actor,
            note=str(result.get("summary", "")),
            evidence={"vote": str(motion.vote_uuid), "outcome": result.get("outcome")},
            extra_updates={"result": result},
        )
    return motion


def close_meeting(*, actor: Any, meeting: Meeting) -> Meeting:
    require(actor, "deliberation.organise_meeting", meeting)
    if meeting.motions.filter(status__in=PENDING_MOTION).exists():
        raise ActionError(_("A motion is still pending."), field="status")
    with transaction.atomic():
        transition(
            meeting,
            M.CLOSED,
            table=MEETING_TRANSITIONS,
            events=MeetingEvent,
            actor=actor,
            evidence=quorum(meeting).as_dict(),
            extra_updates={"closed_at": timezone.now()},
        )
    return meeting


def cancel_meeting(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    require(actor, "deliberation.organise_meeting", meeting)
    reason = text(reason, "reason", _("Say why the meeting is cancelled."))
    with transaction.atomic():
        transition(
            meeting,
            M.CANCELLED,
            table=MEETING_TRANSITIONS,
            events=MeetingEvent,
            actor=actor,
            note=reason,
        )
    return meeting


def write_minutes(*, actor: Any, meeting: Meeting, minutes: str) -> Meeting:
    require(actor, "deliberation.organise_meeting", meeting)
    if meeting.minutes_published_at:
        raise ActionError(_("Published minutes are not edited."), field="minutes")
    minutes = text(minutes, "minutes", _("Write the minutes."))
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes=minutes)
        meeting.minutes = minutes
        audit.record(actor, "deliberation.minutes", meeting, length=len(minutes))
    return meeting


def attach_to_minutes(*, actor: Any, meeting: Meeting, title: str, file: Any) -> MinutesAttachment:
    require(actor, "deliberation.organise_meeting", meeting)
    title = text(title, "title", _("Name the attachment."))
    if file is None:
        raise ActionError(_("Choose a file."), field="file")
    return MinutesAttachment.objects.create(
        meeting=meeting, title=title, file=file, uploaded_by=actor
    )


def sign_minutes(*, actor: Any, meeting: Meeting, capacity: str) -> MinutesSignature:
    """The chair, the recorder or a participant signs the minutes."""
    if not (
        _is_participant(meeting, actor) or actor.has_perm("deliberation.organise_meeting", meeting)
    ):
        raise NotAllowed(_("Only the chair, staff and participants sign the minutes."))
    if meeting.status != M.CLOSED or not meeting.minutes.strip():
        raise ActionError(_("The minutes are signed after the meeting."), field="status")
    capacity = text(capacity, "capacity", _("Say in what capacity you sign."))
    try:
        with transaction.atomic():
            return MinutesSignature.objects.create(meeting=meeting, user=actor, capacity=capacity)
    except IntegrityError:
        raise ActionError(_("You have already signed."), field="user") from None


def _is_participant(meeting: Meeting, user: Any) -> bool:
    return any(
        user.pk in (a or []) for a in meeting.participants.values_list("accounts", flat=True)
    )


def publish_minutes(*, actor: Any, meeting: Meeting) -> Meeting:
    require(actor, "deliberation.publish", meeting)
    if meeting.status != M.CLOSED or not meeting.minutes.strip():
        raise ActionError(_("Close the meeting and write the minutes first."), field="minutes")
    with transaction.atomic():
        updated = Meeting.objects.filter(pk=meeting.pk, minutes_published_at__isnull=True).update(
            minutes_published_at=timezone.now()
        )
        if not updated:
            raise ActionError(_("Already published."), field="minutes")
        meeting.refresh_from_db()
        MeetingEvent.objects.create(
            subject=meeting,
            actor=actor,
            from_status=meeting.status,
            to_status=meeting.status,
            note="minutes published",
        )
    return meeting
