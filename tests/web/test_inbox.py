from __future__ import annotations

import pytest
from django.urls import reverse

from cogov.core.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(world):
    mine = Notification.objects.create(
        recipient=world.community_worker, kind="t", title="案件已派遣"
    )
    other = Notification.objects.create(recipient=world.grid_worker, kind="t", title="别人的通知")
    return mine, other


def test_inbox_lists_own_notifications(client_for, notes):
    body = client_for("community_worker").get(reverse("web:inbox")).content.decode()
    assert "案件已派遣" in body and "别人的通知" not in body


def test_mark_read_with_htmx(client_for, notes):
    mine, _ = notes
    response = client_for("community_worker").post(
        reverse("web:notification-read", args=[mine.uuid]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "案件已派遣" in body
    # The top bar's unread count is swapped out of band: nothing left unread.
    assert 'id="unread-badge"' in body and 'hx-swap-oob="true"' in body and "hidden" in body
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_cannot_mark_someone_elses(client_for, notes):
    _, other = notes
    response = client_for("community_worker").post(
        reverse("web:notification-read", args=[other.uuid])
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read(world, client_for, notes):
    _, other = notes
    Notification.objects.create(recipient=world.community_worker, kind="t", title="第二条")
    response = client_for("community_worker").post(reverse("web:inbox-read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(
        recipient=world.community_worker, read_at__isnull=True
    ).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_inbox_requires_login(world, client):
    assert client.get(reverse("web:inbox")).status_code == 302
