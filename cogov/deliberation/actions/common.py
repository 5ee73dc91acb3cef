"""Helpers shared by the deliberation actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError, NotAllowed

from ..access import CONVENERS, ORGANISERS


def require(actor: Any, perm: str, obj: Any, message: str = "") -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise NotAllowed(message or _("You may not do this here."))


def text(value: str | None, field: str, message: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ActionError(message, field=field)
    return cleaned


def staff_of(node: Any, roles: frozenset[str] = ORGANISERS | CONVENERS) -> Any:
    """Users holding one of `roles` at `node` or a node above it (for notifications)."""
    from cogov.accounts.models import Membership

    ids = node.ancestor_ids(include_self=True)
    return get_user_model().objects.filter(
        pk__in=Membership.objects.current()
        .filter(node_id__in=ids, role__in=sorted(roles))
        .values("user_id")
    )


def conveners_of(node: Any) -> Any:
    return staff_of(node, CONVENERS)


def topic_url(topic: Any) -> str:
    return f"/deliberation/topics/{topic.uuid}/"


def meeting_url(meeting: Any) -> str:
    return f"/deliberation/meetings/{meeting.uuid}/"
