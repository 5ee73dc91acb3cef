"""The needs list: raise (from residents, surveys, grid visits, case trends), triage, list,
two-way claiming by units, release."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.core.notifications import notify
from cogov.core.workflow import transition

from .. import access
from ..models import (
    NEED_TRANSITIONS,
    Need,
    NeedEvent,
    NeedSource,
    NeedStatus,
    ResourceKind,
    ServiceCategory,
)
from .common import acting_organization, members_of, place, require, staff_of

S = NeedStatus
STAFF_SOURCES = (NeedSource.SURVEY, NeedSource.CASE_TREND, NeedSource.STAFF)


def _move(need: Need, to: str, actor: Any, note: str = "", **kw: Any) -> None:
    transition(need, to, table=NEED_TRANSITIONS, events=NeedEvent, actor=actor, note=note, **kw)


def raise_need(
    *,
    actor: Any,
    title: str,
    category: str,
    community: Any = None,
    building: Any = None,
    description: str = "",
    wanted_kinds: Iterable[str] = (),
    quantity: int | None = None,
    people_affected: int = 1,
    source: str | None = None,
    source_ref: str = "",
) -> Need:
    """Put a need on the needs list as COLLECTED. Residents raise their own; staff record
    needs from surveys, forums and case trends; grid visits arrive through the campaigns
    hand-off. Community staff are notified."""
    community, grid, path = place(community, building)
    require(actor, "cooperation.raise_need", community, "you may not raise needs here")
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Give the need a title."), field="title")
    if category not in ServiceCategory.values:
        raise ActionError(_("Choose a category."), field="category")
    kinds = sorted(set(wanted_kinds))
    if any(k not in ResourceKind.values for k in kinds):
        raise ActionError(_("Unknown kind of resource."), field="wanted_kinds")
    if source is None:
        source = (
            NeedSource.STAFF
            if actor.has_perm("cooperation.triage_need", community)
            else NeedSource.RESIDENT
        )
    if source not in NeedSource.values:
        raise ActionError(_("Unknown source."), field="source")
    if source in STAFF_SOURCES and not actor.has_perm("cooperation.triage_need", community):
        raise ActionError(_("Only community staff record needs from this source."), field="source")
    if quantity is not None and quantity < 1:
        raise ActionError(_("The quantity must be at least 1."), field="quantity")
    with transaction.atomic():
        need = Need.objects.create(
            community=community,
            grid=grid,
            building=building,
            territory_path=path,
            title=title[:200],
            description=description,
            category=category,
            wanted_kinds=kinds,
            quantity=quantity,
            people_affected=max(1, int(people_affected)),
            source=source,
            source_ref=source_ref[:64],
            raised_by=actor,
        )
        NeedEvent.objects.create(
            subject=need, actor=actor, to_status=S.COLLECTED, evidence={"source": source}
        )
        notify(
            staff_of(path),
            "cooperation.need_raised",
            _("New need: %(title)s") % {"title": need.title},
            url=f"/cooperation/needs/{need.uuid}/",
        )
    return need


def triage_need(*, actor: Any, need: Need, note: str = "") -> Need:
    """The community's two committees looked at it: TRIAGED (next: listed or rejected)."""
    require(actor, "cooperation.triage_need", need)
    with transaction.atomic():
        _move(need, S.TRIAGED, actor, note)
    return need


def list_need(*, actor: Any, need: Need, note: str = "") -> Need:
    """Publish the need on the public list (triaging it first when still collected)."""
    require(actor, "cooperation.triage_need", need)
    with transaction.atomic():
        if need.status == S.COLLECTED:
            _move(need, S.TRIAGED, actor, note)
        _move(need, S.LISTED, actor, note, extra_updates={"listed_at": timezone.now()})
        if need.raised_by_id and need.raised_by_id != actor.pk:
            notify(
                [need.raised_by],
                "cooperation.need_listed",
                _("Your need is on the list: %(t)s") % {"t": need.title},
            )
    return need


def reject_need(*, actor: Any, need: Need, note: str) -> Need:
    require(actor, "cooperation.triage_need", need)
    if not (note or "").strip():
        raise ActionError(_("Say why the need is not taken up."), field="note")
    with transaction.atomic():
        _move(need, S.REJECTED, actor, note)
        if need.raised_by_id:
            notify(
                [need.raised_by],
                "cooperation.need_rejected",
                _("Need not taken up: %(t)s") % {"t": need.title},
                body=note,
            )
    return need


