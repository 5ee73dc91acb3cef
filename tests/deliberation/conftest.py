from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cogov.accounts.models import Membership, User
from cogov.core.models import Policy
from cogov.deliberation import actions as a
from cogov.deliberation.models import Meeting, Procedure


@pytest.fixture
def delib(world: Any) -> Any:
    """The world plus what a community's bodies need: members of the residents' committee
    (the two committees' voting body) and a low co-signature threshold (2) for C1."""
    members = []
    for i in range(3):
        user = User.objects.create_user(f"rc{i}", password=f"pw-rc{i}", display_name=f"委员{i}")
        Membership.objects.create(user=user, role="org_staff", organization=world.orgs["rc"])
        members.append(user)
    world.users["rc_members"] = members  # type: ignore[assignment]
    Policy.objects.create(
        kind="deliberation.topics",
        node=world.C1,
        effective_from=dt.date(2020, 1, 1),
        value={"cosign_threshold": 2, "cosign_days": 30, "triage_working_days": 5},
    )
    # Two more verified residents of C1 with accounts, to co-sign.
    for key, person in (("neighbour1", "G11-1-101-配偶"), ("neighbour2", "G12-1-102-户主")):
        user = User.objects.create_user(key, password=f"pw-{key}", display_name=key)
        Membership.objects.create(user=user, role="resident", node=world.C1)
        p = world.people[person]
        p.user = user
        p.save()
        world.users[key] = user
    return world


def four_deliberations() -> Procedure:
    return Procedure.objects.get(key="four-deliberations-two-disclosures")


def let_notice_run(meeting: Meeting) -> None:
    """Pretend the notice was given long enough ago (the tests do not wait for days)."""
    earlier = timezone.now() - dt.timedelta(days=meeting.notice_days, minutes=1)
    Meeting.objects.filter(pk=meeting.pk).update(noticed_at=earlier, starts_at=timezone.now())
    meeting.refresh_from_db()


def hold_meeting(
    topic: Any,
    staff: Any,
    *,
    choice: str | None = "for",
    sign_in_all: bool = True,
    minutes: str = "会议纪要：与会人员充分讨论。",
) -> Meeting:
    """Schedule, notice, open, sign everyone in, vote a motion (if the step has a rule),
    close and write minutes: the meeting of the topic's current step."""
    starts = timezone.now() + dt.timedelta(days=40)
    meeting = a.schedule_meeting(
        actor=staff,
        node=topic.node,
        topic=topic,
        title="会议",
        starts_at=starts,
        body="",
        place="社区会议室",
    )
    a.give_notice(actor=staff, meeting=meeting)
    let_notice_run(meeting)
    a.open_meeting(actor=staff, meeting=meeting)
    if sign_in_all:
        for p in meeting.participants.all():
            a.sign_in(actor=staff, participant=p)
    if meeting.rule:
        motion = a.move_motion(actor=staff, meeting=meeting, motion_text=f"同意：{topic.title}")
        if motion.status == "moved":
            a.second_motion(actor=staff, motion=motion, seconder=topic.proposer)
        a.put_to_vote(actor=staff, motion=motion)
        present = meeting.participants.filter(signed_in_at__isnull=False)
        if choice:
            a.record_hands(actor=staff, motion=motion, choices={p.key: choice for p in present})
        a.close_motion_vote(actor=staff, motion=motion)
    a.close_meeting(actor=staff, meeting=meeting)
    a.write_minutes(actor=staff, meeting=meeting, minutes=minutes)
    return meeting


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read English messages; the shipped zh-hans catalog would translate them."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
