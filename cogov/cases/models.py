"""Cases: the grid case loop merged with 12345 work orders, and the street whistle (吹哨报到).

A `Case` carries its grid and the denormalised community, street and `territory_path` of that
grid, so scoping a list is one indexed prefix match. Its status moves only through
`cogov.cases.workflow.move` (one `CaseEvent` per step); metrics read the events and the case
rows, never counters.
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
from cogov.lib.masking import mask_phone

from .querysets import CaseQuerySet, WhistleQuerySet
from .workflow import Resolution, Satisfaction, Status


class Urgency(models.TextChoices):
    """The 12345 urgency classes (DB11/T 2021—2022); deadlines per class are policy."""

    LIFE_SAFETY = "life_safety", _("Emergency: life, safety, public health")
    BASIC_UTILITY = "basic_utility", _("Water, power, gas, heating, extreme weather")
    GENERAL = "general", _("General")
    COMPLEX = "complex", _("Complex")


class Channel(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    HOTLINE = "hotline", _("Hotline (12345)")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    OPEN311 = "open311", _("Open311")


class WorkType(models.TextChoices):
    REQUEST = "request", _("Request (诉求)")
    COMPLAINT = "complaint", _("Complaint (投诉)")
    CONSULTATION = "consultation", _("Consultation (咨询)")
    HELP = "help", _("Help (求助)")
    SUGGESTION = "suggestion", _("Suggestion (建议)")


class Category(models.Model):
    """A node of the configurable problem-category tree (e.g. 市容环境 → 暴露垃圾)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    code = models.CharField(pgettext_lazy("category", "code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=60)
    urgency = models.CharField(
        _("default urgency"), max_length=16, choices=Urgency.choices, default=Urgency.GENERAL
    )
    default_org_kind = models.CharField(
        _("default responsible organization kind"),
        max_length=32,
        blank=True,
        help_text=_("an organizations.OrgKind; empty: territorial fallback (street office)"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(pgettext_lazy("case", "number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    work_type = models.CharField(
        _("type"), max_length=16, choices=WorkType.choices, default=WorkType.REQUEST
    )
    # No index of its own: Meta's (category, status, reported_at) serves lookups by category.
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("category"),
        db_index=False,
    )
    description = models.TextField(_("description"))
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "territory.Node",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
    )
    community = models.ForeignKey(
        "territory.Node",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community"),
    )
    street = models.ForeignKey(
        "territory.Node",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("street"),
    )
    # The path of the deepest node known (normally the grid): "everything under X" is a
    # prefix match.
    territory_path = models.CharField(max_length=255, editable=False)
    building = models.ForeignKey(
        "territory.Building",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("building"),
    )
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reporter_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    caller_name = models.CharField(_("caller name"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.GENERAL
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.REPORTED
    )
    # No index of its own: Meta's (lead_organization, status) serves lookups by organization.
    lead_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("lead organization"),
    )
    co_handlers = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="co_cases",
        verbose_name=_("co-handling organizations"),
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    reply = models.TextField(_("reply"), blank=True)
    # Timestamps of the steps (set by the actions together with the status).
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    revisited_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Current due times, copied from the scheduled deadlines so lists and metrics need no join.
    response_due_at = models.DateTimeField(null=True, blank=True)
    reply_due_at = models.DateTimeField(null=True, blank=True)
    check_due_at = models.DateTimeField(null=True, blank=True)
    hung_until = models.DateField(_("committed date (承诺件)"), null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    supervised = models.BooleanField(_("under supervision (督办)"), default=False)
    revisit_resolution = models.CharField(
        _("resolved?"), max_length=16, choices=Resolution.choices, blank=True
    )
    revisit_satisfaction = models.CharField(
        _("satisfied?"), max_length=16, choices=Satisfaction.choices, blank=True
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["territory_path", "status"],
                name="case_path_status",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["lead_organization", "status"]),
            models.Index(fields=["category", "status", "reported_at"]),
            models.Index(fields=["reply_due_at"]),
            models.Index(fields=["revisited_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_caller_phone(self) -> str:
        return mask_phone(self.caller_phone)

    @property
    def has_requester(self) -> bool:
        """Someone who asked and can be called back (回访)."""
        return not self.anonymous and bool(
            self.reporter_person_id
            or self.caller_phone
            or (self.reporter_user_id and self.channel in {"resident", "api", "open311"})
        )


class CaseEvent(WorkflowEvent):
    subject = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, db_index=True, help_text="the action that wrote it")
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["kind", "at"])]


class CaseFollower(models.Model):
    """A user who follows a case reported by someone else (typically a neighbour who found
    the same problem already reported): told when it is replied, closed or reopened."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case follower")
        verbose_name_plural = _("case followers")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.user}"


class AttachmentStage(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")
    DOCUMENT = "document", _("Document")


class CaseAttachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    stage = models.CharField(_("stage"), max_length=16, choices=AttachmentStage.choices)
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.stage}"


class CaseNumber(models.Model):
    """The last public number issued per prefix and year ("G2026-000123")."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="case_number_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.last}"


class WhistleCategory(models.TextChoices):
    DEMAND = "demand", _("Residents' demands (群众诉求)")
    KEY_TASK = "key_task", _("Key work (重点工作)")
    ENFORCEMENT = "enforcement", _("Comprehensive law enforcement (综合执法)")
    EMERGENCY = "emergency", _("Emergency handling (应急处置)")


class WhistleStatus(models.TextChoices):
    BLOWN = "blown", _("Blown")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class Whistle(models.Model):
    """A street calls district departments to a problem it cannot solve alone (街乡吹哨)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    category = models.CharField(_("category"), max_length=16, choices=WhistleCategory.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="whistles"
    )
    street = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("street")
    )
    street_path = models.CharField(max_length=255, editable=False)
    subject = models.CharField(pgettext_lazy("whistle", "subject"), max_length=200)
    lead_department = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead department"),
    )
    blown_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    blown_at = models.DateTimeField(default=timezone.now)
    report_due_at = models.DateTimeField(_("departments report by"))
    status = models.CharField(
        max_length=16, choices=WhistleStatus.choices, default=WhistleStatus.BLOWN
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = WhistleQuerySet.as_manager()

    class Meta:
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")
        ordering = ["-blown_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class WhistleReport(models.Model):
    """One department called by a whistle: reported (报到) in time, late, or a no-show."""

    whistle = models.ForeignKey(Whistle, on_delete=models.PROTECT, related_name="reports")
    department = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="whistle_reports"
    )
    is_lead = models.BooleanField(default=False)
    due_at = models.DateTimeField()
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    no_show = models.BooleanField(default=False)
    no_show_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("whistle report")
        verbose_name_plural = _("whistle reports")
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="whistle_report_unique"),
            models.CheckConstraint(
                condition=~Q(no_show=True, reported_at__isnull=False),
                name="whistle_report_no_show_or_reported",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.whistle} · {self.department}"

    @property
    def on_time(self) -> bool:
        return self.reported_at is not None and self.reported_at <= self.due_at


class DepartmentRating(models.Model):
    """A street's rating of a department's work on one whistle (街道评议职能部门), scores 0–100."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    whistle = models.ForeignKey(Whistle, on_delete=models.PROTECT, related_name="ratings")
    department = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="ratings"
    )
    street = models.ForeignKey("territory.Node", on_delete=models.PROTECT, related_name="+")
    response_speed = models.PositiveSmallIntegerField(_("response speed"))
    cooperation = models.PositiveSmallIntegerField(_("cooperation"))
    implementation = models.PositiveSmallIntegerField(_("implementation"))
    note = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("department rating")
        verbose_name_plural = _("department ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["whistle", "department"], name="department_rating_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.whistle}"
