"""Micro-wishes (微心愿, governance-mechanisms §4.4).

DRAFT → SUBMITTED → VERIFIED (home visit) | REJECTED → PUBLISHED → CLAIMED (lock) → FULFILLED
(delivery evidence) → ACKNOWLEDGED (beneficiary); CLAIMED → PUBLISHED when the claim times out.

The one-to-one claim is a `WishLock` row per published wish: a claim is a conditional UPDATE
of that row ("free, or its hold has expired" → holder, expires_at), so of two claimants at the
same moment exactly one UPDATE matches.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cogov.core.models import WorkflowEvent
from cogov.core.workflow import TransitionTable

from ..querysets import WishQuerySet


class WishStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified by a home visit")
    REJECTED = "rejected", _("Rejected")
    PUBLISHED = "published", _("Published")
    CLAIMED = "claimed", _("Claimed")
    FULFILLED = "fulfilled", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


W = WishStatus
WISH_TRANSITIONS = TransitionTable(
    {
        W.DRAFT: {W.SUBMITTED},
        W.SUBMITTED: {W.VERIFIED, W.REJECTED},
        W.VERIFIED: {W.PUBLISHED},
        W.PUBLISHED: {W.CLAIMED},
        W.CLAIMED: {W.PUBLISHED, W.FULFILLED},
        W.FULFILLED: {W.ACKNOWLEDGED},
    }
)


class Wish(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        "territory.Node", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory_path = models.CharField(max_length=255, editable=False)
    beneficiary = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("beneficiary")
    )
    pseudonym = models.CharField(_("published as"), max_length=40)
    title = models.CharField(_("wish"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    value = models.DecimalField(_("estimated value (yuan)"), max_digits=8, decimal_places=2)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=WishStatus.choices, default=WishStatus.DRAFT
    )
    visit_note = models.TextField(_("home visit note"), blank=True)
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimant_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["territory_path"], name="coop_wish_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["status", "published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.pseudonym}: {self.title}"


class WishEvent(WorkflowEvent):
    subject = models.ForeignKey(Wish, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("micro-wish event")
        verbose_name_plural = _("micro-wish events")


class WishLock(models.Model):
    """The claim lock of a published wish. `holder` is null when free; a hold whose
    `expires_at` has passed is free again (lazily, and the sweep writes the release event).
    `expires_at` null with a holder: the wish was delivered, the hold is permanent."""

    wish = models.OneToOneField(
        Wish, on_delete=models.CASCADE, primary_key=True, related_name="lock"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    generation = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("micro-wish claim lock")
        verbose_name_plural = _("micro-wish claim locks")

    def __str__(self) -> str:
        return f"lock {self.wish_id} → {self.holder_id}"

    def held_by(self, user: object, now: object = None) -> bool:
        now = now or timezone.now()
        return (
            self.holder_id is not None
            and self.holder_id == getattr(user, "pk", None)
            and (self.expires_at is None or self.expires_at > now)  # type: ignore[operator]
        )
