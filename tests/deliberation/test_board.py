"""The public notice board: no login, never drafts; prints well; objections within the window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cogov.core.errors import ActionError
from cogov.deliberation import actions as a
from cogov.deliberation.models import Resolution, Topic, TopicStatus

pytestmark = pytest.mark.django_db


def _resolution(w, title: str) -> Resolution:
    topic = Topic.objects.create(
        node=w.C1,
        title=title,
        description="d",
        source="party",
        proposer=w.party_secretary,
        status=TopicStatus.DECIDED,
    )
    return Resolution.objects.create(topic=topic, node=w.C1, title=title, text="决议正文")


def test_board_needs_no_login_and_hides_drafts(delib) -> None:
    w = delib
    draft = _resolution(w, "草稿决议")
    published = _resolution(w, "已公开决议")
    Resolution.objects.filter(pk=published.pk).update(
        status="published",
        posted_at=timezone.now(),
        posted_until=timezone.now() + dt.timedelta(days=7),
        objections_until=timezone.now() + dt.timedelta(days=7),
    )
    client = Client()
    page = client.get(f"/notices/{w.C1.uuid}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "已公开决议" in html and "草稿决议" not in html
    assert client.get(f"/notices/{w.C1.uuid}/{draft.uuid}/").status_code == 404
    item = client.get(f"/notices/{w.C1.uuid}/{published.uuid}/")
    assert item.status_code == 200 and "@media print" not in item.content.decode()
    assert "deliberation/deliberation.css" in item.content.decode()  # has the print rules
    # Another community's board does not list C1's resolution.
    assert "已公开决议" not in client.get(f"/notices/{w.C2.uuid}/").content.decode()
    # The public API answers without authentication and shows no draft.
    api = client.get(f"/api/deliberation/notices/{w.C1.uuid}")
    assert api.status_code == 200
    assert [r["title"] for r in api.json()] == ["已公开决议"]


def test_objection_window(delib) -> None:
    w = delib
    r = _resolution(w, "决议")
    Resolution.objects.filter(pk=r.pk).update(
        status="published",
        posted_at=timezone.now() - dt.timedelta(days=8),
        posted_until=timezone.now() - dt.timedelta(days=1),
        objections_until=timezone.now() - dt.timedelta(days=1),
    )
    r.refresh_from_db()
    with pytest.raises(ActionError):
        a.object_to_resolution(actor=w.resident, resolution=r, body="反对")
    assert r.objections.count() == 0
