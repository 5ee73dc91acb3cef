"""What the campaign actions share: the status table, the conflict error, the permission check,
the event row and the campaign's address."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.workflow import TransitionTable

from ..models import (
    Campaign,
    CampaignEvent,
    Status,
    Visit,
)

S = Status
TRANSITIONS = TransitionTable({S.DRAFT: {S.ACTIVE, S.CLOSED}, S.ACTIVE: {S.CLOSED}})
AREA_LEVELS = ("street", "community", "grid")


class VisitConflict(ActionError):
    """The client key was already used for a different visit."""

    def __init__(self, visit: Visit) -> None:
        super().__init__(
            _("This key was already used for a different visit."),
            field="client_key",
            code="conflict",
        )
        self.visit = visit


def require(actor: Any, perm: str, obj: Any = None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise NotAllowed()


def _event(campaign: Campaign, actor: Any, kind: str, note: str = "", **evidence: Any) -> None:
    CampaignEvent.objects.create(
        subject=campaign,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=campaign.status,
        to_status=campaign.status,
        kind=kind,
        note=note,
        evidence=evidence,
    )


def _url(campaign: Campaign, suffix: str = "") -> str:
    return f"/campaigns/{campaign.uuid}/{suffix}"


def _common_node(areas: Sequence[Any]) -> Any:
    from cogov.territory.models import Node

    chains = [a.ancestor_ids(include_self=True) for a in areas]
    common: list[int] = []
    for ids in zip(*chains, strict=False):
        if len(set(ids)) != 1:
            break
        common.append(ids[0])
    if not common:
        raise ActionError(_("The areas must lie in one district."), field="areas")
    return Node.objects.get(pk=common[-1])
