"""A campaign's life: create it over its areas, its checklist, activate it, close it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from .. import checklist
from ..models import (
    Campaign,
    CampaignEvent,
    Kind,
)
from .common import AREA_LEVELS, TRANSITIONS, S, _common_node, _event, _url, require


def create_campaign(
    *,
    actor: Any,
    kind: str,
    title: str,
    areas: Sequence[Any],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    checklist_fields: Any = None,
    description: str = "",
) -> Campaign:
    """Create a draft campaign over streets, communities or grids. The checklist starts from the
    kind's template when none is given. Needs campaigns.create_campaign over the areas."""
    if kind not in Kind.values:
        raise ActionError(_("Unknown kind of campaign."), field="kind")
    title = (title or "").strip()
    if not title:
        raise ActionError(_("A title is required."), field="title")
    areas = list(dict.fromkeys(areas))
    if not areas:
        raise ActionError(_("Choose at least one street, community or grid."), field="areas")
    if any(a.level not in AREA_LEVELS or not a.is_active for a in areas):
        raise ActionError(_("Areas are streets, communities or grids in force."), field="areas")
    if ends_at <= starts_at:
        raise ActionError(_("A campaign ends after it starts."), field="ends_at")
    for area in areas:
        require(actor, "campaigns.create_campaign", area)
    node = _common_node(areas)
    require(actor, "campaigns.create_campaign", node)
    fields = checklist.normalise(
        checklist.TEMPLATES.get(kind, []) if checklist_fields is None else checklist_fields
    )
    # An area inside another is the same households twice: keep the outer one.
    paths = sorted(a.path for a in areas)
    kept = [a for a in areas if not any(a.path != p and a.path.startswith(p) for p in paths)]
    with transaction.atomic():
        campaign = Campaign.objects.create(
            kind=kind,
            title=title,
            description=description.strip(),
            node=node,
            checklist=fields,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        campaign.areas.set(kept)
        CampaignEvent.objects.create(
            subject=campaign, actor=actor, from_status="", to_status=S.DRAFT, kind="create"
        )
    return campaign


def update_checklist(*, actor: Any, campaign: Campaign, checklist_fields: Any) -> Campaign:
    """Replace the checklist of a draft campaign (visits need it to stay fixed once active)."""
    require(actor, "campaigns.run_campaign", campaign)
    if campaign.status != S.DRAFT:
        raise ActionError(
            _("The checklist is fixed once the campaign is active."), field="checklist"
        )
    fields = checklist.normalise(checklist_fields)
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(checklist=fields)
        campaign.checklist = fields
        _event(campaign, actor, "checklist", fields=len(fields))
    return campaign


def activate_campaign(*, actor: Any, campaign: Campaign, note: str = "") -> Campaign:
    """draft → active. Households are due within the campaigns.rules policy's hours (and by the
    end of the campaign at the latest); the participants are told."""
    require(actor, "campaigns.run_campaign", campaign)
    now = timezone.now()
    if campaign.ends_at <= now:
        raise ActionError(_("This campaign has already ended."), field="ends_at")
    rules = get_policy("campaigns.rules", campaign.node)
    due = min(
        campaign.ends_at,
        max(now, campaign.starts_at) + dt.timedelta(hours=rules.visit_within_hours),
    )
    with transaction.atomic():
        transition(
            campaign,
            S.ACTIVE,
            table=TRANSITIONS,
            events=CampaignEvent,
            actor=actor,
            note=note,
            kind="transition",
            extra_updates={"activated_at": now, "visit_due_at": due},
        )
        users = [w.user for w in campaign.workers.select_related("user")]
        notify(
            users,
            "campaigns.active",
            _("Campaign started: %(t)s") % {"t": campaign.title},
            url=_url(campaign, "my/"),
        )
    return campaign


def close_campaign(*, actor: Any, campaign: Campaign, note: str = "") -> Campaign:
    """draft/active → closed. Visits are no longer accepted; the close-out report stays."""
    require(actor, "campaigns.run_campaign", campaign)
    with transaction.atomic():
        transition(
            campaign,
            S.CLOSED,
            table=TRANSITIONS,
            events=CampaignEvent,
            actor=actor,
            note=note,
            kind="transition",
            extra_updates={"closed_at": timezone.now()},
        )
    return campaign
