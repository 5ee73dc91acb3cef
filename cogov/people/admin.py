"""Admin for people. Identity and phone numbers are never shown in clear here (reveal them in
the application, where the reveal is logged); roster edits and decisions run the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cogov.core.errors import ActionError
from cogov.lib.masking import mask_id_number

from . import actions
from .models import (
    Ownership,
    PartyMember,
    Person,
    ProxyAuthorization,
    Verification,
    VerificationEvent,
    VerificationStatus,
)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ("name", "gender", "birth_date", "household", "grid", "relation", "tags")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ("name", "masked_id_number", "masked_phone", "household", "grid", "user")
    list_select_related = ("household__building", "grid", "user")
    search_fields = ("name", "search_text")
    raw_id_fields = ("household", "grid")
    readonly_fields = (
        "uuid",
        "masked_id_number",
        "masked_phone",
        "user",
        "created_at",
        "updated_at",
    )
    fields = (
        "uuid",
        "name",
        "gender",
        "birth_date",
        "masked_id_number",
        "masked_phone",
        "household",
        "grid",
        "relation",
        "tags",
        "user",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("identity number"))
    def masked_id_number(self, obj: Person) -> str:
        return obj.masked_id_number

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Person) -> str:
        return obj.masked_phone

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {k: data[k] for k in ("gender", "birth_date", "relation", "tags") if k in data}
        try:
            if not change:
                created = actions.create_person(
                    actor=request.user,
                    name=data["name"],
                    household=data.get("household"),
                    grid=data.get("grid"),
                    **fields,
                )
                obj.pk = created.pk
                obj._state.adding = False
                return
            current = Person.objects.get(pk=obj.pk)
            actions.update_person(actor=request.user, person=current, name=data["name"], **fields)
            if data.get("household") != current.household:
                actions.move_person(
                    actor=request.user, person=current, household=data.get("household")
                )
        except ActionError as exc:
            self.message_user(request, exc.message, messages.ERROR)


class VerificationEventInline(admin.TabularInline):
    model = VerificationEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "kind",
        "household",
        "unit",
        "claimed_name",
        "masked_claim",
        "status",
        "created_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("claimed_name", "user__username")
    fields = (
        "user",
        "kind",
        "household",
        "unit",
        "claimed_name",
        "masked_claim",
        "status",
        "method",
        "person",
        "created_at",
    )
    readonly_fields = fields
    inlines = [VerificationEventInline]
    actions = ["confirm"]

    @admin.display(description=_("identity number given"))
    def masked_claim(self, obj: Verification) -> str:
        return mask_id_number(obj.claimed_id_number)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Verification]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Confirm the selected claims"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[Verification]) -> None:
        for verification in queryset.filter(status=VerificationStatus.PENDING):
            try:
                actions.confirm_verification(actor=request.user, verification=verification)
            except ActionError as exc:
                self.message_user(request, f"{verification}: {exc.message}", messages.ERROR)


@admin.register(VerificationEvent)
class VerificationEventAdmin(admin.ModelAdmin):
    list_display = ("subject", "at", "actor", "from_status", "to_status")
    list_filter = ("to_status",)
    fields = ("subject", "at", "actor", "from_status", "to_status", "note", "evidence")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProxyAuthorization)
class ProxyAuthorizationAdmin(admin.ModelAdmin):
    list_display = (
        "person",
        "agent",
        "scope",
        "document_ref",
        "valid_from",
        "valid_to",
        "revoked_at",
    )
    fields = (
        "person",
        "agent",
        "scope",
        "document_ref",
        "document",
        "valid_from",
        "valid_to",
        "recorded_by",
        "recorded_at",
        "revoked_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # record_proxy_authorization, from the resident's page

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ownership)
class OwnershipAdmin(admin.ModelAdmin):
    list_display = ("person", "unit", "share", "since", "until")
    raw_id_fields = ("person", "unit")


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ("person", "branch", "status", "in_service", "employer")
    list_filter = ("status", "in_service")
    raw_id_fields = ("person", "branch", "employer")
