"""Volunteer activities, sign-ups (with a waiting list) and service certificates."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import AppendOnlyModel, WorkflowEvent


def _secret() -> str:
    return secrets.token_hex(32)


class ActivityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("activity", "Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, user) -> ActivityQuerySet:  # type: ignore[no-untyped-def]
        """Activities of the communities the user's roles reach (a resident's or volunteer's
        community, a staff member's scope, the community an organization is based in) and those
        organized by the user's organizations."""
        from cogov.accounts.scopes import reach

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        for path in r.node_paths:
            condition |= Q(community__path__startswith=path)
        for grant in r.grants:
            if grant.organization_id:
                condition |= Q(organizer_id=grant.organization_id)
        org_nodes = _organization_communities(r.organization_ids)
        if org_nodes:
            condition |= Q(community_id__in=org_nodes)
        return self.filter(condition)

    def in_month(self, year: int, month: int) -> ActivityQuerySet:
        from cogov.core.metrics import Period

        start, end = Period.month(year, month).bounds()
        return self.filter(starts_at__gte=start, starts_at__lt=end)


def _organization_communities(org_ids: set[int]) -> list[int]:
    if not org_ids:
        return []
    from cogov.organizations.models import Organization

    return list(Organization.objects.filter(pk__in=org_ids).values_list("node_id", flat=True))


class Activity(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    organizer = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organizer"),
        help_text=_("a unit or social organization; empty: the community itself"),
    )
    title = models.CharField(pgettext_lazy("activity", "title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    activity_type = models.CharField(_("activity type"), max_length=32)
    location = models.CharField(pgettext_lazy("activity", "location"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    code_secret = models.CharField(max_length=64, default=_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="points_activity_ends_after"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="points_activity_capacity"),
        ]

    def __str__(self) -> str:
        return self.title


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("sign-up", "Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


SIGNUP_TRANSITIONS = {
    SignupStatus.CONFIRMED: {SignupStatus.CANCELLED},
    SignupStatus.WAITLISTED: {SignupStatus.CONFIRMED, SignupStatus.CANCELLED},
}


class SignupQuerySet(models.QuerySet["Signup"]):
    def visible_to(self, user) -> SignupQuerySet:  # type: ignore[no-untyped-def]
        """The user's own sign-ups, and those of activities the user manages."""
        from cogov.accounts.scopes import reach

        from ..predicates import manager_paths

        r = reach(user)
        if r.everything:
            return self
        condition = Q(person__user=user) if getattr(user, "is_authenticated", False) else Q()
        condition = condition | Q(pk__in=[])
        for path in manager_paths(r):
            condition |= Q(activity__community__path__startswith=path)
        for org_id in r.organization_ids:
            condition |= Q(activity__organizer_id=org_id)
        return self.filter(condition)

    def attended(self) -> SignupQuerySet:
        return self.filter(checked_out_at__isnull=False, hours__gt=0)


class Signup(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=SignupStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=0)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=~Q(status="cancelled"),
                name="points_signup_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"


class SignupEvent(WorkflowEvent):
    """Sign-up, promotion from the waiting list, cancellation, check-in, check-out, staff
    confirmation: one row each."""

    subject = models.ForeignKey(Signup, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, blank=True)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("sign-up event")
        verbose_name_plural = _("sign-up events")


class Certificate(AppendOnlyModel):
    """A volunteer-service record certificate (志愿服务记录证明), issued free of charge on the
    volunteer's request (志愿服务条例 art. 19; 民政部令第67号). The content is fixed when issued:
    the record of what was certified stays as it was, whatever happens to the activities later.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("territory.Node", on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(_("issuing organization"), max_length=150)
    issuer_contact = models.CharField(_("issuer's office phone"), max_length=30, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2)
    content = models.JSONField(_("services"), default=list)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number
