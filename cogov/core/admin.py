"""Django admin for core.

Policies are versioned: the admin never edits a row. An existing version is shown read-only with
a link to "add a new version" (the add form, prefilled); the add form validates the value with
the kind's schema and saves through `actions.set_policy`, so permission checks and the audit log
are the same as everywhere else. The audit log, notifications and deadlines are read-only logs.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cogov.accounts.roles import MANAGE_POLICIES
from cogov.accounts.scopes import reach

from .actions import set_policy
from .errors import ActionError
from .models import AuditLog, Deadline, Notification, Policy
from .policies import get_kind, kinds


def _kind_choices() -> list[tuple[str, str]]:
    return [(k.key, f"{k.key} — {k.label}") for k in kinds()]


class PolicyForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"), choices=_kind_choices)
    value = forms.JSONField(
        label=_("value"),
        help_text=_("JSON matching the kind's schema; leave {} to start from the shipped default."),
    )

    class Meta:
        model = Policy
        fields = ["kind", "node", "effective_from", "value", "note"]

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        if isinstance(self.initial.get("value"), str):  # from "add a new version" (?value=…)
            try:
                self.initial["value"] = json.loads(self.initial["value"])
            except ValueError:
                del self.initial["value"]
        if "value" not in self.initial and self.initial.get("kind"):
            try:
                kind = get_kind(str(self.initial["kind"]))
                self.initial["value"] = kind.default_value().model_dump(mode="json")
            except KeyError:
                pass
        if "effective_from" not in self.initial:
            self.initial["effective_from"] = timezone.localdate()
        if request is not None and "node" in self.fields:
            from cogov.territory.models import Node

            r = reach(request.user)
            if not r.everything:
                node_field: Any = self.fields["node"]
                paths = r.paths_with(MANAGE_POLICIES)
                qs = Node.objects.none()
                for path in paths:
                    qs = qs | Node.objects.filter(path__startswith=path)
                node_field.queryset = qs

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or self.request is None:
            return cleaned
        # Validate and save in one place: set_policy checks the schema and the permission and
        # writes the audit entry. The admin's own save is skipped (see PolicyAdmin.save_model).
        try:
            self.instance = set_policy(
                actor=self.request.user,
                kind=cleaned["kind"],
                node=cleaned.get("node"),
                value=cleaned["value"],
                effective_from=cleaned["effective_from"],
                note=cleaned.get("note", ""),
            )
        except ActionError as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)
        return cleaned


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyForm
    list_display = ["kind", "node", "effective_from", "created_by", "created_at", "new_version"]
    list_filter = ["kind", "effective_from"]
    search_fields = ["kind", "node__name", "node__code", "note"]
    date_hierarchy = "effective_from"
    ordering = ["kind", "node__code", "-effective_from", "-created_at"]
    list_select_related = ["node", "created_by"]
    readonly_fields = [
        "kind",
        "node",
        "effective_from",
        "pretty_value",
        "note",
        "created_by",
        "created_at",
        "new_version",
    ]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, request=request, **kw)

        return RequestForm

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return self.readonly_fields
        return ["kind", "node", "effective_from", "value", "note"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        r = reach(request.user)
        if r.everything:
            return qs
        from django.db.models import Q

        condition = Q(node__isnull=True)
        for path in r.paths_with(MANAGE_POLICIES):
            condition |= Q(node__path__startswith=path)
        return qs.filter(condition)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.manage_policies")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("core.manage_policies")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.manage_policies")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a change is a new version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved already by set_policy in PolicyForm.clean."""

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None  # our own AuditLog has the entry

    @admin.display(description=_("value"))
    def pretty_value(self, obj: Policy) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.value, ensure_ascii=False, indent=2))

    @admin.display(description=_("new version"))
    def new_version(self, obj: Policy) -> str:
        params = {"kind": obj.kind, "value": json.dumps(obj.value, ensure_ascii=False)}
        if obj.node_id:
            params["node"] = str(obj.node_id)
        url = reverse("admin:core_policy_add") + "?" + urlencode(params)
        return format_html('<a href="{}">{}</a>', url, _("add a new version"))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs: visible to administrators, never changed through the admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return reach(request.user).everything

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reach(request.user).everything

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "object_repr"]
    list_filter = ["action"]
    search_fields = ["action", "object_repr", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject_ref", "due_at", "met_at", "breached_at", "cancelled_at"]
    list_filter = ["kind"]
    date_hierarchy = "due_at"

    @admin.display(description=_("subject"))
    def subject_ref(self, obj: Deadline) -> str:
        return f"{obj.content_type.model} {obj.object_id}"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("content_type")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
