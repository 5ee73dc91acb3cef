"""The projects list: a need (or several) met by one or more resources, deliberated by a vote
of the joint party committee or a residents' council, approved, claimed by a lead unit,
implemented, delivered, rated by the residents concerned, evaluated, archived."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.core.notifications import notify
from cogov.core.workflow import transition

from .. import voting_bridge
from ..models import (
    NEED_TRANSITIONS,
    PROJECT_TRANSITIONS,
    RESOURCE_TRANSITIONS,
    Body,
    NeedEvent,
    NeedStatus,
    ParticipantRole,
    Project,
    ProjectEvent,
    ProjectNeed,
    ProjectParticipant,
    ProjectRating,
    ProjectResource,
    ProjectStatus,
    Resource,
    ResourceEvent,
    ResourceStatus,
)
from .common import acting_organization, members_of, require, staff_of

S = ProjectStatus
ROLE_OF_KIND = {
    "social_org": ParticipantRole.SOCIAL_ORG,
    "volunteer_team": ParticipantRole.VOLUNTEER_TEAM,
}


def _move(project: Project, to: str, actor: Any, note: str = "", **kw: Any) -> None:
    transition(
        project, to, table=PROJECT_TRANSITIONS, events=ProjectEvent, actor=actor, note=note, **kw
    )


def _needs_to(project: Project, to: str, actor: Any, note: str = "", **updates: Any) -> None:
    for link in project.need_links.select_related("need"):
        need = link.need
        if NEED_TRANSITIONS.can(need.status, to):
            transition(
                need,
                to,
                table=NEED_TRANSITIONS,
                events=NeedEvent,
                actor=actor,
                note=note,
                evidence={"project": str(project.uuid)},
                extra_updates=updates or None,
            )


def propose_project(
    *,
    actor: Any,
    title: str,
    needs: Sequence[Any],
    resources: Iterable[tuple[Resource, int]],
    description: str = "",
) -> Project:
    """Match needs with resources (quantities committed from each resource's free capacity).
    The needs move IN_PROJECT (counted as taken up from then on)."""
    if not needs:
        raise ActionError(_("A project meets at least one need."), field="needs")
    community = needs[0].community
    require(actor, "cooperation.propose_project", community)
    if not (title or "").strip():
        raise ActionError(_("Give the project a title."), field="title")
    pairs = list(resources)
    if not pairs:
        raise ActionError(_("A project uses at least one resource."), field="resources")
    now = timezone.now()
    with transaction.atomic():
        for need in needs:
            if need.community_id != community.pk:
                raise ActionError(_("All needs must be in one community."), field="needs")
            if need.status not in (NeedStatus.LISTED, NeedStatus.CLAIMED):
                raise ActionError(
                    _("“%(t)s” is not on the list.") % {"t": need.title}, field="needs"
                )
        project = Project.objects.create(
            community=community,
            territory_path=community.path,
            title=title.strip()[:200],
            description=description,
            proposed_by=actor,
        )
        for resource, quantity in pairs:
            current = Resource.objects.select_for_update().get(pk=resource.pk)
            if current.status not in (ResourceStatus.LISTED, ResourceStatus.CLAIMED):
                raise ActionError(
                    _("“%(t)s” is not available.") % {"t": current.title}, field="resources"
                )
            committed = Resource.objects.with_committed().get(pk=current.pk).committed
            if quantity < 1 or committed + quantity > current.capacity:
                raise ActionError(
                    _("“%(t)s” has %(n)s %(u)s free.")
                    % {
                        "t": current.title,
                        "n": current.capacity - committed,
                        "u": current.capacity_unit,
                    },
                    field="resources",
                )
            ProjectResource.objects.create(project=project, resource=current, quantity=quantity)
        for need in needs:
            ProjectNeed.objects.create(project=project, need=need)
            transition(
                need,
                NeedStatus.IN_PROJECT,
                table=NEED_TRANSITIONS,
                events=NeedEvent,
                actor=actor,
                evidence={"project": str(project.uuid)},
                extra_updates={"claimed_at": need.claimed_at or now},
            )
        ProjectEvent.objects.create(
            subject=project,
            actor=actor,
            to_status=S.PROPOSED,
            evidence={
                "needs": [str(n.uuid) for n in needs],
                "resources": {str(r.uuid): q for r, q in pairs},
            },
        )
    return project


def joint_committee_of(community: Any) -> Any:
    """The body (a party-committee organization) of the community's joint party committee,
    when the organizations app has one; its members are the electorate of the vote."""
    from django.core.exceptions import FieldError

    from cogov.organizations.models import Organization

    try:
        return (
            Organization.objects.filter(node=community, joint_committee__isnull=False)
            .order_by("pk")
            .first()
        )
    except FieldError:  # an organizations app without joint committees
        return None


def put_to_vote(
    *,
    actor: Any,
    project: Project,
    body: str = Body.JOINT_COMMITTEE,
    organization: Any = None,
    closes_at: dt.datetime | None = None,
) -> Project:
    """Deliberate the project: a vote of the joint party committee (its organization) or of a
    residents' council, through the voting app."""
    require(actor, "cooperation.decide_project", project)
    if body not in Body.values:
        raise ActionError(_("Choose who deliberates."), field="body")
    if body == Body.JOINT_COMMITTEE and organization is None:
        organization = joint_committee_of(project.community)
        if organization is None:
            raise ActionError(_("Name the joint party committee."), field="organization")
    with transaction.atomic():
        vote = voting_bridge.open_project_vote(
            actor=actor, project=project, body=body, organization=organization, closes_at=closes_at
        )
        _move(
            project,
            S.DELIBERATING,
            actor,
            organization=organization,
            evidence={"vote": str(vote.uuid), "body": body},
            extra_updates={
                "body": body,
                "deciding_organization": organization,
                "vote_uuid": vote.uuid,
            },
        )
    return project


def record_decision(*, actor: Any, project: Project, note: str = "") -> Project:
    """Close and tally the project's vote (if still open) and record the result: APPROVED
    when every threshold passed, else REJECTED (its needs go back to the list)."""
    require(actor, "cooperation.decide_project", project)
    with transaction.atomic():
        result = voting_bridge.outcome(actor=actor, project=project)
        if result is None:
            raise ActionError(
                _("The vote was cancelled; put the project to a new vote."), field="vote"
            )
        if result == "passed":
            _move(
                project,
                S.APPROVED,
                actor,
                note,
                evidence={"vote": str(project.vote_uuid), "outcome": result},
                extra_updates={"approved_at": timezone.now()},
            )
        else:
            _move(
                project,
                S.REJECTED,
                actor,
                note,
                evidence={"vote": str(project.vote_uuid), "outcome": result},
            )
            _needs_to(project, NeedStatus.LISTED, actor, _("project not approved"), claimed_by=None)
        notify(
            staff_of(project.territory_path),
            "cooperation.project_decided",
            _("Project %(t)s: %(r)s") % {"t": project.title, "r": result},
        )
    return project


def claim_project(
    *, actor: Any, project: Project, organization: Any = None, note: str = ""
) -> Project:
    """A unit takes the lead of an approved project (it joins the project's participants)."""
    require(actor, "cooperation.claim_project", project, "you may not claim this project")
    org = acting_organization(actor, organization)
    with transaction.atomic():
        _move(
            project,
            S.CLAIMED,
            actor,
            note,
            organization=org,
            extra_updates={"lead_organization": org, "claimed_at": timezone.now()},
        )
        ProjectParticipant.objects.create(
            project=project,
            role=ROLE_OF_KIND.get(org.kind, ParticipantRole.UNIT),
            organization=org,
            note=_("lead unit"),
            added_by=actor,
        )
        notify(
            staff_of(project.territory_path),
            "cooperation.project_claimed",
            _("%(org)s leads %(t)s") % {"org": org.name, "t": project.title},
        )
    return project


def start_project(*, actor: Any, project: Project, note: str = "") -> Project:
    require(actor, "cooperation.run_project", project)
    with transaction.atomic():
        _move(project, S.IMPLEMENTING, actor, note, organization=project.lead_organization)
    return project


def deliver_project(
    *, actor: Any, project: Project, outputs: str, evidence: Iterable[str] = ()
) -> Project:
    """The lead unit reports delivery with what was delivered and evidence: the needs are
    MET, resources whose capacity is now all committed are used up, and the residents
    concerned are asked to rate it."""
    require(actor, "cooperation.run_project", project)
    if not (outputs or "").strip():
        raise ActionError(_("Say what was delivered."), field="outputs")
    proof = [str(e) for e in evidence if str(e).strip()]
    now = timezone.now()
    with transaction.atomic():
        _move(
            project,
            S.DELIVERED,
            actor,
            outputs,
            organization=project.lead_organization,
            evidence={"evidence": proof},
            extra_updates={"delivered_at": now, "outputs": outputs, "evidence": proof},
        )
        _needs_to(project, NeedStatus.MET, actor, _("project delivered"), met_at=now)
        for resource in Resource.objects.with_committed().filter(project_links__project=project):
            if resource.committed >= resource.capacity and RESOURCE_TRANSITIONS.can(
                resource.status, ResourceStatus.EXHAUSTED
            ):
                transition(
                    resource,
                    ResourceStatus.EXHAUSTED,
                    table=RESOURCE_TRANSITIONS,
                    events=ResourceEvent,
                    actor=actor,
                    note=_("capacity used"),
                )
        raisers = [
            link.need.raised_by
            for link in project.need_links.select_related("need__raised_by")
            if link.need.raised_by_id
        ]
        notify(
            raisers,
            "cooperation.project_delivered",
            _("Delivered: %(t)s. How was it?") % {"t": project.title},
            url=f"/cooperation/projects/{project.uuid}/",
        )
    return project


def rate_project(*, actor: Any, project: Project, score: int, comment: str = "") -> ProjectRating:
    """A resident concerned rates a delivered project, once (1 = very dissatisfied … 5)."""
    require(
        actor, "cooperation.rate_project", project, "only the residents concerned rate this project"
    )
    if project.status != S.DELIVERED:
        raise ActionError(_("Only a delivered project is rated."), code="not_delivered")
    if project.lead_organization_id and actor.pk in set(
        members_of(project.lead_organization).values_list("pk", flat=True)
    ):
        raise ActionError(_("The lead unit does not rate its own project."), code="own_project")
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ActionError(_("Rate from 1 to 5."), field="score")
    with transaction.atomic():
        if ProjectRating.objects.filter(project=project, user=actor).exists():
            raise ActionError(_("You have already rated this project."), code="already_rated")
        return ProjectRating.objects.create(
            project=project, user=actor, score=score, comment=comment
        )


def evaluate_project(*, actor: Any, project: Project, note: str = "") -> Project:
    """Close the rating: the project's rating is the mean of the residents' scores."""
    require(actor, "cooperation.evaluate_project", project)
    mean = ProjectRating.objects.filter(project=project).aggregate(m=Avg("score"))["m"]
    rating = None if mean is None else Decimal(str(mean)).quantize(Decimal("0.01"))
    with transaction.atomic():
        _move(
            project,
            S.EVALUATED,
            actor,
            note,
            evidence={
                "rating": str(rating) if rating is not None else None,
                "ratings": project.ratings.count(),
            },
            extra_updates={"rating": rating, "evaluated_at": timezone.now()},
        )
        notify(
            members_of(project.lead_organization),
            "cooperation.project_evaluated",
            _("%(t)s rated %(r)s")
            % {"t": project.title, "r": rating if rating is not None else "—"},
        )
    return project


def archive_project(*, actor: Any, project: Project, note: str = "") -> Project:
    require(actor, "cooperation.evaluate_project", project)
    with transaction.atomic():
        _move(project, S.ARCHIVED, actor, note)
    return project


def cancel_project(*, actor: Any, project: Project, note: str) -> Project:
    """Stop a project before delivery; its needs go back to the list."""
    require(actor, "cooperation.decide_project", project)
    if not (note or "").strip():
        raise ActionError(_("Say why the project is cancelled."), field="note")
    with transaction.atomic():
        _move(project, S.CANCELLED, actor, note)
        _needs_to(project, NeedStatus.LISTED, actor, _("project cancelled"), claimed_by=None)
    return project


def cast_project_vote(*, actor: Any, project: Project, choice: str) -> None:
    """A member of the deciding body votes (for / against / abstain) through the voting app."""
    voting_bridge.cast(actor=actor, project=project, choice=choice)
