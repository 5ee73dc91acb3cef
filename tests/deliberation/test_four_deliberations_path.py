"""The whole 四议两公开 path at the action level and over HTTP: a resident's proposal with
co-signatures reaching the threshold, triage, four deliberating meetings with votes through
the voting app, the resolution on the public board, implementation tasks, the published results.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cogov.core.errors import ActionError, NotAllowed
from cogov.deliberation import actions as a
from cogov.deliberation.models import (
    MotionStatus,
    Resolution,
    StepStatus,
    Topic,
    TopicEvent,
    TopicStatus,
)

from .conftest import four_deliberations, hold_meeting

pytestmark = pytest.mark.django_db


def _propose(world) -> Topic:
    return a.propose_topic(
        actor=world.resident, node=world.C1, title="加装电梯", description="1号楼加装电梯，请议。"
    )


def test_cosignatures_reach_the_threshold_then_triage(delib) -> None:
    w = delib
    topic = _propose(w)
    assert topic.status == TopicStatus.COLLECTING and topic.cosign_threshold == 2
    with pytest.raises(NotAllowed):
        a.cosign_topic(actor=w.resident, topic=topic)  # not one's own
    a.cosign_topic(actor=w.neighbour1, topic=topic)
    with pytest.raises(ActionError):
        a.cosign_topic(actor=w.neighbour1, topic=topic)  # once
    topic.refresh_from_db()
    assert topic.status == TopicStatus.COLLECTING
    a.cosign_topic(actor=w.neighbour2, topic=topic)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED and topic.cosign_count == 2
    assert w.party_secretary.notifications.filter(kind="deliberation.submitted").exists()


def test_decline_needs_a_reason(delib) -> None:
    w = delib
    topic = a.propose_topic(
        actor=w.party_secretary, node=w.C1, title="议题", description="说明", source="party"
    )
    with pytest.raises(ActionError) as exc:
        a.decline_topic(actor=w.party_secretary, topic=topic, reason="  ")
    assert exc.value.field == "reason"
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED
    with pytest.raises(NotAllowed):
        a.decline_topic(actor=w.community_worker, topic=topic, reason="不属于社区事务")
    a.decline_topic(actor=w.party_secretary, topic=topic, reason="不属于社区事务")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DECLINED
    assert topic.decline_reason == "不属于社区事务"
    assert topic.events.filter(to_status="declined", note="不属于社区事务").exists()


def run_to_decision(w) -> Topic:
    topic = _propose(w)
    a.cosign_topic(actor=w.neighbour1, topic=topic)
    a.cosign_topic(actor=w.neighbour2, topic=topic)
    a.accept_topic(
        actor=w.party_secretary,
        topic=Topic.objects.get(pk=topic.pk),
        procedure=four_deliberations(),
    )
    topic.refresh_from_db()
    staff = w.community_worker
    for expected in ("propose", "discuss", "review", "decide"):
        ts = a.current_step(topic)
        assert ts is not None and ts.step.key == expected
        hold_meeting(topic, staff)
        a.complete_step(actor=staff, topic=topic, note=f"{expected} done")
        topic.refresh_from_db()
    return topic


def test_whole_path_to_published_results(delib) -> None:
    w = delib
    topic = run_to_decision(w)
    assert topic.status == TopicStatus.DECIDED
    assert a.current_step(topic).step.key == "publish-resolution"
    steps = list(topic.steps.order_by("order").values_list("status", flat=True))
    assert steps[:4] == [StepStatus.DONE] * 4

    staff = w.community_worker
    resolution = a.draft_resolution(
        actor=staff,
        topic=topic,
        title="关于加装电梯的决议",
        text_of_resolution="同意1号楼加装电梯。",
    )
    assert resolution.vote_uuid  # the residents' meeting's vote in the voting app
    a.publish_resolution(actor=staff, resolution=resolution)
    resolution.refresh_from_db()
    assert resolution.status == "published"
    assert resolution.posted_until - resolution.posted_at == dt.timedelta(days=7)
    topic.refresh_from_db()
    assert a.current_step(topic).step.key == "publish-results"

    objection = a.object_to_resolution(actor=w.owner, resolution=resolution, body="费用分摊不清")
    task = a.add_task(
        actor=staff,
        resolution=resolution,
        title="招标施工单位",
        owner=w.community_worker,
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    with pytest.raises(ActionError):
        a.publish_results(actor=staff, resolution=resolution, results="已完工")  # task open
    a.complete_task(actor=w.community_worker, task=task, report="已签订合同")
    with pytest.raises(ActionError):
        a.publish_results(actor=staff, resolution=resolution, results="已完工")  # unanswered
    a.answer_objection(actor=staff, objection=objection, answer="按面积分摊，见附件")
    a.publish_results(actor=staff, resolution=resolution, results="电梯已安装并验收。")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.CLOSED
    assert list(TopicEvent.objects.filter(subject=topic).values_list("to_status", flat=True)) == [
        "collecting",
        "submitted",
        "in_procedure",
        "decided",
        "closed",
    ]
    assert Resolution.objects.get(pk=resolution.pk).status == "results"


def test_failed_vote_returns_the_topic_to_the_previous_step(delib) -> None:
    w = delib
    topic = _propose(w)
    a.cosign_topic(actor=w.neighbour1, topic=topic)
    a.cosign_topic(actor=w.neighbour2, topic=topic)
    a.accept_topic(
        actor=w.party_secretary,
        topic=Topic.objects.get(pk=topic.pk),
        procedure=four_deliberations(),
    )
    topic.refresh_from_db()
    staff = w.community_worker
    hold_meeting(topic, staff)
    a.complete_step(actor=staff, topic=topic)
    meeting = hold_meeting(topic, staff, choice="against")  # the two committees say no
    assert meeting.motions.get().status == MotionStatus.FAILED
    a.complete_step(actor=staff, topic=topic, note="两委未通过")
    topic.refresh_from_db()
    assert a.current_step(topic).step.key == "propose"
    assert topic.steps.get(step__key="discuss").status == StepStatus.RETURNED


def test_step_needs_its_meeting(delib) -> None:
    w = delib
    topic = a.propose_topic(
        actor=w.party_secretary, node=w.C1, title="议题", description="说明", source="party"
    )
    a.accept_topic(actor=w.party_secretary, topic=topic, procedure=four_deliberations())
    with pytest.raises(ActionError) as exc:
        a.complete_step(actor=w.community_worker, topic=topic)
    assert exc.value.field == "meeting"
