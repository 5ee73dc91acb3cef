"""Notifications: every one lands in the in-app inbox; other channels are a registry.

A channel is a class with `send(user, notification)`. E-mail uses Django's mail; SMS and WeChat
are adapters chosen by settings (COGOV_SMS_BACKEND, COGOV_WECHAT_BACKEND), with console adapters
that write to the log by default. External channels are sent after the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from .models import Notification

log = logging.getLogger("cogov.notifications")


class Channel(Protocol):
    key: str

    def send(self, user: Any, notification: Notification) -> None: ...


class EmailChannel:
    key = "email"

    def send(self, user: Any, notification: Notification) -> None:
        if user.email:
            send_mail(
                notification.title, notification.body, None, [user.email], fail_silently=False
            )


class ConsoleSMSAdapter:
    key = "sms"

    def send(self, user: Any, notification: Notification) -> None:
        phone = getattr(user, "phone", "")
        if phone:
            # The log gets the masked number only: phone numbers are personal information.
            from cogov.lib.masking import mask_phone

            log.info("SMS to %s: %s", mask_phone(phone), notification.title)


class ConsoleWeChatAdapter:
    key = "wechat"

    def send(self, user: Any, notification: Notification) -> None:
        log.info("WeChat to user %s: %s", user.pk, notification.title)


def channels() -> dict[str, Channel]:
    return {
        "email": EmailChannel(),
        "sms": import_string(settings.COGOV_SMS_BACKEND)(),
        "wechat": import_string(settings.COGOV_WECHAT_BACKEND)(),
    }


def notify(
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    *,
    via: tuple[str, ...] = (),
) -> list[Notification]:
    """Put a notification in each recipient's inbox now (inside the caller's transaction) and
    send it through the channels in `via` once the transaction commits."""
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title[:200], body=body, url=url)
            for user in recipients
        ]
    )
    if via and created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: _deliver(ids, via))
    return created


def _deliver(notification_ids: list[int], via: tuple[str, ...]) -> None:
    from .tasks import deliver_notifications

    deliver_notifications.enqueue(notification_ids, list(via))


def deliver(notification_ids: list[int], via: list[str]) -> None:
    available = channels()
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient"
    ):
        for key in via:
            channel = available.get(key)
            if channel is None:
                log.warning("unknown notification channel %r", key)
                continue
            try:
                channel.send(notification.recipient, notification)
            except Exception:
                log.exception("channel %s failed for notification %s", key, notification.uuid)
