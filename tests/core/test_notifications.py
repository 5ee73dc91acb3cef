"""notify(): the inbox row inside the caller's transaction, external channels after commit."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import transaction

from cogov.core import notifications
from cogov.core.models import Notification
from cogov.core.notifications import notify


class Recorder:
    key = "recorder"
    sent: list[tuple[str, str]] = []

    def send(self, user, notification):
        Recorder.sent.append((user.username, notification.title))


@pytest.fixture
def recorder(monkeypatch):
    Recorder.sent = []
    monkeypatch.setitem(notifications._CHANNELS, "recorder", Recorder)
    return Recorder.sent


def test_inbox_row_now_external_channels_after_commit(
    world, recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        created = notify([world.resident, world.owner], "tests.hello", "Hello", via=("recorder",))
        # Inside the transaction: the inbox rows exist, nothing went out yet.
        assert Notification.objects.filter(kind="tests.hello").count() == 2
        assert recorder == []
    assert len(callbacks) == 1
    assert sorted(recorder) == [("owner", "Hello"), ("resident", "Hello")]
    assert {n.recipient for n in created} == {world.resident, world.owner}


def test_a_rolled_back_action_leaves_no_notification(
    world, recorder, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([world.resident], "tests.hello", "Hello", via=("recorder",))
        raise RuntimeError("the action failed")
    assert not Notification.objects.filter(kind="tests.hello").exists()
    assert callbacks == []
    assert recorder == []


def test_each_recipient_once_and_no_channels_without_via(
    world, recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify([world.resident, world.resident, None], "tests.once", "Once")
    assert Notification.objects.filter(kind="tests.once").count() == 1
    assert callbacks == []


def test_unknown_channel_is_refused_at_once(world):
    with pytest.raises(ValueError, match="pager"):
        notify([world.resident], "tests.x", "X", via=("pager",))
    assert not Notification.objects.exists()


def test_console_sms_logs_only_a_masked_phone(world, caplog, django_capture_on_commit_callbacks):
    user = world.resident
    user.phone = "13912345678"
    user.save()
    with (
        caplog.at_level(logging.INFO, logger="cogov.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify([user], "tests.sms", "Your case was closed", via=("sms",))
    text = caplog.text
    assert "139××××5678" in text
    assert "Your case was closed" in text
    assert "13912345678" not in text
    assert "12345678" not in text


def test_email_channel_sends_after_commit(world, django_capture_on_commit_callbacks):
    user = world.resident
    user.email = "resident@example.org"
    user.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([user], "tests.mail", "Subject line", "Body", via=("email",))
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.subject for m in mail.outbox] == ["Subject line"]
    assert mail.outbox[0].to == ["resident@example.org"]


def test_a_failing_channel_does_not_lose_the_inbox_row(
    world, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    class Broken:
        key = "broken"

        def send(self, user, notification):
            raise ConnectionError("gateway down")

    monkeypatch.setitem(notifications._CHANNELS, "broken", Broken)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.resident], "tests.broken", "Still here", via=("broken",))
    assert Notification.objects.filter(kind="tests.broken").count() == 1
    assert "channel broken failed" in caplog.text
