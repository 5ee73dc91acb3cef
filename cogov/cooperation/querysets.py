"""Reads of co-construction: one `visible_to(user)` per model (access.py gives the paths)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from . import access

PUBLIC_NEED = ("listed", "claimed", "in_project", "met")
PUBLIC_RESOURCE = ("listed", "claimed", "exhausted")
PUBLIC_WISH = ("published", "claimed", "fulfilled", "acknowledged")


def _me(user: Any, field: str) -> Q:
    if getattr(user, "is_authenticated", False):
        return Q(**{field: user.pk})
    return Q(pk__in=[])


class NeedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> NeedQuerySet:
        """Listed needs to the community's audience (residents, staff, organizations based
        there); needs not yet listed to the staff and field workers over them and to whoever
        raised them."""
        if access.is_everything(user):
            return self
        public = access.q_around(access.audience_paths(user)) & Q(status__in=PUBLIC_NEED)
        staff = access.q_under(access.field_paths(user))
        return self.filter(public | staff | _me(user, "raised_by_id"))

    def in_region(self, node: Any) -> NeedQuerySet:
        return self.filter(territory_path__startswith=node.path)

    def open(self) -> NeedQuerySet:
        return self.filter(status__in=("listed", "claimed"))

    def for_list(self) -> NeedQuerySet:
        return self.select_related("community", "grid", "claimed_by")


class ResourceQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ResourceQuerySet:
        """Listed resources to the community's audience; offers to the staff over them, the
        person who offered and the members of the offering organization."""
        if access.is_everything(user):
            return self
        public = access.q_around(access.audience_paths(user)) & Q(status__in=PUBLIC_RESOURCE)
        staff = access.q_under(access.manage_paths(user))
        mine = _me(user, "offered_by_id") | Q(
            organization_id__in=sorted(access.organization_ids(user))
        )
        return self.filter(public | staff | mine)

    def in_region(self, node: Any) -> ResourceQuerySet:
        return self.filter(territory_path__startswith=node.path)

    def usable(self, on: dt.date | None = None) -> ResourceQuerySet:
        """Listed or claimed, inside their availability dates."""
        on = on or timezone.localdate()
        return self.filter(status__in=("listed", "claimed"), available_from__lte=on).filter(
            Q(available_until__isnull=True) | Q(available_until__gte=on)
        )

    def with_committed(self) -> ResourceQuerySet:
        """Annotate `committed`: capacity promised to projects that are not cancelled or
        rejected."""
        return self.annotate(
            committed=Sum(
                "project_links__quantity",
                filter=~Q(project_links__project__status__in=("cancelled", "rejected")),
                default=0,
            )
        )

    def for_list(self) -> ResourceQuerySet:
        return self.select_related("community", "organization", "building")


class ProjectQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ProjectQuerySet:
        """Projects are public to the community's audience and to the lead unit's members."""
        if access.is_everything(user):
            return self
        return self.filter(
            access.q_around(access.audience_paths(user))
            | Q(lead_organization_id__in=sorted(access.organization_ids(user)))
        )

    def in_region(self, node: Any) -> ProjectQuerySet:
        return self.filter(territory_path__startswith=node.path)

    def for_list(self) -> ProjectQuerySet:
        return self.select_related("community", "lead_organization")


class WishQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> WishQuerySet:
        """Published wishes (under their pseudonym) to the community's audience; wishes not
        yet published to the staff and grid workers over them, whoever submitted them and the
        beneficiary; a claimed wish to its claimant."""
        if access.is_everything(user):
            return self
        public = access.q_around(access.audience_paths(user)) & Q(status__in=PUBLIC_WISH)
        staff = access.q_under(access.field_paths(user))
        mine = _me(user, "submitted_by_id") | _me(user, "claimant_id")
        if getattr(user, "is_authenticated", False):
            mine |= Q(beneficiary__user_id=user.pk)
        return self.filter(public | staff | mine)

    def on_the_list(self, now: dt.datetime | None = None) -> WishQuerySet:
        """Wishes a claimant may take now: published, or claimed with an expired hold (the
        lazy half of the timeout release; the sweep writes the event)."""
        now = now or timezone.now()
        return self.filter(
            Q(status="published")
            | Q(status="claimed", lock__expires_at__isnull=False, lock__expires_at__lte=now)
        )

    def in_region(self, node: Any) -> WishQuerySet:
        return self.filter(territory_path__startswith=node.path)


class FundQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> FundQuerySet:
        """Charitable funds are public to the community's audience (公开透明)."""
        if access.is_everything(user):
            return self
        return self.filter(access.q_around(access.audience_paths(user)))

    def with_balances(self) -> FundQuerySet:
        """Annotate money_in, money_out, goods_in, goods_out (yuan); balances are derived."""

        def total(direction: str, in_kind: bool) -> Sum:
            return Sum(
                "entries__amount",
                filter=Q(entries__direction=direction, entries__in_kind=in_kind),
                default=0,
            )

        return self.annotate(
            money_in=total("in", False),
            money_out=total("out", False),
            goods_in=total("in", True),
            goods_out=total("out", True),
        )
