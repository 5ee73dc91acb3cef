"""Campaigns: mobilisation on top of the grids (epidemic, disaster, census, custom).

A `Campaign` covers chosen streets, communities or grids (`areas`) and carries its household
checklist as data (`checklist`, validated by `checklist.py`). On assignment every household in
the areas gets one `CampaignHousehold` row: the per-household status, its assignee (包楼包户)
and the denormalised grid, community, street and `territory_path`, so that progress is one
GROUP BY and scoping one prefix match. A `Visit` is idempotent by `(campaign, client_key)`; the
first completed visit of a household is the one `CampaignHousehold.first_visit` points at
(set by a conditional UPDATE, so a household is counted exactly once).
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

from .querysets import (
    CampaignHouseholdQuerySet,
    CampaignQuerySet,
    FindingQuerySet,
    VisitQuerySet,
)


class Kind(models.TextChoices):
    EPIDEMIC = "epidemic", _("Epidemic prevention")
    DISASTER = "disaster", _("Disaster response")
    CENSUS = "census", _("Census")
    CUSTOM = "custom", _("Other")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Campaign(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    # The lowest node containing every area: who may run the campaign is decided over it.
    node = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    areas = models.ManyToManyField(
        "territory.Node", related_name="campaigns", verbose_name=_("areas")
    )
    checklist = models.JSONField(_("household checklist"), default=list)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    visit_due_at = models.DateTimeField(
        _("households to be visited by"),
        null=True,
        blank=True,
        help_text=_("set on activation from the campaigns.rules policy"),
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CampaignEvent(WorkflowEvent):
    """Status transitions and the other steps of a campaign (assignment, reassignment,
    call-ups, temporary branches, building heads), one append-only row each."""

    subject = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, default="transition")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")


class WorkerRole(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    STAFF = "staff", _("Community or street staff")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER = "volunteer", _("Volunteer")


class CampaignWorker(models.Model):
    """A person taking part: who they are, where they belong (their own grid or community is
    served first) and how many households they can take."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="workers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="campaign_roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=WorkerRole.choices)
    home = models.ForeignKey(
        "territory.Node",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("own grid or community"),
    )
    capacity = models.PositiveIntegerField(_("households they can take"))
    called_up_at = models.DateTimeField(default=timezone.now)
    called_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign worker")
        verbose_name_plural = _("campaign workers")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="campaign_worker_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class TemporaryBranch(models.Model):
    """A temporary party branch (临时党支部) set up for the campaign: an Organization of kind
    party_branch created through cogov.organizations.actions."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="branches")
    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("temporary party branch")
        verbose_name_plural = _("temporary party branches")

    def __str__(self) -> str:
        return str(self.organization)


class BuildingHead(models.Model):
    """A building head (楼栋长) of the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="building_heads")
    building = models.ForeignKey("territory.Building", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("building head")
        verbose_name_plural = _("building heads")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "building"], name="campaign_building_head_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.building} · {self.user}"


class CampaignHousehold(models.Model):
    """One household of the campaign: assignee and visit status. No uuid (300,000 rows are
    inserted at once); pages address it by the household's uuid."""

    # Foreign keys without their own index (db_index=False): the composite indexes below lead
    # with the campaign, and every index costs time when 300,000 rows go in at once. The
    # household, the denormalised copies of territory facts (building, grid, community,
    # street), the assignee and the first visit carry no database constraint either
    # (db_constraint=False; the rows come from one query in the same transaction):
    # PostgreSQL checks deferred constraints row by row at commit, which tripled the time of a
    # district-wide assignment. The ORM still applies on_delete.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="households", db_index=False
    )
    household = models.ForeignKey(
        "territory.Household",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    building = models.ForeignKey(
        "territory.Building",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    grid = models.ForeignKey(
        "territory.Node",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    community = models.ForeignKey(
        "territory.Node",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    street = models.ForeignKey(
        "territory.Node",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    territory_path = models.CharField(max_length=255)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned to"),
        db_index=False,
        db_constraint=False,
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    visited_at = models.DateTimeField(_("first visited"), null=True, blank=True)
    first_visit = models.ForeignKey(
        "Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    objects = CampaignHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign household")
        verbose_name_plural = _("campaign households")
        ordering = ["campaign", "territory_path", "building", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"], name="campaign_household_once"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "assignee", "visited_at"]),
            models.Index(fields=["campaign", "grid"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.household_id}"

    @property
    def visited(self) -> bool:
        return self.visited_at is not None


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("Visited, checklist filled in")
    NOT_HOME = "not_home", _("Nobody at home")
    REFUSED = "refused", _("Refused")


class Visit(models.Model):
    """A visit recorded from the phone. Idempotent by (campaign, client_key): the page makes the
    key once, so a form sent again after a dropped connection is the same visit."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="visits")
    entry = models.ForeignKey(CampaignHousehold, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey("territory.Household", on_delete=models.PROTECT, related_name="+")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    client_key = models.UUIDField(_("client key"))
    payload_hash = models.CharField(max_length=64)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    client_time = models.DateTimeField(_("time on the phone"), null=True, blank=True)
    server_time = models.DateTimeField(_("time received"), default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["server_time", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "client_key"], name="visit_client_key_once")
        ]
        indexes = [models.Index(fields=["campaign", "visitor"])]

    def __str__(self) -> str:
        return f"{self.household_id} @ {self.server_time:%Y-%m-%d %H:%M}"


class FindingKind(models.TextChoices):
    VULNERABLE = "vulnerable", _("Vulnerable resident")
    NEED = "need", _("Need")


class Finding(models.Model):
    """Something a visit found: a vulnerable resident or a need (from checklist fields flagged
    so). A need is handed off once to a target (a case now; the needs list later)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="findings")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    entry = models.ForeignKey(CampaignHousehold, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=FindingKind.choices)
    field = models.CharField(_("checklist field"), max_length=64)
    label = models.CharField(_("label"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    case_category = models.CharField(max_length=16, blank=True)
    found_at = models.DateTimeField(default=timezone.now)
    handoff_target = models.CharField(_("handed off to"), max_length=16, blank=True)
    handoff_ref = models.CharField(max_length=64, blank=True)
    handed_off_at = models.DateTimeField(null=True, blank=True)
    handed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["campaign", "found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "field"], name="finding_once_per_visit_field")
        ]

    def __str__(self) -> str:
        return self.label


class Checkpoint(models.Model):
    """A checkpoint (卡口) with its shift roster."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checkpoints")
    name = models.CharField(_("name"), max_length=100)
    node = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["campaign", "name"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["checkpoint", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} {self.starts_at:%m-%d %H:%M}"
