"""Committee meetings convened by the chair unit (with notice by policy) and their minutes, and
decisions put to the members through the voting app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.audit import record
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.policies import get_policy

from ...models import CommitteeDecision, CommitteeMeeting, JointCommittee, MeetingStatus
from ...policy_kinds import JOINT_COMMITTEE
from .common import _manage, member_users
from .rotation import _act_for_slot, current_slot


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
