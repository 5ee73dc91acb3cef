"""Notifications: every one lands in the in-app inbox; other channels are a registry.

    notify([user], "cases.dispatched", _("Case 2026-0001 dispatched to you"), url=case_url,
           via=("sms",))

The inbox row is written at once, inside the caller's transaction (so it disappears if the
action rolls back). Channels named in `via` are sent after the transaction commits, by the
`deliver_notifications` task (a worker in production; at once in tests).

A channel is an object with a `key` and `send(user, notification)`. Channels are registered
with `register_channel(key, factory)`; the built-in ones are "email" (Django's mail), "sms" and
"wechat" (adapters chosen by the COGOV_SMS_BACKEND and COGOV_WECHAT_BACKEND settings, console
adapters that only write to the log by default). Recipe: docs/recipes/add-a-notification-channel.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from cogov.lib.masking import mask_phone

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
    """Writes the SMS to the log instead of sending it. The log gets the masked number only:
    phone numbers are personal information and never go to logs."""

    key = "sms"

    def send(self, user: Any, notification: Notification) -> None:
        phone = getattr(user, "phone", "")
        if phone:
            log.info("SMS to %s: %s", mask_phone(phone), notification.title)


class ConsoleWeChatAdapter:
    key = "wechat"

    def send(self, user: Any, notification: Notification) -> None:
        log.info("WeChat to user %s: %s", user.pk, notification.title)


ChannelFactory = Callable[[], Channel]
_CHANNELS: dict[str, ChannelFactory] = {}


def register_channel(key: str, factory: ChannelFactory) -> None:
    """Make channel `key` available to `notify(..., via=(key,))`. The factory is called once per
    delivery batch, so it may read settings."""
    if key in _CHANNELS and _CHANNELS[key] is not factory:
        raise ValueError(f"notification channel {key!r} is registered twice")
    _CHANNELS[key] = factory


def _from_setting(name: str) -> ChannelFactory:
    def factory() -> Channel:
        return import_string(getattr(settings, name))()

    return factory


register_channel("email", EmailChannel)
register_channel("sms", _from_setting("COGOV_SMS_BACKEND"))
register_channel("wechat", _from_setting("COGOV_WECHAT_BACKEND"))


def channels() -> dict[str, Channel]:
    return {key: factory() for key, factory in _CHANNELS.items()}


def notify(
    recipients: Iterable[Any],
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    url: str = "",
    *,
    via: tuple[str, ...] = (),
) -> list[Notification]:
    """Put a notification in each recipient's inbox now (inside the caller's transaction) and
    send it through the channels in `via` once the transaction commits.

    A user listed twice gets one notification. Unknown channel keys fail here, loudly, rather
    than at delivery time.
    """
    unknown = [key for key in via if key not in _CHANNELS]
    if unknown:
        raise ValueError(f"unknown notification channel(s): {', '.join(unknown)}")
    unique: dict[Any, Any] = {}
    for user in recipients:
        if user is not None:
            unique.setdefault(user.pk, user)
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=str(title)[:200], body=str(body), url=url)
            for user in unique.values()
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
    """Send stored notifications through channels. A failing channel is logged and skipped;
    the inbox row is there whatever happens."""
    available = channels()
    queryset = Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    for notification in queryset:
        for key in via:
            channel = available.get(key)
            if channel is None:
                log.warning("unknown notification channel %r", key)
                continue
            try:
                channel.send(notification.recipient, notification)
            except Exception:
                log.exception("channel %s failed for notification %s", key, notification.uuid)
