"""Admin: the category tree is edited through `save_category`; cases and whistles are read-only
here (every change of a case is a step of the loop, taken through the actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from cogov.core.errors import ActionError

from .actions.intake import CATEGORY_FIELDS, save_category
from .models import Case, CaseEvent, Category, Whistle, WhistleReport


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "urgency", "default_org_kind", "active")
    list_filter = ("urgency", "active")
    search_fields = ("code", "name")
    fields = CATEGORY_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire with active=False; old cases keep their category

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name] for name in CATEGORY_FIELDS if name in form.cleaned_data
        }
        try:
            saved = save_category(actor=request.user, category=obj if change else None, **fields)
        except ActionError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("at", "kind", "from_status", "to_status", "actor", "organization", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "status",
        "category",
        "grid",
        "lead_organization",
        "reported_at",
        "overdue",
    )
    list_filter = ("status", "channel", "urgency", "overdue", "supervised")
    search_fields = ("number",)
    list_select_related = ("category", "grid", "lead_organization")
    exclude = ("caller_phone",)  # personal information: the API shows it masked
    inlines = [CaseEventInline]


class WhistleReportInline(admin.TabularInline):
    model = WhistleReport
    fields = ("department", "is_lead", "due_at", "reported_at", "no_show")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Whistle)
class WhistleAdmin(ReadOnlyAdmin):
    list_display = ("subject", "category", "street", "lead_department", "blown_at", "status")
    list_filter = ("category", "status")
    inlines = [WhistleReportInline]
