"""Notice periods are enforced, the quorum is counted live from sign-ins, rules of order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cogov.core.errors import ActionError, NotAllowed
from cogov.deliberation import actions as a
from cogov.deliberation.models import Meeting

from .conftest import let_notice_run

pytestmark = pytest.mark.django_db


def _assembly(w, days: int) -> Meeting:
    return a.schedule_meeting(
        actor=w.community_worker,
        node=w.C1,
        title="业主大会",
        body="owners_assembly",
        starts_at=timezone.now() + dt.timedelta(days=days),
        rule="owners_joint",
    )


def test_owners_assembly_needs_fifteen_days_notice(delib) -> None:
    w = delib
    meeting = _assembly(w, 10)
    assert meeting.notice_days == 15
    with pytest.raises(ActionError) as exc:
        a.give_notice(actor=w.community_worker, meeting=meeting)
    assert exc.value.field == "starts_at"
    meeting.refresh_from_db()
    assert meeting.status == "draft" and meeting.noticed_at is None

    later = _assembly(w, 16)
    a.give_notice(actor=w.community_worker, meeting=later)
    with pytest.raises(ActionError):  # the period has not run yet
        a.open_meeting(actor=w.community_worker, meeting=later)
    let_notice_run(later)
    a.open_meeting(actor=w.community_worker, meeting=later)
    assert later.status == "in_session"


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_quorum_is_counted_live(delib, client_for) -> None:
    w = delib
    meeting = a.schedule_meeting(
        actor=w.community_worker,
        node=w.C1,
        title="居民会议",
        body="residents_meeting",
        starts_at=timezone.now() + dt.timedelta(days=8),
        rule="residents_meeting",
    )
    a.give_notice(actor=w.community_worker, meeting=meeting)
    participants = list(meeting.participants.order_by("pk"))
    assert len(participants) == 4  # one representative per household of C1
    q = a.quorum(meeting)
    assert (q.present_heads, q.entitled_heads, q.reached) == (0, 4, False)

    client = client_for("community_worker")
    url = f"/deliberation/meetings/{meeting.uuid}/quorum/"
    mine = next(p for p in participants if w.resident.pk in p.accounts)
    first = next(p for p in participants if p.pk != mine.pk)
    a.sign_in(actor=w.community_worker, participant=first)
    # The resident signs themself in (their household's representative).
    a.sign_in(actor=w.resident, participant=mine)
    html = client.get(url).content.decode()
    assert 'data-testid="present">2<' in html and "No quorum yet" in html  # 2/4 is not > 1/2
    third = next(p for p in participants if p.pk not in (mine.pk, first.pk))
    a.sign_in(actor=w.community_worker, participant=third)
    html = client.get(url).content.decode()
    assert 'data-testid="present">3<' in html and "Quorum reached" in html
    assert a.quorum(meeting).reached is True
    with pytest.raises(ActionError):
        a.sign_in(actor=w.community_worker, participant=third)
    other = next(p for p in participants if p.pk not in (mine.pk, first.pk, third.pk))
    with pytest.raises(NotAllowed):
        a.sign_in(actor=w.resident, participant=other)  # not theirs


def test_rules_of_order(delib) -> None:
    w = delib
    meeting = a.schedule_meeting(
        actor=w.community_worker,
        node=w.C1,
        title="两委会",
        body="two_committees",
        starts_at=timezone.now() + dt.timedelta(days=2),
        rule="body_majority",
    )
    a.give_notice(actor=w.community_worker, meeting=meeting)
    let_notice_run(meeting)
    a.open_meeting(actor=w.community_worker, meeting=meeting)
    for p in meeting.participants.all():
        a.sign_in(actor=w.community_worker, participant=p)
    member = w.rc_members[0]
    motion = a.move_motion(actor=member, meeting=meeting, motion_text="同意")
    assert motion.status == "moved"
    with pytest.raises(ActionError):
        a.move_motion(actor=w.rc_members[1], meeting=meeting, motion_text="另一个")  # one at a time
    with pytest.raises(ActionError):
        a.second_motion(actor=member, motion=motion)  # not one's own
    a.second_motion(actor=w.rc_members[1], motion=motion)
    for _ in range(2):
        a.record_speech(actor=w.community_worker, motion=motion, speaker=member, position="for")
    with pytest.raises(ActionError) as exc:
        a.record_speech(actor=w.community_worker, motion=motion, speaker=member, position="for")
    assert exc.value.field == "speaker"
    a.put_to_vote(actor=w.community_worker, motion=motion)
    a.cast_on_motion(actor=w.rc_members[2], motion=motion, choice="for")
    a.record_hands(
        actor=w.community_worker,
        motion=motion,
        choices={f"user:{member.pk}": "for", f"user:{w.rc_members[1].pk}": "against"},
    )
    a.close_motion_vote(actor=w.community_worker, motion=motion)
    motion.refresh_from_db()
    assert motion.status == "carried" and motion.result["outcome"] == "passed"
