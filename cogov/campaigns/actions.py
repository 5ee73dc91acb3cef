"""Every write of a campaign. Each action checks its permission, runs in one transaction, writes
a CampaignEvent (visits are their own append-only rows) and notifies.

    create_campaign, update_checklist, activate_campaign, close_campaign
    add_worker, call_up_pools, assign_households, reassign_households
    create_temporary_branch, appoint_building_head, add_checkpoint, add_shift
    record_visit (idempotent by client key), hand_off_finding
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import TransitionTable, transition

from . import assignment, checklist
from .handoff import get_target
from .models import (
    BuildingHead,
    Campaign,
    CampaignEvent,
    CampaignHousehold,
    CampaignWorker,
    Checkpoint,
    Finding,
    Kind,
    Outcome,
    Shift,
    Status,
    TemporaryBranch,
    Visit,
    WorkerRole,
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


# --- the campaign -----------------------------------------------------------------------------


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


# --- people -----------------------------------------------------------------------------------


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


# --- visits -----------------------------------------------------------------------------------


def _digest(
    entry: CampaignHousehold, actor: Any, outcome: str, answers: Any, note: str, client_time: Any
) -> str:
    payload = {
        "household": entry.household_id,
        "visitor": actor.pk,
        "outcome": outcome,
        "answers": answers or {},
        "note": (note or "").strip(),
        "client_time": client_time.isoformat()
        if isinstance(client_time, dt.datetime)
        else client_time,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(existing: Visit, digest: str) -> tuple[Visit, bool]:
    if existing.payload_hash != digest:
        raise VisitConflict(existing)
    return existing, False


def record_visit(
    *,
    actor: Any,
    entry: CampaignHousehold,
    client_key: Any,
    outcome: str = Outcome.COMPLETED,
    answers: Any = None,
    note: str = "",
    client_time: dt.datetime | None = None,
) -> tuple[Visit, bool]:
    """Record a visit of a household; returns (visit, created).

    Safe to send again: the same client key with the same payload returns the first visit
    (created=False); with a different payload it raises VisitConflict. The first completed
    visit of a household marks it visited (a conditional UPDATE, so concurrent visits count it
    once); later ones are revisits. Answers are checked against the checklist; flagged answers
    become findings."""
    if client_key is None:
        raise ActionError(_("A client key is required."), field="client_key")
    digest = _digest(entry, actor, outcome, answers, note, client_time)
    existing = Visit.objects.filter(campaign_id=entry.campaign_id, client_key=client_key).first()
    if existing is not None:
        return _replay(existing, digest)
    require(actor, "campaigns.visit_household", entry)
    campaign = entry.campaign
    if campaign.status != S.ACTIVE:
        raise ActionError(_("This campaign is not active."), code="inactive")
    if outcome not in Outcome.values:
        raise ActionError(_("Unknown outcome."), field="outcome")
    cleaned = checklist.clean_answers(
        campaign.checklist, answers, complete=outcome == Outcome.COMPLETED
    )
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                visit = Visit.objects.create(
                    campaign_id=entry.campaign_id,
                    entry=entry,
                    household_id=entry.household_id,
                    visitor=actor,
                    client_key=client_key,
                    payload_hash=digest,
                    outcome=outcome,
                    answers=cleaned,
                    note=(note or "").strip(),
                    client_time=client_time,
                    server_time=now,
                )
        except IntegrityError:
            existing = Visit.objects.get(campaign_id=entry.campaign_id, client_key=client_key)
            return _replay(existing, digest)
        if outcome == Outcome.COMPLETED:
            first = CampaignHousehold.objects.filter(pk=entry.pk, visited_at__isnull=True).update(
                visited_at=now, first_visit=visit
            )
            if first:
                entry.visited_at, entry.first_visit = now, visit
        found = [
            Finding(
                campaign_id=entry.campaign_id,
                visit=visit,
                entry=entry,
                kind=str(f.flag),
                field=f.key,
                label=f.label,
                detail=_answer_text(value),
                case_category=f.case_category,
                found_at=now,
            )
            for f, value in checklist.flagged(campaign.checklist, cleaned)
        ]
        if found:
            Finding.objects.bulk_create(found)
    return visit, True


def _answer_text(value: Any) -> str:
    if value is True:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def hand_off_finding(
    *, actor: Any, finding: Finding, target: str = "case", **options: Any
) -> Finding:
    """Send a need on to a target of the hand-off registry (handoff.py): "case" reports it as a
    case at the household's building. Once only."""
    require(actor, "campaigns.hand_off_finding", finding)
    handler = get_target(target)
    if finding.kind != "need":
        raise ActionError(_("Only needs are handed off."), field="finding")
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.handed_off_at is not None:
            raise ActionError(_("This need has already been handed off."), code="handed_off")
        ref = handler.send(actor, finding, **options)
        now = timezone.now()
        Finding.objects.filter(pk=finding.pk).update(
            handoff_target=target, handoff_ref=ref, handed_off_at=now, handed_off_by=actor
        )
        finding.handoff_target, finding.handoff_ref, finding.handed_off_at = target, ref, now
        finding.handed_off_by = actor
        _event(
            finding.campaign, actor, "hand_off", finding=str(finding.uuid), target=target, ref=ref
        )
    return finding
