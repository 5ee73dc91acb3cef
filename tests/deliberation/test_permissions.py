"""A test per role: residents propose, co-sign and comment; the party secretary triages and
convenes; community workers organise meetings and publish; the public reads the board. Each
denial changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cogov.core.errors import NotAllowed
from cogov.deliberation import actions as a
from cogov.deliberation.models import Comment, Meeting, Topic, TopicStatus

from .conftest import four_deliberations

pytestmark = pytest.mark.django_db


def _topic(w) -> Topic:
    return a.propose_topic(
        actor=w.party_secretary, node=w.C1, title="议题", description="说明", source="party"
    )


@pytest.mark.parametrize("persona", ["resident", "owner", "volunteer", "party_member"])
def test_residents_propose_cosign_and_comment(delib, persona) -> None:
    w = delib
    user = w.users[persona]
    topic = a.propose_topic(actor=user, node=w.C1, title="t", description="d")
    assert topic.status == TopicStatus.COLLECTING
    other = a.propose_topic(actor=w.neighbour1, node=w.C1, title="t2", description="d")
    a.cosign_topic(actor=user, topic=other)
    assert other.cosignatures.filter(user=user).exists()
    a.post_comment(actor=user, topic=other, body="赞成")
    with pytest.raises(NotAllowed):
        a.decline_topic(actor=user, topic=other, reason="x")
    with pytest.raises(NotAllowed):
        a.schedule_meeting(
            actor=user,
            node=w.C1,
            title="m",
            body="consultation",
            starts_at=timezone.now() + dt.timedelta(days=9),
        )
    assert Meeting.objects.count() == 0
    other.refresh_from_db()
    assert other.status == TopicStatus.COLLECTING


@pytest.mark.parametrize("persona", ["outsider", "community_worker_c2", "department_staff"])
def test_outsiders_may_not_propose_or_cosign_here(delib, persona) -> None:
    w = delib
    user = w.users[persona]
    with pytest.raises(NotAllowed):
        a.propose_topic(actor=user, node=w.C1, title="t", description="d")
    topic = a.propose_topic(actor=w.resident, node=w.C1, title="t", description="d")
    with pytest.raises(NotAllowed):
        a.cosign_topic(actor=user, topic=topic)
    assert topic.cosignatures.count() == 0
    assert not Topic.objects.visible_to(user).filter(pk=topic.pk).exists()
    client = Client()
    client.force_login(user)
    assert client.get(f"/deliberation/topics/{topic.uuid}/").status_code == 404


def test_party_secretary_triages_and_convenes(delib) -> None:
    w = delib
    topic = _topic(w)
    with pytest.raises(NotAllowed):
        a.accept_topic(actor=w.community_worker, topic=topic, procedure=four_deliberations())
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED
    a.accept_topic(actor=w.party_secretary, topic=topic, procedure=four_deliberations())
    topic.refresh_from_db()
    assert topic.status == TopicStatus.IN_PROCEDURE
    meeting = a.schedule_meeting(
        actor=w.party_secretary,
        node=w.C1,
        topic=topic,
        title="党组织会",
        body="",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    assert meeting.body == "party_organization"


def test_community_worker_organises_and_publishes_but_does_not_triage(delib) -> None:
    w = delib
    topic = _topic(w)
    with pytest.raises(NotAllowed):
        a.decline_topic(actor=w.community_worker, topic=topic, reason="不议")
    meeting = a.schedule_meeting(
        actor=w.community_worker,
        node=w.C1,
        title="协商会",
        body="consultation",
        starts_at=timezone.now() + dt.timedelta(days=5),
    )
    a.give_notice(actor=w.community_worker, meeting=meeting)
    assert meeting.status == "noticed"
    with pytest.raises(NotAllowed):  # another community's worker
        a.cancel_meeting(actor=w.community_worker_c2, meeting=meeting, reason="x")


def test_moderation_needs_a_reason_and_the_author_may_appeal(delib) -> None:
    w = delib
    topic = _topic(w)
    comment = a.post_comment(actor=w.resident, topic=topic, body="不文明的话")
    with pytest.raises(NotAllowed):
        a.hide_comment(actor=w.owner, comment=comment, reason="x")
    a.report_abuse(actor=w.owner, comment=comment, reason="人身攻击")
    from cogov.core.errors import ActionError

    with pytest.raises(ActionError):
        a.hide_comment(actor=w.community_worker, comment=comment, reason=" ")
    a.hide_comment(actor=w.community_worker, comment=comment, reason="人身攻击")
    comment.refresh_from_db()
    assert comment.status == "hidden"
    with pytest.raises(NotAllowed):
        a.appeal_moderation(actor=w.owner, comment=comment, reason="x")
    appeal = a.appeal_moderation(actor=w.resident, comment=comment, reason="并无攻击")
    with pytest.raises(NotAllowed):  # not the moderator who hid it
        a.decide_appeal(actor=w.community_worker, appeal=appeal, uphold=True, reason="r")
    a.decide_appeal(actor=w.party_secretary, appeal=appeal, uphold=True, reason="措辞可接受")
    comment.refresh_from_db()
    assert comment.status == "visible"
    assert list(comment.events.values_list("to_status", flat=True)) == ["hidden", "visible"]


def test_official_reply_is_marked(delib) -> None:
    w = delib
    topic = _topic(w)
    question = a.post_comment(actor=w.resident, topic=topic, body="物业何时维修？")
    with pytest.raises(NotAllowed):
        a.post_comment(actor=w.owner, topic=topic, body="x", parent=question, official=True)
    reply = a.post_comment(
        actor=w.org_staff, topic=topic, body="本周内维修", parent=question, official=True
    )
    assert reply.official and reply.official_for == "安居物业管理有限公司"
    assert Comment.objects.filter(parent=question).count() == 1


def test_public_reads_the_board_without_login(delib) -> None:
    w = delib
    assert Client().get(f"/notices/{w.C1.uuid}/").status_code == 200
    assert Client().get("/deliberation/").status_code == 302  # the rest needs a login


def test_bodies_of_the_community_read_and_comment_but_do_not_propose(delib) -> None:
    w = delib
    topic = a.propose_topic(actor=w.resident, node=w.C1, title="t", description="d")
    for persona in ("unit_liaison", "org_staff", "social_worker"):
        user = w.users[persona]
        assert Topic.objects.visible_to(user).filter(pk=topic.pk).exists()
        a.post_comment(actor=user, topic=topic, body="意见")
        with pytest.raises(NotAllowed):
            a.propose_topic(actor=user, node=w.C1, title="t", description="d")
        with pytest.raises(NotAllowed):
            a.cosign_topic(actor=user, topic=topic)
