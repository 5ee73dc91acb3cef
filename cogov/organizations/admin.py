"""Admin for organizations; saves and deactivation run the actions (party tree rules apply)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cogov.core.errors import ActionError

from . import actions
from .models import JointCommittee, Organization, Report, ServicePost, ServiceRecord

EDITABLE = ("name", "credit_code", "address", "contact_phone", "description", "node", "parent")


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = (
            "kind",
            "name",
            "parent",
            "node",
            "credit_code",
            "address",
            "contact_phone",
            "description",
        )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ("name", "kind", "node", "parent", "active")
    list_filter = ("kind", "active")
    list_select_related = ("node", "parent")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("node", "parent")
    actions = ["deactivate"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("kind", "active") if obj is not None else ("active",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k in EDITABLE}
        try:
            if change:
                current = Organization.objects.get(pk=obj.pk)
                actions.update_organization(actor=request.user, organization=current, **data)
            else:
                name, node, parent = data.pop("name"), data.pop("node"), data.pop("parent", None)
                created = actions.create_organization(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    name=name,
                    node=node,
                    parent=parent,
                    **data,
                )
                obj.pk = created.pk
                obj._state.adding = False
        except ActionError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description=_("Deactivate the selected organizations"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        for org in queryset.filter(active=True):
            try:
                actions.deactivate_organization(
                    actor=request.user, organization=org, reason=str(_("deactivated in the admin"))
                )
            except ActionError as exc:
                self.message_user(request, f"{org}: {exc.message}", messages.ERROR)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Joint committee and 双报到 rows change only through their actions (pages, API)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(JointCommittee)
class JointCommitteeAdmin(ReadOnlyAdmin):
    list_display = ("organization", "created_at")
    list_select_related = ("organization",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[JointCommittee]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "community", "status", "confirmed_on", "last_reported_on")
    list_filter = ("kind", "status")
    list_select_related = ("community", "unit", "member__person")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


@admin.register(ServicePost)
class ServicePostAdmin(ReadOnlyAdmin):
    list_display = ("title", "category", "community", "capacity", "claimed", "open")
    list_filter = ("category", "open")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServicePost]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = ("member", "community", "employer", "served_on", "hours", "status")
    list_filter = ("status",)
    list_select_related = ("member__person", "community", "employer")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceRecord]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]
