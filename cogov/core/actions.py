"""Writes of core. Every change of a policy goes through `set_policy` and is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .errors import ActionError, NotAllowed
from .models import Notification, Policy
from .policies import PolicyValueError, get_kind, resolve, validate_value
from .predicates import is_global_admin


def set_policy(
    *, actor: Any, kind: str, node: Any, value: Any, effective_from: dt.date, note: str = ""
) -> Policy:
    """Write a new version of policy `kind` at `node` (None: platform-wide) from `effective_from`.

    The value is validated against the kind's schema (the error names the bad field). Who may:
    statutory kinds and platform-wide values only a global administrator; other kinds any role
    with the MANAGE_POLICIES capability over the node (`core.manage_policies`). Rows are never
    edited: the new version wins over older ones from its date on. Writes an audit entry
    "policy.set" with the previous value in force, so every change can be traced.
    """
    try:
        policy_kind = get_kind(kind)
    except KeyError:
        raise ActionError(
            _("Unknown policy kind %(kind)s.") % {"kind": repr(kind)}, field="kind"
        ) from None
    if not isinstance(effective_from, dt.date) or isinstance(effective_from, dt.datetime):
        raise ActionError(_("The effective date must be a date."), field="effective_from")
    if policy_kind.statutory or node is None:
        if not is_global_admin(actor):
            raise NotAllowed(
                _("Only an administrator may override a statutory policy.")
                if policy_kind.statutory
                else _("Only an administrator may set a platform-wide policy.")
            )
    elif not actor.has_perm("core.manage_policies", node):
        raise NotAllowed(_("You may not set policies for this area."))
    try:
        clean = validate_value(kind, value)
    except PolicyValueError as exc:
        raise ActionError(str(exc), field="value", code="invalid_value") from None

    with transaction.atomic():
        before = resolve(kind, node, on=effective_from)
        policy = Policy.objects.create(
            kind=kind,
            node=node,
            effective_from=effective_from,
            value=clean,
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=timezone.now(),
        )
        audit.record(
            actor,
            "policy.set",
            policy,
            kind=kind,
            node=str(node.uuid) if node is not None else None,
            effective_from=effective_from.isoformat(),
            value=clean,
            previous=before.value.model_dump(mode="json"),
            previous_source=before.source,
            backdated=effective_from < timezone.localdate(),
            note=note,
        )
    return policy


def mark_notification_read(*, actor: Any, notification: Notification) -> bool:
    """Mark one of the actor's own notifications read. Returns False if it already was."""
    if notification.recipient_id != getattr(actor, "pk", None):
        raise NotAllowed()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        notification.refresh_from_db(fields=["read_at"])
    return bool(changed)
