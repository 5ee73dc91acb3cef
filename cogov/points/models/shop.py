"""The love supermarket (爱心超市): items priced in points, redemptions, pickup."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cogov.core.models import WorkflowEvent


class ShopItemQuerySet(models.QuerySet["ShopItem"]):
    def visible_to(self, user) -> ShopItemQuerySet:  # type: ignore[no-untyped-def]
        """Items of the communities the user's roles reach."""
        from cogov.accounts.scopes import reach

        from .activities import _organization_communities

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        for path in r.node_paths:
            condition |= Q(community__path__startswith=path)
        org_nodes = _organization_communities(r.organization_ids)
        if org_nodes:
            condition |= Q(community_id__in=org_nodes)
        return self.filter(condition)


class ShopItem(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    price = models.DecimalField(_("price in points"), max_digits=10, decimal_places=2)
    stock = models.IntegerField(_("in stock"), default=0)
    active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ShopItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="points_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="points_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class RedemptionStatus(models.TextChoices):
    RESERVED = "reserved", _("Waiting for pickup")
    PICKED_UP = "picked_up", _("Picked up")
    CANCELLED = "cancelled", _("Cancelled")


REDEMPTION_TRANSITIONS = {
    RedemptionStatus.RESERVED: {RedemptionStatus.PICKED_UP, RedemptionStatus.CANCELLED},
}


class RedemptionQuerySet(models.QuerySet["Redemption"]):
    def visible_to(self, user) -> RedemptionQuerySet:  # type: ignore[no-untyped-def]
        """The user's own redemptions and those of the communities the user manages."""
        from cogov.accounts.scopes import reach

        from ..predicates import manager_paths

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        if getattr(user, "is_authenticated", False):
            condition |= Q(account__person__user=user)
        for path in manager_paths(r):
            condition |= Q(item__community__path__startswith=path)
        return self.filter(condition)


class Redemption(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="redemptions")
    account = models.ForeignKey(
        "points.Account", on_delete=models.PROTECT, related_name="redemptions"
    )
    points = models.DecimalField(_("points"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.RESERVED,
    )
    created_at = models.DateTimeField(default=timezone.now)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RedemptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} · {self.account.person}"


class RedemptionEvent(WorkflowEvent):
    subject = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("redemption event")
        verbose_name_plural = _("redemption events")
