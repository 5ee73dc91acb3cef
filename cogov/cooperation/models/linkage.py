"""Five-society linkage (五社联动, governance-mechanisms §10): social organizations (a profile
one-to-one with an organization), certified social workers, volunteer teams (organizations of
kind volunteer_team), and charitable resources (funds with an append-only ledger; balances are
derived), and who of them took part in which project."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import AppendOnlyModel

from ..querysets import FundQuerySet


class OrgStage(models.TextChoices):
    INCUBATING = "incubating", _("Being incubated")
    INCUBATED = "incubated", _("Out of incubation")
    ESTABLISHED = "established", _("Established")


class OrgStanding(models.TextChoices):
    FILED = "filed", _("Filed with the street or community (备案)")
    REGISTERED = "registered", _("Registered with civil affairs (登记)")


class SocialOrgProfile(models.Model):
    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="social_profile"
    )
    stage = models.CharField(_("incubation stage"), max_length=16, choices=OrgStage.choices)
    standing = models.CharField(_("legal standing"), max_length=16, choices=OrgStanding.choices)
    registry_no = models.CharField(_("registration or filing number"), max_length=40, blank=True)
    filed_with = models.ForeignKey(
        "territory.Node", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_fields = models.JSONField(_("service fields"), default=list, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("social organization profile")
        verbose_name_plural = _("social organization profiles")

    def __str__(self) -> str:
        return str(self.organization)


class CertLevel(models.TextChoices):
    ASSISTANT = "assistant", _("Assistant social worker (助理社会工作师)")
    SOCIAL_WORKER = "social_worker", _("Social worker (社会工作师)")
    SENIOR = "senior", _("Senior social worker (高级社会工作师)")


class SocialWorkerCertification(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(
        pgettext_lazy("certificate", "level"), max_length=16, choices=CertLevel.choices
    )
    certificate_no = models.CharField(
        pgettext_lazy("certificate", "certificate number"), max_length=40
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("works at"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("social-worker certification")
        verbose_name_plural = _("social-worker certifications")
        constraints = [
            models.UniqueConstraint(fields=["person", "level"], name="coop_cert_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_level_display()}"

    def valid_on(self, day: object = None) -> bool:
        day = day or timezone.localdate()
        return self.issued_on <= day and (self.valid_until is None or self.valid_until >= day)  # type: ignore[operator]


class FundKind(models.TextChoices):
    COMMUNITY_FUND = "community_fund", _("Community fund (社区基金)")
    CHARITY_TRUST = "charity_trust", _("Charity trust")
    ONLINE = "online", _("Online fund-raising")
    GOODS = "goods", _("Goods in kind (爱心超市 stock)")


class CharityFund(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey("territory.Node", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=FundKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("charitable fund")
        verbose_name_plural = _("charitable funds")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LedgerDirection(models.TextChoices):
    IN = "in", _("Donation received")
    OUT = "out", _("Spent or given out")


class LedgerEntry(AppendOnlyModel):
    """One movement of a fund. Money in yuan; goods in kind carry their item, quantity and a
    valued amount. Corrections are new entries, never edits."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(CharityFund, on_delete=models.PROTECT, related_name="entries")
    direction = models.CharField(max_length=3, choices=LedgerDirection.choices)
    in_kind = models.BooleanField(_("in kind"), default=False)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    item = models.CharField(pgettext_lazy("charity", "item"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    donor_name = models.CharField(_("donor"), max_length=150, blank=True)
    donor_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "cooperation.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="coop_ledger_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.amount}"


class ParticipantRole(models.TextChoices):
    """The five of 五社联动 (the community itself is the project's owner)."""

    SOCIAL_ORG = "social_org", _("Social organization (undertakes)")
    SOCIAL_WORKER = "social_worker", _("Social worker (professional lead)")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team (delivers)")
    CHARITY = "charity", _("Charitable resources (funds)")
    UNIT = "unit", _("Co-construction unit")


class ProjectParticipant(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "cooperation.Project", on_delete=models.PROTECT, related_name="participants"
    )
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certification = models.ForeignKey(
        SocialWorkerCertification, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fund = models.ForeignKey(
        CharityFund, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=1, default=0)
    note = models.CharField(_("what they did"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project participant")
        verbose_name_plural = _("project participants")
        ordering = ["project", "role", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id} · {self.role}"
