"""Admin: keys and requests read-only (keys are issued and revoked through the actions);
services and attributes editable, attributes saved through the action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from cogov.core.errors import ActionError

from . import actions
from .models import ApiKey, Service, ServiceAttribute, ServiceRequest


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["category", "type", "keywords"]


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["category", "code", "datatype", "required", "order"]
    list_filter = ["datatype"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = {
            k: form.cleaned_data[k] for k in actions.ATTRIBUTE_FIELDS if k in form.cleaned_data
        }
        try:
            actions.save_service_attribute(
                actor=request.user,
                category=form.cleaned_data["category"],
                code=form.cleaned_data["code"],
                attribute=obj if change else None,
                **fields,
            )
        except ActionError as exc:
            self.message_user(request, exc.message, messages.ERROR)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["prefix", "organization", "name", "created_by", "created_at", "revoked_at"]
    readonly_fields = [f.name for f in ApiKey._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["case", "api_key", "created_at"]
    exclude = ["email", "device_id", "account_id"]  # personal data stays out of the admin

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
