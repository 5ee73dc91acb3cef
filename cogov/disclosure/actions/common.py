"""What the disclosure actions share: permission checks, the catalogue item in force, the
staff to tell, the metrics notice and a notice's address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from cogov.core.errors import NotAllowed
from cogov.core.policies import get_policy

from ..models import (
    Notice,
    NoticeStatus,
)
from ..policy_kinds import CATALOGUE, Catalogue, CatalogueItem

S = NoticeStatus

# The secrecy check of 条例 art. 15 (审核): every point must be confirmed by the reviewer.
SECRECY_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("no_secrets", "contains no state or work secrets (保密审查)"),
    ("necessary", "disclosure is necessary and within the catalogue"),
    ("accurate", "content is accurate and complete"),
    ("personal_data", "personal data is minimised and masked"),
)


def _require(actor: Any, permission: str, obj: Any) -> None:
    if actor is None:
        return  # the system (scheduler, other apps' triggers, the demo)
    if not actor.has_perm(permission, obj):
        raise NotAllowed(_("you may not do this"))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def item_for(community: Any, code: str, on: dt.date | None = None) -> CatalogueItem | None:
    catalogue: Catalogue = get_policy(CATALOGUE, community, on=on)
    return catalogue.item(code)


def _staff(node: Any, roles: tuple[str, ...]) -> list[Any]:
    if node is None:
        return []
    from cogov.accounts.models import Membership

    return [
        m.user
        for m in Membership.objects.current()
        .filter(node=node, role__in=roles)
        .select_related("user")
    ]


def touched(community: Any, *dates: Any) -> None:
    """Tell metric caches (cogov.core.metrics.touched) that disclosure.timeliness may change
    for the periods containing `dates` (the obligations' due dates)."""
    from cogov.core import metrics

    if community is not None:
        metrics.touched("disclosure", community.path, list(dates))


def _url(notice: Notice) -> str:
    return f"/disclosure/notices/{notice.uuid}/"
