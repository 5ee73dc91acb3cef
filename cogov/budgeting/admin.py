"""Admin of participatory budgeting: read-only. Rounds and proposals change only through the
actions (the pages and the API call them); events, milestones and acceptances are append-only
records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Acceptance, CostItem, Milestone, Proposal, ProposalEvent, Round, RoundEvent


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoundEventInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = RoundEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0


class ProposalEventInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = ProposalEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0


class CostItemInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = CostItem
    fields = ("position", "description", "quantity", "unit", "unit_price", "amount")
    readonly_fields = fields
    extra = 0


class MilestoneInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = Milestone
    fields = ("reported_on", "title", "percent", "evidence", "reported_by")
    readonly_fields = fields
    extra = 0


class AcceptanceInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = Acceptance
    fields = ("accepted_on", "representatives", "satisfaction", "passed", "note")
    readonly_fields = fields
    extra = 0


@admin.register(Round)
class RoundAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "node", "year", "budget", "status", "winner_rule", "tie_rule")
    list_filter = ("status", "year", "winner_rule")
    search_fields = ("title",)
    inlines = [RoundEventInline]


@admin.register(Proposal)
class ProposalAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("reference", "title", "round", "category", "cost", "status")
    list_filter = ("status", "category")
    search_fields = ("title", "proposer_name")
    inlines = [CostItemInline, ProposalEventInline, MilestoneInline, AcceptanceInline]
