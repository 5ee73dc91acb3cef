"""Admin for accounts. Memberships and tokens change only through the actions (grant, end,
revoke), so the admin is held to the same rules as the rest of the platform."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cogov.core.errors import ActionError

from . import actions
from .models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("role", "node", "organization", "title", "valid_from", "valid_to")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # add through the Membership page, which runs grant_membership


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "email", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("CoGov"), {"fields": ("display_name", "phone")}),
    )


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = (
            "user",
            "role",
            "node",
            "organization",
            "title",
            "full_time",
            "valid_from",
            "valid_to",
        )

    request: HttpRequest | None = None  # set by MembershipAdmin.get_form

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and data.get("user") and data.get("role"):
            try:
                actions.check_grant(
                    actor=self.request.user if self.request else None,
                    user=data["user"],
                    role=data["role"],
                    node=data.get("node"),
                    organization=data.get("organization"),
                    valid_from=data.get("valid_from"),
                    valid_to=data.get("valid_to"),
                )
            except ActionError as exc:
                if exc.field and exc.field in self.fields:
                    raise forms.ValidationError({exc.field: exc.message}) from None
                raise forms.ValidationError(exc.message) from None
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "role", "node", "organization", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "node__name", "organization__name")
    raw_id_fields = ("user", "node", "organization")
    actions = ["end_today"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        # Scope and dates change only through the actions (end, then grant anew).
        return ("user", "role", "node", "organization", "valid_from", "valid_to", "created_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # end a membership instead: its history matters

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            Membership.objects.filter(pk=obj.pk).update(title=obj.title, full_time=obj.full_time)
            return
        # The form ran check_grant already; the action checks again inside its transaction.
        created = actions.grant_membership(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            node=obj.node,
            organization=obj.organization,
            title=obj.title,
            full_time=obj.full_time,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
        )
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description=_("End the selected memberships today"))
    def end_today(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            try:
                actions.end_membership(actor=request.user, membership=membership)
            except ActionError as exc:
                self.message_user(request, f"{membership}: {exc.message}", messages.ERROR)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued by their owners (the key is shown once)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            actions.revoke_api_token(actor=request.user, token=token)
