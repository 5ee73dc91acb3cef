"""The 四议两公开 path over HTTP, as the people concerned click through it: a resident
proposes, neighbours co-sign, the party secretary accepts, community workers run the four
meetings (live quorum fragment, sign-in, motion, vote through the voting app), publish the
resolution and the results; the public board shows them without login."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cogov.deliberation.models import Meeting, Resolution, Topic, TopicStatus

from .conftest import let_notice_run

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, data: dict | None = None, status: int = 302) -> None:
    response = client.post(url, data or {})
    assert response.status_code == status, response.content[:500]


def _meeting_over_http(topic: Topic, staff: Client) -> None:
    starts = (timezone.localtime() + dt.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    response = staff.post(
        "/deliberation/meetings/new/",
        {"topic": topic.uuid, "title": "议事会", "starts_at": starts, "place": "会议室"},
    )
    assert response.status_code == 302, response.content[:300]
    meeting = Meeting.objects.filter(topic=topic).latest("pk")
    base = f"/deliberation/meetings/{meeting.uuid}/"
    _post(staff, base + "notice/")
    let_notice_run(meeting)
    _post(staff, base + "open/")
    for p in meeting.participants.all():
        _post(staff, base + "sign-in/", {"participant": p.pk})
    fragment = staff.get(base + "quorum/")
    assert fragment.status_code == 200
    present = meeting.participants.count()
    assert f'data-testid="present">{present}<' in fragment.content.decode()
    if meeting.rule:
        _post(staff, base + "move/", {"text": "同意该议题"})
        motion = meeting.motions.get()
        if motion.status == "moved":
            seconder = next(p for p in meeting.participants.all() if p.accounts)
            _post(staff, base + "second/", {"motion": motion.uuid, "seconder": seconder.key})
        _post(staff, base + "vote/", {"motion": motion.uuid})
        hands = {f"c-{p.key}": "for" for p in meeting.participants.all()}
        _post(staff, base + "hands/", {"motion": motion.uuid, **hands})
        _post(staff, base + "close-vote/", {"motion": motion.uuid})
        motion.refresh_from_db()
        assert motion.status == "carried", motion.result
        # The meeting page embeds the voting app's results: every threshold and the chart.
        page = staff.get(base).content.decode()
        assert 'data-testid="vote-results"' in page and "Results in the voting app" not in page
        assert 'data-threshold="quorum"' in page and 'data-threshold="majority"' in page
        assert f'id="results-chart-{motion.vote_uuid}"' in page
    _post(staff, base + "close/")
    _post(staff, base + "write-minutes/", {"minutes": "纪要：一致同意。"})
    assert staff.get(base + "minutes/").status_code == 200
    _post(staff, f"/deliberation/topics/{topic.uuid}/complete-step/", {"note": "完成"})


def test_four_deliberations_over_http(delib, client_for) -> None:
    w = delib
    resident = client_for("resident")
    response = resident.post(
        "/deliberation/topics/new/",
        {
            "community": w.C1.uuid,
            "title": "小区停车难",
            "description": "请议停车位规划",
            "source": "residents",
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(title="小区停车难")
    for neighbour in ("neighbour1", "neighbour2"):
        _post(client_for(neighbour), f"/deliberation/topics/{topic.uuid}/cosign/")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED

    secretary = client_for("party_secretary")
    page = secretary.get(f"/deliberation/topics/{topic.uuid}/")
    assert 'data-testid="triage"' in page.content.decode()
    from cogov.deliberation.models import Procedure

    procedure = Procedure.objects.get(key="four-deliberations-two-disclosures")
    _post(secretary, f"/deliberation/topics/{topic.uuid}/accept/", {"procedure": procedure.uuid})

    staff = client_for("community_worker")
    for _ in range(4):
        _meeting_over_http(topic, staff)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DECIDED

    response = staff.post(
        f"/deliberation/topics/{topic.uuid}/resolution/",
        {"title": "停车位规划决议", "text": "同意规划新增车位30个。"},
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get(topic=topic)
    base = f"/deliberation/resolutions/{resolution.uuid}/"

    anonymous = Client()
    board = f"/notices/{w.C1.uuid}/"
    assert "停车位规划决议" not in anonymous.get(board).content.decode()  # draft hidden
    _post(staff, base + "publish/")
    page = anonymous.get(board)
    assert page.status_code == 200 and "停车位规划决议" in page.content.decode()

    _post(
        staff,
        base + "task/",
        {
            "title": "划线施工",
            "owner": w.community_worker.uuid,
            "due_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        },
    )
    task = resolution.tasks.get()
    _post(staff, base + "task-done/", {"task": task.uuid, "report": "已完成划线"})
    _post(staff, base + "results/", {"results": "新增车位30个已投入使用。"})
    topic.refresh_from_db()
    assert topic.status == TopicStatus.CLOSED
    item = anonymous.get(f"/notices/{w.C1.uuid}/{resolution.uuid}/").content.decode()
    assert "新增车位30个已投入使用" in item

    # the topic board and the API show the closed topic
    assert "小区停车难" in resident.get("/deliberation/").content.decode()
    api = resident.get(f"/api/deliberation/topics/{topic.uuid}")
    assert api.status_code == 200 and api.json()["status"] == "closed"
    assert len(api.json()["steps"]) == 6
