"""Reads of campaigns: one `visible_to(user)` per model, built on the same role paths as the
predicates (managers by territory, assigned people by assignment)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from cogov.accounts.scopes import reach

from .predicates import VIEW_ROLES, role_paths


def _under(field: str, paths: list[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def _prefixes(paths: list[str]) -> list[str]:
    """Every ancestor path of each path, itself included ("/1/2/" → "/1/", "/1/2/")."""
    found: set[str] = set()
    for path in paths:
        parts = [p for p in path.strip("/").split("/") if p]
        for i in range(1, len(parts) + 1):
            found.add("/" + "/".join(parts[:i]) + "/")
    return sorted(found)


class CampaignQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> CampaignQuerySet:
        """Campaigns with an area that overlaps the user's scopes (inside or around them), and
        campaigns the user takes part in."""
        r = reach(user)
        if r.everything:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        paths = role_paths(r, VIEW_ROLES)
        through = self.model.areas.through
        overlapping = through.objects.filter(
            _under("node__path", paths) | Q(node__path__in=_prefixes(paths))
        ).values("campaign_id")
        from .models import CampaignWorker

        mine = CampaignWorker.objects.filter(user=user).values("campaign_id")
        return self.filter(Q(pk__in=overlapping) | Q(pk__in=mine))

    def active(self) -> CampaignQuerySet:
        return self.filter(status="active")


class CampaignHouseholdQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> CampaignHouseholdQuerySet:
        """Households of the user's territory (staff), and the households assigned to the user."""
        r = reach(user)
        if r.everything:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            _under("territory_path", role_paths(r, VIEW_ROLES)) | Q(assignee_id=user.pk)
        )

    def within(self, node: Any) -> CampaignHouseholdQuerySet:
        return self.filter(territory_path__startswith=node.path)

    def pending(self) -> CampaignHouseholdQuerySet:
        return self.filter(visited_at__isnull=True)

    def visited(self) -> CampaignHouseholdQuerySet:
        return self.filter(visited_at__isnull=False)


class VisitQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> VisitQuerySet:
        r = reach(user)
        if r.everything:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            _under("entry__territory_path", role_paths(r, VIEW_ROLES))
            | Q(visitor_id=user.pk)
            | Q(entry__assignee_id=user.pk)
        )


class FindingQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> FindingQuerySet:
        r = reach(user)
        if r.everything:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            _under("entry__territory_path", role_paths(r, VIEW_ROLES))
            | Q(entry__assignee_id=user.pk)
        )

    def needs(self) -> FindingQuerySet:
        return self.filter(kind="need")
