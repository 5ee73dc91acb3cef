"""The three lists (三张清单, governance-mechanisms §5): needs, resources, projects.

Each is a workflow: a status, one transition table here, an append-only event per move.
Every row carries `territory_path` (its grid's path when known, else its community's) so that
scoping is one prefix match.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import WorkflowEvent
from cogov.core.workflow import TransitionTable

from ..querysets import NeedQuerySet, ProjectQuerySet, ResourceQuerySet


class ListItem(models.Model):
    """What a need, a resource and a project share: a public uuid, the community it belongs to,
    newest first, shown by its title. Abstract: no table of its own, the schema is unchanged.
    (Each list's other fields, its path index and its queryset stay on the list.)"""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.title)  # type: ignore[attr-defined]


class ListEvent(WorkflowEvent):
    """A move of a need or a project, with the unit that made it (the claimant) when there is
    one. Abstract: each list keeps its own event table."""

    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(WorkflowEvent.Meta):
        abstract = True


class ServiceCategory(models.TextChoices):
    """The post categories of 中江县's 需求表 (governance-mechanisms §4.2), plus elderly care."""

    ORGANIZATION = "organization", _("Organization building")
    LEGAL = "legal", _("Legal aid")
    ASSISTANCE = "assistance", _("Help for the poor and disabled, employment")
    GOVERNANCE = "governance", _("Community governance")
    HEALTH = "health", _("Health and medical care")
    CULTURE = "culture", _("Culture and sports")
    SAFETY = "safety", _("Safety education and patrols")
    ELDERLY = "elderly", _("Elderly care")
    OTHER = "other", _("Other")


class NeedSource(models.TextChoices):
    RESIDENT = "resident", _("Raised by a resident")
    SURVEY = "survey", _("Survey or forum")
    GRID_VISIT = "grid_visit", _("Grid visit (campaign)")
    CASE_TREND = "case_trend", _("Recurring case category")
    STAFF = "staff", _("Community staff")


class NeedStatus(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    TRIAGED = "triaged", _("Triaged")
    LISTED = "listed", _("Listed")
    CLAIMED = "claimed", _("Claimed by a unit")
    IN_PROJECT = "in_project", _("In a project")
    MET = "met", _("Met")
    REJECTED = "rejected", _("Not taken up")
    WITHDRAWN = "withdrawn", _("Withdrawn")


N = NeedStatus
NEED_TRANSITIONS = TransitionTable(
    {
        N.COLLECTED: {N.TRIAGED, N.REJECTED, N.WITHDRAWN},
        N.TRIAGED: {N.LISTED, N.REJECTED},
        N.LISTED: {N.CLAIMED, N.IN_PROJECT, N.WITHDRAWN},
        N.CLAIMED: {N.LISTED, N.IN_PROJECT},
        N.IN_PROJECT: {N.MET, N.LISTED},
    }
)


class Need(ListItem):
    grid = models.ForeignKey(
        "territory.Node", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "territory.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(pgettext_lazy("co-construction", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=ServiceCategory.choices)
    wanted_kinds = models.JSONField(_("kinds of resource wanted"), default=list, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity needed"), null=True, blank=True, help_text=_("in the unit of the resource")
    )
    people_affected = models.PositiveIntegerField(_("residents concerned"), default=1)
    source = models.CharField(_("source"), max_length=16, choices=NeedSource.choices)
    source_ref = models.CharField(max_length=64, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.COLLECTED
    )
    claimed_by = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    listed_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta(ListItem.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            models.Index(
                fields=["territory_path"], name="coop_need_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["status", "listed_at"]),
        ]


class NeedEvent(ListEvent):
    subject = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="events")

    class Meta(ListEvent.Meta):
        verbose_name = _("need event")
        verbose_name_plural = _("need events")


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("Venue")
    FUNDS = "funds", _("Funds")
    SKILLS = "skills", _("Skills")
    VOLUNTEERS = "volunteers", _("Volunteers")
    GOODS = "goods", _("Goods")


class ResourceStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    LISTED = "listed", _("Listed (verified)")
    CLAIMED = "claimed", _("Claimed by the community")
    EXHAUSTED = "exhausted", _("Used up")
    DECLINED = "declined", pgettext_lazy("offer", "Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


R = ResourceStatus
RESOURCE_TRANSITIONS = TransitionTable(
    {
        R.OFFERED: {R.LISTED, R.DECLINED, R.WITHDRAWN},
        R.LISTED: {R.CLAIMED, R.WITHDRAWN, R.EXHAUSTED},
        R.CLAIMED: {R.WITHDRAWN, R.EXHAUSTED},
    }
)
USABLE_RESOURCE = (R.LISTED, R.CLAIMED)


class Resource(ListItem):
    """Something offered by an organization (a co-construction unit, social organization,
    volunteer team…) or by a person: a venue, funds, skills, volunteers or goods, with
    availability windows and a capacity."""

    territory_path = models.CharField(max_length=255, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offered by (organization)"),
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offered by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    title = models.CharField(pgettext_lazy("co-construction", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    categories = models.JSONField(_("categories served"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    capacity_unit = models.CharField(
        _("unit"), max_length=20, help_text=_("seats, hours, yuan, items…")
    )
    available_from = models.DateField(_("available from"), default=timezone.localdate)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    windows = models.JSONField(
        _("weekly availability"),
        default=list,
        blank=True,
        help_text=_('e.g. [{"days": [5, 6], "start": "09:00", "end": "12:00"}]'),
    )
    building = models.ForeignKey(
        "territory.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResourceStatus.choices, default=ResourceStatus.OFFERED
    )
    created_at = models.DateTimeField(default=timezone.now)
    listed_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    objects = ResourceQuerySet.as_manager()

    class Meta(ListItem.Meta):
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            models.Index(
                fields=["territory_path"], name="coop_res_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["organization", "status"]),
        ]


class ResourceEvent(WorkflowEvent):
    subject = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("resource event")
        verbose_name_plural = _("resource events")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DELIBERATING = "deliberating", _("Being deliberated")
    APPROVED = "approved", _("Approved")
    CLAIMED = "claimed", _("Claimed by a lead unit")
    IMPLEMENTING = "implementing", _("Being implemented")
    DELIVERED = "delivered", _("Delivered")
    EVALUATED = "evaluated", _("Evaluated")
    ARCHIVED = "archived", _("Archived")
    REJECTED = "rejected", _("Not approved")
    CANCELLED = "cancelled", _("Cancelled")


P = ProjectStatus
PROJECT_TRANSITIONS = TransitionTable(
    {
        P.PROPOSED: {P.DELIBERATING, P.CANCELLED},
        P.DELIBERATING: {P.APPROVED, P.REJECTED, P.CANCELLED},
        P.APPROVED: {P.CLAIMED, P.CANCELLED},
        P.CLAIMED: {P.IMPLEMENTING, P.CANCELLED},
        P.IMPLEMENTING: {P.DELIVERED, P.CANCELLED},
        P.DELIVERED: {P.EVALUATED},
        P.EVALUATED: {P.ARCHIVED},
    }
)
LIVE_PROJECT = (P.PROPOSED, P.DELIBERATING, P.APPROVED, P.CLAIMED, P.IMPLEMENTING)
DONE_STATUSES = (P.DELIVERED, P.EVALUATED, P.ARCHIVED)


class Body(models.TextChoices):
    JOINT_COMMITTEE = "joint_committee", _("Joint party committee (联合党委/大党委)")
    RESIDENTS_COUNCIL = "residents_council", _("Residents' council (议事会)")


class Project(ListItem):
    """A need (or several) met by one or more resources."""

    territory_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(pgettext_lazy("co-construction", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED
    )
    body = models.CharField(_("deliberated by"), max_length=20, choices=Body.choices, blank=True)
    deciding_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The voting app's vote (by uuid: the decision is read through its actions and result).
    vote_uuid = models.UUIDField(null=True, blank=True)
    lead_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead unit"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    outputs = models.TextField(_("what was delivered"), blank=True)
    evidence = models.JSONField(default=list, blank=True)
    rating = models.DecimalField(
        _("residents' rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta(ListItem.Meta):
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(
                fields=["territory_path"], name="coop_proj_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["lead_organization", "status"]),
        ]


class ProjectEvent(ListEvent):
    subject = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="events")

    class Meta(ListEvent.Meta):
        verbose_name = _("project event")
        verbose_name_plural = _("project events")


class ProjectNeed(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="need_links")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="project_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "need"], name="coop_project_need_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} ← need {self.need_id}"


class ProjectResource(models.Model):
    """A resource committed to a project, and how much of its capacity."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="resource_links")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="project_links")
    quantity = models.PositiveIntegerField(_("quantity committed"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "resource"], name="coop_project_resource_once"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="coop_project_qty_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} ← {self.quantity} of resource {self.resource_id}"


class ProjectRating(models.Model):
    """One resident's satisfaction with a delivered project (1–5)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project rating")
        verbose_name_plural = _("project ratings")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="coop_rating_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="coop_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.score}"
