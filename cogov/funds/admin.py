"""Read-only admin views: every write goes through the actions (pages and API); the journal is
append-only in any case."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Account, Fund, JournalEntry, JournalLine, ProjectBudget


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Fund)
class FundAdmin(ReadOnly):
    list_display = ("name", "community", "kind", "year", "status", "entry_count")
    list_filter = ("kind", "year", "status")
    search_fields = ("name", "community__name", "community__code")


@admin.register(Account)
class AccountAdmin(ReadOnly):
    list_display = ("fund", "kind", "source", "balance")
    list_filter = ("kind",)


@admin.register(ProjectBudget)
class ProjectBudgetAdmin(ReadOnly):
    list_display = ("title", "fund", "kind", "amount", "committed", "paid", "decided_by_residents")
    list_filter = ("kind", "decided_by_residents", "source_app")
    search_fields = ("title", "source_ref")


class LineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = JournalLine
    extra = 0
    can_delete = False
    fields = ("account", "budget", "debit", "credit")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnly):
    list_display = ("fund", "seq", "kind", "amount", "occurred_on", "payee", "voucher_no")
    list_filter = ("kind",)
    search_fields = ("payee", "voucher_no", "memo")
    inlines = [LineInline]
