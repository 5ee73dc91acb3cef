"""Read-only admin views: every write goes through the actions (pages and API)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import CharityFund, LedgerEntry, Need, Project, Resource, SocialOrgProfile, Wish


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Need)
class NeedAdmin(ReadOnly):
    list_display = (
        "title",
        "category",
        "status",
        "source",
        "community",
        "claimed_by",
        "created_at",
    )
    list_filter = ("status", "category", "source")
    search_fields = ("title",)


@admin.register(Resource)
class ResourceAdmin(ReadOnly):
    list_display = ("title", "kind", "status", "organization", "capacity", "capacity_unit")
    list_filter = ("status", "kind")


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ("title", "status", "community", "lead_organization", "rating")
    list_filter = ("status",)


@admin.register(Wish)
class WishAdmin(ReadOnly):
    list_display = ("pseudonym", "title", "value", "status", "community")
    list_filter = ("status",)
    exclude = ("beneficiary",)  # identity only through the audited page


@admin.register(CharityFund)
class FundAdmin(ReadOnly):
    list_display = ("name", "kind", "community")


@admin.register(LedgerEntry)
class LedgerAdmin(ReadOnly):
    list_display = ("fund", "direction", "in_kind", "amount", "item", "at")


@admin.register(SocialOrgProfile)
class ProfileAdmin(ReadOnly):
    list_display = ("organization", "stage", "standing", "registry_no")
