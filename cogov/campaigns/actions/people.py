"""The people of a campaign: workers (added or called up from the pools), the households assigned
to them, temporary branches, building heads, checkpoints and shifts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cogov.core.errors import ActionError
from cogov.core.notifications import notify
from cogov.core.policies import get_policy

from .. import assignment
from ..models import (
    BuildingHead,
    Campaign,
    CampaignHousehold,
    CampaignWorker,
    Checkpoint,
    Shift,
    TemporaryBranch,
    WorkerRole,
)
from .common import S, _event, _url, require


def _default_capacity(campaign: Campaign, role: str) -> int:
    rules = get_policy("campaigns.rules", campaign.node)
    return int(getattr(rules.capacity, role))


def _add_workers(
    campaign: Campaign, actor: Any, rows: Iterable[tuple[Any, str, Any, int | None]]
) -> list[CampaignWorker]:
    present = set(campaign.workers.values_list("user_id", flat=True))
    created: list[CampaignWorker] = []
    for user, role, home, capacity in rows:
        if user.pk in present:
            continue
        present.add(user.pk)
        created.append(
            CampaignWorker(
                campaign=campaign,
                user=user,
                role=role,
                home=home,
                capacity=_default_capacity(campaign, role) if capacity is None else capacity,
                called_up_by=actor,
            )
        )
    CampaignWorker.objects.bulk_create(created)
    if created:
        notify(
            [w.user for w in created],
            "campaigns.called_up",
            _("You are called up: %(t)s") % {"t": campaign.title},
            url=_url(campaign, "my/"),
            via=("sms",),
        )
    return created


def add_worker(
    *,
    actor: Any,
    campaign: Campaign,
    user: Any,
    role: str,
    home: Any = None,
    capacity: int | None = None,
) -> CampaignWorker | None:
    """Call one person up (grid worker, staff, party member, volunteer). Their own grid or
    community (`home`) is served first by the assignment. None if already in."""
    require(actor, "campaigns.run_campaign", campaign)
    if campaign.status == S.CLOSED:
        raise ActionError(_("This campaign is closed."))
    if role not in WorkerRole.values:
        raise ActionError(_("Unknown role."), field="role")
    if capacity is not None and capacity < 0:
        raise ActionError(_("Capacity cannot be negative."), field="capacity")
    with transaction.atomic():
        created = _add_workers(campaign, actor, [(user, role, home, capacity)])
        if created:
            _event(campaign, actor, "call_up", users=[user.pk], role=role)
    return created[0] if created else None


def call_up_pools(*, actor: Any, campaign: Campaign) -> list[CampaignWorker]:
    """Call up everyone the areas can draw on: grid workers of the grids, community staff,
    in-service party members (双报到) living in the areas, and volunteers of the communities.
    Each is told (inbox and SMS)."""
    require(actor, "campaigns.run_campaign", campaign)
    if campaign.status == S.CLOSED:
        raise ActionError(_("This campaign is closed."))
    from cogov.accounts.models import Membership
    from cogov.people.models import PartyMember
    from cogov.territory.models import Node

    paths = list(campaign.areas.values_list("path", flat=True))
    nodes_q = assignment.area_filter(paths, "node__path")
    rows: list[tuple[Any, str, Any, int | None]] = []
    memberships = (
        Membership.objects.current()
        .filter(nodes_q, role__in=["grid_worker", "community_worker", "volunteer"])
        .select_related("user", "node")
        .order_by("role", "pk")
    )
    roles = {
        "grid_worker": WorkerRole.GRID_WORKER,
        "community_worker": WorkerRole.STAFF,
        "volunteer": WorkerRole.VOLUNTEER,
    }
    for m in memberships:
        if m.user.is_active:
            rows.append((m.user, roles[m.role], m.node, None))
    # Volunteers of a community take part in a campaign over one of its grids too.
    ancestors = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    community_ids = list(
        Node.objects.filter(pk__in=ancestors, level="community").values_list("id", flat=True)
    )
    for m in (
        Membership.objects.current()
        .filter(node_id__in=community_ids, role="volunteer")
        .select_related("user", "node")
    ):
        if m.user.is_active:
            rows.append((m.user, WorkerRole.VOLUNTEER, m.node, None))
    members = (
        PartyMember.objects.filter(in_service=True, person__user__isnull=False)
        .filter(assignment.area_filter(paths, "person__grid__path"))
        .select_related("person__user", "person__grid")
        .order_by("pk")
    )
    for pm in members:
        if pm.person.user is not None and pm.person.user.is_active:
            rows.append((pm.person.user, WorkerRole.PARTY_MEMBER, pm.person.grid, None))
    with transaction.atomic():
        created = _add_workers(campaign, actor, rows)
        _event(campaign, actor, "call_up", users=[w.user_id for w in created], source="pools")
    return created


def assign_households(*, actor: Any, campaign: Campaign) -> assignment.Outcome:
    """Assign every household of the areas that has no one yet (包楼包户): own grid first, then
    own community, street, anyone; whole buildings where capacity allows (assignment.py)."""
    require(actor, "campaigns.run_campaign", campaign)
    if campaign.status == S.CLOSED:
        raise ActionError(_("This campaign is closed."))
    workers = list(campaign.workers.select_related("home", "user").order_by("pk"))
    loads: dict[int, int] = {}
    from django.db.models import Count

    for row in (
        CampaignHousehold.objects.filter(campaign=campaign, assignee__isnull=False)
        .values("assignee_id")
        .annotate(n=Count("id"))
    ):
        loads[row["assignee_id"]] = row["n"]
    people = [
        assignment.Person(
            w.user_id, w.home.path if w.home else None, w.capacity, loads.get(w.user_id, 0)
        )
        for w in workers
    ]
    with transaction.atomic():
        outcome = assignment.run(campaign, people)
        _event(
            campaign,
            actor,
            "assign",
            created=outcome.created,
            assigned=outcome.assigned,
            unassigned=outcome.unassigned,
        )
        by_id = {w.user_id: w.user for w in workers}
        told = [by_id[uid] for uid, n in outcome.per_person.items() if n and uid in by_id]
        if told:
            notify(
                told,
                "campaigns.assigned",
                _("Households assigned to you: %(t)s") % {"t": campaign.title},
                url=_url(campaign, "my/"),
            )
    return outcome


def reassign_households(
    *, actor: Any, campaign: Campaign, entries: Sequence[CampaignHousehold], to: Any, note: str = ""
) -> int:
    """Move households to another participant (by hand), with an event naming them."""
    require(actor, "campaigns.run_campaign", campaign)
    if campaign.status == S.CLOSED:
        raise ActionError(_("This campaign is closed."))
    if not entries:
        raise ActionError(_("Choose households."), field="households")
    for entry in entries:
        if entry.campaign_id != campaign.pk:
            raise ActionError(_("Those households are not in this campaign."), field="households")
        require(actor, "campaigns.reassign_household", entry)
    if not campaign.workers.filter(user=to).exists():
        raise ActionError(_("Call this person up first."), field="to")
    with transaction.atomic():
        moved = CampaignHousehold.objects.filter(pk__in=[e.pk for e in entries]).update(
            assignee=to, assigned_at=timezone.now()
        )
        _event(
            campaign,
            actor,
            "reassign",
            note,
            households=[e.household_id for e in entries],
            previous={str(e.household_id): e.assignee_id for e in entries},
            to=to.pk,
        )
        notify(
            [to],
            "campaigns.assigned",
            _("Households assigned to you: %(t)s") % {"t": campaign.title},
            url=_url(campaign, "my/"),
        )
    return moved


def create_temporary_branch(
    *, actor: Any, campaign: Campaign, name: str, parent: Any, node: Any = None
) -> TemporaryBranch:
    """Set up a temporary party branch (临时党支部) under a party committee, as an Organization
    of kind party_branch (cogov.organizations.actions checks its own permission and tree)."""
    require(actor, "campaigns.run_campaign", campaign)
    from cogov.organizations.actions import create_organization

    node = node or parent.node
    if not node.path.startswith(campaign.node.path) and not campaign.node.path.startswith(
        node.path
    ):
        raise ActionError(_("The branch must be based in the campaign's area."), field="node")
    with transaction.atomic():
        org = create_organization(
            actor=actor,
            kind="party_branch",
            name=name,
            node=node,
            parent=parent,
            description=_("Temporary party branch of the campaign %(t)s") % {"t": campaign.title},
        )
        branch = TemporaryBranch.objects.create(campaign=campaign, organization=org)
        _event(campaign, actor, "branch", organization=str(org.uuid))
    return branch


def _in_areas(campaign: Campaign, path: str) -> bool:
    return any(path.startswith(p) for p in campaign.areas.values_list("path", flat=True))


def appoint_building_head(
    *, actor: Any, campaign: Campaign, building: Any, user: Any
) -> BuildingHead:
    """Make `user` the building head (楼栋长) of `building` for the campaign (replacing any)."""
    require(actor, "campaigns.run_campaign", campaign)
    if not _in_areas(campaign, building.grid.path):
        raise ActionError(_("That building is not in the campaign's areas."), field="building")
    with transaction.atomic():
        head, _created = BuildingHead.objects.update_or_create(
            campaign=campaign,
            building=building,
            defaults={"user": user, "appointed_at": timezone.now()},
        )
        _event(campaign, actor, "building_head", building=building.pk, user=user.pk)
        notify(
            [user],
            "campaigns.building_head",
            _("You are the building head of %(b)s") % {"b": building.name},
            url=_url(campaign, "my/"),
        )
    return head


def add_checkpoint(
    *, actor: Any, campaign: Campaign, name: str, node: Any, location: str = ""
) -> Checkpoint:
    """A checkpoint (卡口) in one of the campaign's areas."""
    require(actor, "campaigns.run_campaign", campaign)
    name = (name or "").strip()
    if not name:
        raise ActionError(pgettext("checkpoint", "A name is required."), field="name")
    if not _in_areas(campaign, node.path):
        raise ActionError(_("The checkpoint must lie in the campaign's areas."), field="node")
    with transaction.atomic():
        checkpoint = Checkpoint.objects.create(
            campaign=campaign, name=name, node=node, location=location.strip()
        )
        _event(campaign, actor, "checkpoint", checkpoint=str(checkpoint.uuid))
    return checkpoint


def add_shift(
    *,
    actor: Any,
    checkpoint: Checkpoint,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    people: Sequence[Any],
) -> Shift:
    """A shift on a checkpoint's roster; the people on it are told."""
    campaign = checkpoint.campaign
    require(actor, "campaigns.run_campaign", campaign)
    if ends_at <= starts_at:
        raise ActionError(_("A shift ends after it starts."), field="ends_at")
    if not people:
        raise ActionError(_("Put someone on the shift."), field="people")
    with transaction.atomic():
        shift = Shift.objects.create(checkpoint=checkpoint, starts_at=starts_at, ends_at=ends_at)
        shift.people.set(people)
        _event(
            campaign, actor, "shift", checkpoint=str(checkpoint.uuid), people=[p.pk for p in people]
        )
        local = timezone.localtime(starts_at)
        notify(
            people,
            "campaigns.shift",
            _("Shift at %(c)s from %(t)s") % {"c": checkpoint.name, "t": f"{local:%m-%d %H:%M}"},
            url=_url(campaign),
        )
    return shift
