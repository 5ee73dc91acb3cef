"""双报到: units' party organizations report to the community where they are based, in-service
party members to the community where they live; the community confirms. Then service posts in
eight categories with capacity, claims, service records with hours (confirmed by the community),
and a yearly appraisal. governance-mechanisms.md §4.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import WorkflowEvent
from cogov.core.workflow import TransitionTable


def _staff_or_own(user, community_lookup: str, unit_lookup: str | None, member_lookup: str | None):  # type: ignore[no-untyped-def]
    from cogov.accounts.scopes import reach

    r = reach(user)
    if r.everything:
        return None
    condition = Q(pk__in=[])
    for path in r.paths_with("organizations"):
        condition |= Q(**{f"{community_lookup}__path__startswith": path})
    if unit_lookup:
        for path in r.organization_paths_with("own_organization"):
            condition |= Q(**{f"{unit_lookup}__path__startswith": path})
    if member_lookup and getattr(user, "pk", None):
        condition |= Q(**{f"{member_lookup}__person__user": user})
    return condition


class ReportKind(models.TextChoices):
    UNIT = "unit", _("Unit party organization")
    MEMBER = "member", _("In-service party member")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CONFIRMED = "confirmed", pgettext_lazy("dual reporting", "Confirmed")
    REJECTED = "rejected", _("Returned")
    ENDED = "ended", _("Ended (moved or left)")


REPORT_TRANSITIONS = TransitionTable(
    {
        ReportStatus.SUBMITTED: {ReportStatus.CONFIRMED, ReportStatus.REJECTED},
        ReportStatus.CONFIRMED: {ReportStatus.ENDED},
    }
)


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user) -> ReportQuerySet:  # type: ignore[no-untyped-def]
        condition = _staff_or_own(user, "community", "unit", "member")
        return self if condition is None else self.filter(condition)

    def confirmed(self) -> ReportQuerySet:
        return self.filter(status=ReportStatus.CONFIRMED)


class Report(models.Model):
    """One 双报到 registration (报到单) of a unit or of an in-service member with a community."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("who reports"), max_length=8, choices=ReportKind.choices)
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    member = models.ForeignKey(
        "people.PartyMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    employer = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("employer"),
    )
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    confirmed_on = models.DateField(null=True, blank=True)
    last_reported_on = models.DateField(_("last reported"), null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="unit", unit__isnull=False, member__isnull=True))
                | Q(kind="member", member__isnull=False, unit__isnull=True),
                name="report_unit_xor_member",
            ),
            # One live registration per reporter and community.
            models.UniqueConstraint(
                fields=["community", "unit"],
                condition=Q(status__in=["submitted", "confirmed"], unit__isnull=False),
                name="report_unit_live_once",
            ),
            models.UniqueConstraint(
                fields=["community", "member"],
                condition=Q(status__in=["submitted", "confirmed"], member__isnull=False),
                name="report_member_live_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit or self.member)


class ReportEvent(WorkflowEvent):
    subject = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class PostCategory(models.TextChoices):
    ORGANIZATION = "organization", _("Organization building")  # 组织建设
    LEGAL = "legal", _("Legal aid")  # 法律援助
    WELFARE = "welfare", _("Aid, disability and employment")  # 助困扶残与就业
    GOVERNANCE = "governance", _("Community governance")  # 社区治理
    HEALTH = "health", _("Health and medical care")  # 健康医疗
    CULTURE = "culture", _("Culture and sports")  # 文体
    SAFETY = "safety", _("Safety outreach and patrols")  # 安全宣传与治安巡逻
    OTHER = "other", _("Other")  # 其他


class PostQuerySet(models.QuerySet["ServicePost"]):
    def visible_to(self, user) -> PostQuerySet:  # type: ignore[no-untyped-def]
        """Staff over the community; members and units reported (or reporting) to it; units
        based in it."""
        from cogov.accounts.scopes import reach

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        for path in r.paths_with("organizations"):
            condition |= Q(community__path__startswith=path)
        live = [ReportStatus.SUBMITTED, ReportStatus.CONFIRMED]
        if getattr(user, "pk", None):
            condition |= Q(
                community__in=Report.objects.filter(
                    member__person__user=user, status__in=live
                ).values("community")
            )
        for path in r.organization_paths_with("own_organization"):
            condition |= Q(
                community__in=Report.objects.filter(
                    unit__path__startswith=path, status__in=live
                ).values("community")
            )
        return self.filter(condition)

    def open(self) -> PostQuerySet:
        return self.filter(open=True)


class ServicePost(models.Model):
    """A service post (服务岗位) a community publishes for reported members to claim."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey("territory.Node", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=16, choices=PostCategory.choices)
    title = models.CharField(pgettext_lazy("service post", "title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    claimed = models.PositiveIntegerField(default=0)
    open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed__lte=models.F("capacity")), name="post_within_capacity"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.claimed)


class PostClaim(models.Model):
    post = models.ForeignKey(ServicePost, on_delete=models.CASCADE, related_name="claims")
    member = models.ForeignKey(
        "people.PartyMember", on_delete=models.PROTECT, related_name="post_claims"
    )
    employer = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimed_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"],
                condition=Q(withdrawn_at__isnull=True),
                name="post_claim_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.post}"


class RecordStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CONFIRMED = "confirmed", pgettext_lazy("dual reporting", "Confirmed")
    REJECTED = "rejected", _("Rejected")


RECORD_TRANSITIONS = TransitionTable(
    {RecordStatus.SUBMITTED: {RecordStatus.CONFIRMED, RecordStatus.REJECTED}}
)


class ServiceRecordQuerySet(models.QuerySet["ServiceRecord"]):
    def visible_to(self, user) -> ServiceRecordQuerySet:  # type: ignore[no-untyped-def]
        condition = _staff_or_own(user, "community", "employer", "member")
        return self if condition is None else self.filter(condition)

    def confirmed(self) -> ServiceRecordQuerySet:
        return self.filter(status=RecordStatus.CONFIRMED)

    def between(self, start, end) -> ServiceRecordQuerySet:  # type: ignore[no-untyped-def]
        """Served on a date in [start, end)."""
        return self.filter(served_on__gte=start, served_on__lt=end)


class ServiceRecord(models.Model):
    """Hours a member served in the community (服务登记卡), confirmed by the community. The
    employer is copied at the time of service, so the employer's sheet stays true when the
    member changes jobs."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey("territory.Node", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "people.PartyMember", on_delete=models.PROTECT, related_name="service_records"
    )
    employer = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    post = models.ForeignKey(
        ServicePost, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    served_on = models.DateField(_("served on"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    description = models.CharField(_("what was done"), max_length=300)
    status = models.CharField(
        max_length=16, choices=RecordStatus.choices, default=RecordStatus.SUBMITTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-served_on", "-pk"]
        indexes = [models.Index(fields=["employer", "served_on"])]

    def __str__(self) -> str:
        return f"{self.member} {self.served_on} {self.hours}h"


class ServiceRecordEvent(WorkflowEvent):
    subject = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class Appraisal(models.Model):
    """The community's yearly appraisal (评议) of a reported member."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey("territory.Node", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "people.PartyMember", on_delete=models.PROTECT, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=32)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "member", "year"], name="appraisal_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.grade}"