def withdraw_need(*, actor: Any, need: Need, note: str = "") -> Need:
    """Whoever raised it, or staff, withdraw a need not yet in a project."""
    if need.raised_by_id != getattr(actor, "pk", None):
        require(actor, "cooperation.triage_need", need)
    with transaction.atomic():
        _move(need, S.WITHDRAWN, actor, note)
    return need


def claim_need(*, actor: Any, need: Need, organization: Any = None, note: str = "") -> Need:
    """A unit claims a listed need (双向认领: units claim needs). One claimant at a time: the
    status UPDATE is conditional, so a second unit at the same moment is told it is taken."""
    require(actor, "cooperation.claim_need", need, "you may not claim this need")
    org = acting_organization(actor, organization)
    if need.status != S.LISTED:
        raise ActionError(_("This need is not open for claiming."), code="taken")
    now = timezone.now()
    with transaction.atomic():
        _move(
            need,
            S.CLAIMED,
            actor,
            note,
            organization=org,
            extra_updates={"claimed_by": org, "claimed_at": need.claimed_at or now},
        )
        notify(
            staff_of(need.territory_path),
            "cooperation.need_claimed",
            _("%(org)s claimed the need %(t)s") % {"org": org.name, "t": need.title},
            url=f"/cooperation/needs/{need.uuid}/",
        )
    return need


def release_need(*, actor: Any, need: Need, note: str = "") -> Need:
    """The claiming unit (or staff) gives a claimed need back to the list."""
    if need.claimed_by_id not in access.organization_ids(actor):
        require(actor, "cooperation.triage_need", need)
    with transaction.atomic():
        _move(
            need,
            S.LISTED,
            actor,
            note,
            organization=need.claimed_by,
            extra_updates={"claimed_by": None},
        )
        notify(
            members_of(need.claimed_by),
            "cooperation.need_released",
            _("Need back on the list: %(t)s") % {"t": need.title},
        )
    return need


def raise_need_from_case_trend(
    *, actor: Any, community: Any, category_code: str, category: str = ServiceCategory.GOVERNANCE
) -> Need:
    """Turn a suggested recurring case category (selectors.case_trends) into a need, once
    while an earlier one from the same category is still open."""
    from ..selectors import case_trends

    trend = next((t for t in case_trends(community) if t.code == category_code), None)
    if trend is None:
        raise ActionError(_("This case category is not recurring here."), field="category_code")
    open_same = Need.objects.filter(
        community=community,
        source=NeedSource.CASE_TREND,
        source_ref=category_code,
        status__in=(S.COLLECTED, S.TRIAGED, S.LISTED, S.CLAIMED, S.IN_PROJECT),
    )
    if open_same.exists():
        raise ActionError(_("A need from this case category is already open."), code="duplicate")
    return raise_need(
        actor=actor,
        community=community,
        title=_("Recurring cases: %(name)s") % {"name": trend.name},
        description=_("%(n)s cases of %(name)s in %(days)s days.")
        % {"n": trend.count, "name": trend.name, "days": trend.days},
        category=category,
        people_affected=trend.count,
        source=NeedSource.CASE_TREND,
        source_ref=category_code,
    )


def _create_from_visit(*, actor: Any, finding: Any, category: str) -> Need:
    """A need from a campaign visit (the campaigns app checked the hand-off permission)."""
    household = finding.entry.household
    building = household.building
    community, grid, path = place(None, building)
    if category not in ServiceCategory.values:
        raise ActionError(_("Choose a category."), field="category")
    description = f"{finding.campaign.title}: {finding.label}"
    if finding.detail:
        description = f"{description}\n{finding.detail}"
    need = Need.objects.create(
        community=community,
        grid=grid,
        building=building,
        territory_path=path,
        title=str(finding.label)[:200],
        description=description,
        category=category,
        source=NeedSource.GRID_VISIT,
        source_ref=str(finding.uuid),
        raised_by=actor,
    )
    NeedEvent.objects.create(
        subject=need,
        actor=actor,
        to_status=S.COLLECTED,
        evidence={"source": NeedSource.GRID_VISIT, "finding": str(finding.uuid)},
    )
    notify(
        staff_of(path),
        "cooperation.need_raised",
        _("New need from a visit: %(t)s") % {"t": need.title},
        url=f"/cooperation/needs/{need.uuid}/",
    )
    return need
