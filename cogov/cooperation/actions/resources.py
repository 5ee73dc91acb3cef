"""The resources list: offers by organizations or people, verification and listing by the
community, and the community's claim of an offered resource (双向认领, the other way)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.core.notifications import notify
from cogov.core.workflow import transition

from ..models import (
    RESOURCE_TRANSITIONS,
    Resource,
    ResourceEvent,
    ResourceKind,
    ResourceStatus,
    ServiceCategory,
)
from .common import acting_organization, members_of, place, require, staff_of

S = ResourceStatus
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _move(resource: Resource, to: str, actor: Any, note: str = "", **kw: Any) -> None:
    transition(
        resource, to, table=RESOURCE_TRANSITIONS, events=ResourceEvent, actor=actor, note=note, **kw
    )


def clean_windows(windows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Weekly windows as [{"days": [0..6] (Monday = 0), "start": "HH:MM", "end": "HH:MM"}]."""
    clean = []
    for w in windows or ():
        days = sorted({int(d) for d in w.get("days", [])})
        start, end = str(w.get("start", "")), str(w.get("end", ""))
        if not days or any(d < 0 or d > 6 for d in days):
            raise ActionError(
                _("A window needs days from 0 (Monday) to 6 (Sunday)."), field="windows"
            )
        if not (_TIME.match(start) and _TIME.match(end)) or end <= start:
            raise ActionError(
                _("A window needs a start and a later end, as HH:MM."), field="windows"
            )
        clean.append({"days": days, "start": start, "end": end})
    return clean


def offer_resource(
    *,
    actor: Any,
    kind: str,
    title: str,
    capacity: int,
    capacity_unit: str,
    community: Any = None,
    building: Any = None,
    organization: Any = None,
    as_person: bool = False,
    categories: Iterable[str] = (),
    description: str = "",
    available_from: dt.date | None = None,
    available_until: dt.date | None = None,
    windows: Iterable[dict[str, Any]] = (),
) -> Resource:
    """Offer a venue, funds, skills, volunteers or goods to a community (OFFERED), for an
    organization the actor acts for or, with `as_person`, personally."""
    org = None if as_person else acting_organization(actor, organization)
    if community is None and building is None and org is not None:
        community = org.node
    community, _grid, path = place(community, building)
    require(actor, "cooperation.offer_resource", community, "you may not offer resources here")
    if kind not in ResourceKind.values:
        raise ActionError(_("Choose a kind of resource."), field="kind")
    cats = sorted(set(categories))
    if not cats or any(c not in ServiceCategory.values for c in cats):
        raise ActionError(_("Choose the categories it serves."), field="categories")
    if not (title or "").strip():
        raise ActionError(_("Give the resource a title."), field="title")
    if int(capacity) < 1:
        raise ActionError(_("The capacity must be at least 1."), field="capacity")
    if not (capacity_unit or "").strip():
        raise ActionError(_("Say in what unit the capacity is counted."), field="capacity_unit")
    start = available_from or timezone.localdate()
    if available_until is not None and available_until < start:
        raise ActionError(
            _("The end of availability is before its start."), field="available_until"
        )
    with transaction.atomic():
        resource = Resource.objects.create(
            community=community,
            territory_path=path,
            organization=org,
            offered_by=actor,
            kind=kind,
            title=title.strip()[:200],
            description=description,
            categories=cats,
            capacity=int(capacity),
            capacity_unit=capacity_unit.strip()[:20],
            available_from=start,
            available_until=available_until,
            windows=clean_windows(windows),
            building=building,
        )
        ResourceEvent.objects.create(subject=resource, actor=actor, to_status=S.OFFERED)
        notify(
            staff_of(path),
            "cooperation.resource_offered",
            _("Resource offered: %(t)s") % {"t": resource.title},
            url=f"/cooperation/resources/{resource.uuid}/",
        )
    return resource


def list_resource(*, actor: Any, resource: Resource, note: str = "") -> Resource:
    """Community staff verified the offer: it goes on the public resources list."""
    require(actor, "cooperation.review_resource", resource)
    with transaction.atomic():
        _move(resource, S.LISTED, actor, note, extra_updates={"listed_at": timezone.now()})
        notify(
            [resource.offered_by],
            "cooperation.resource_listed",
            _("Your offer is listed: %(t)s") % {"t": resource.title},
        )
    return resource


def decline_resource(*, actor: Any, resource: Resource, note: str) -> Resource:
    require(actor, "cooperation.review_resource", resource)
    if not (note or "").strip():
        raise ActionError(_("Say why the offer is declined."), field="note")
    with transaction.atomic():
        _move(resource, S.DECLINED, actor, note)
        notify(
            [resource.offered_by],
            "cooperation.resource_declined",
            _("Offer declined: %(t)s") % {"t": resource.title},
            body=note,
        )
    return resource


def claim_resource(*, actor: Any, resource: Resource, note: str = "") -> Resource:
    """The community claims a listed resource for its projects."""
    require(actor, "cooperation.review_resource", resource)
    with transaction.atomic():
        _move(resource, S.CLAIMED, actor, note, extra_updates={"claimed_at": timezone.now()})
        notify(
            members_of(resource.organization)
            if resource.organization_id
            else [resource.offered_by],
            "cooperation.resource_claimed",
            _("The community claimed %(t)s") % {"t": resource.title},
        )
    return resource


def withdraw_resource(*, actor: Any, resource: Resource, note: str = "") -> Resource:
    require(actor, "cooperation.withdraw_resource", resource)
    with transaction.atomic():
        _move(resource, S.WITHDRAWN, actor, note)
    return resource
