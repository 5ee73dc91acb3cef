"""What the joint committee's writes share: permission checks, today's date (always read as
`common._today()`, so that a test can freeze the day in one place), and the accounts to notify."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import NotAllowed

from ...models import JointCommittee, Organization


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise NotAllowed(message)


def _manage(actor: Any, committee: JointCommittee) -> None:
    _require(
        actor,
        "organizations.manage_committee",
        committee.organization,
        _("You may not manage this committee."),
    )


def _today() -> dt.date:
    return timezone.localdate()


def unit_users(unit: Organization) -> list[Any]:
    """The accounts that speak for a unit (current memberships in it: liaisons, staff)."""
    from cogov.accounts.models import Membership

    return [
        m.user
        for m in Membership.objects.current().filter(organization=unit).select_related("user")
    ]


def member_users(committee: JointCommittee) -> list[Any]:
    return [m.user for m in committee.members.filter(ended_on__isnull=True).select_related("user")]
