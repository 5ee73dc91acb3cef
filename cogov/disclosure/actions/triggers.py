"""Events that oblige a disclosure (a meeting decided, a fund paid, …): the obligation with its
due date on the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.calendar import WorkCalendar
from cogov.core.errors import ActionError
from cogov.core.policies import get_policy

from ..models import (
    Obligation,
)
from ..policy_kinds import CATALOGUE, Catalogue
from .common import _require, touched


def trigger(
    *,
    actor: Any,
    community: Any,
    trigger: str,
    ref: str,
    on: dt.date | None = None,
    note: str = "",
    strict: bool = True,
) -> list[Obligation]:
    """Record that event `trigger` happened in `community` (reference `ref`, e.g. the uuid of
    the fund-raising) and create the obligations the catalogue attaches to it. Idempotent per
    (community, trigger, ref). `strict`: refuse a trigger no catalogue item uses (pages, API);
    other apps pass strict=False, since a local catalogue may not ask for it."""
    _require(actor, "disclosure.propose", community)
    if getattr(community, "level", None) != "community":
        raise ActionError(_("obligations belong to a community"), field="community")
    ref = (ref or "").strip()
    if not ref:
        raise ActionError(_("give a reference for the event"), field="ref")
    on = on or timezone.localdate()
    catalogue: Catalogue = get_policy(CATALOGUE, community, on=on)
    items = catalogue.triggered_by(trigger)
    if not items:
        if strict:
            raise ActionError(
                _("no catalogue item is triggered by %(trigger)s") % {"trigger": trigger},
                field="trigger",
            )
        return []
    calendar = WorkCalendar(community)
    key = f"{trigger}:{ref}"[:80]
    made: list[Obligation] = []
    with transaction.atomic():
        for item in items:
            due = calendar.add_working_days(on, item.deadline_working_days)
            obligation, created = Obligation.objects.get_or_create(
                community=community,
                item_code=item.code,
                period_key=key,
                defaults={
                    "item_label": item.item,
                    "category": item.category,
                    "cadence": item.cadence,
                    "period_start": on,
                    "period_end": on,
                    "due_on": due,
                    "trigger": trigger,
                    "trigger_ref": ref,
                    "basis": {
                        "triggered_on": on.isoformat(),
                        "working_days": item.deadline_working_days,
                        "note": note,
                    },
                },
            )
            if created:
                audit.record(actor, "disclosure.trigger", obligation, trigger=trigger, ref=ref)
                touched(community, due)
            made.append(obligation)
    return made
