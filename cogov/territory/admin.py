"""Django admin for the territory. New nodes, boundaries and buildings go through the actions
(the same validation and audit as everywhere); redistricting history is read-only."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cogov.core.errors import ActionError

from . import actions
from .models import Building, Household, Node, NodeLineage, PropertyUnit, TerritoryVersion


class ActiveFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("In force")), ("no", _("Retired"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        retired = Q(valid_to__isnull=False, valid_to__lte=today)
        if self.value() == "yes":
            return queryset.exclude(retired)
        if self.value() == "no":
            return queryset.filter(retired)
        return queryset


class NodeForm(forms.ModelForm):
    class Meta:
        model = Node
        fields = ["level", "parent", "code", "name", "geometry", "valid_from"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            if self.instance.pk is None:
                actions.validate_code(
                    data.get("level", ""), data.get("code", ""), data.get("parent")
                )
            actions.validate_geometry(
                data.get("geometry"),
                data.get("parent") or self.instance.parent,
                required=(data.get("level") or self.instance.level) == "grid",
            )
        except ActionError as exc:
            raise forms.ValidationError({exc.field or "__all__": exc.message}) from None
        return data


class LineageInline(admin.TabularInline):
    model = NodeLineage
    fk_name = "source"
    extra = 0
    can_delete = False
    readonly_fields = ["target", "kind", "date", "note", "actor", "at"]
    verbose_name_plural = _("successors")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    form = NodeForm
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", ActiveFilter]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    readonly_fields = ["uuid", "path", "area_m2", "valid_to"]
    inlines = [LineageInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Codes, levels and parents never change: that is redistricting, with history.
        fixed = ["level", "parent", "code", "valid_from"] if obj is not None else []
        return [*self.readonly_fields, *fixed]

    def save_model(self, request: HttpRequest, obj: Node, form: Any, change: bool) -> None:
        geometry = form.cleaned_data.get("geometry")
        if isinstance(geometry, str):
            geometry = json.loads(geometry)
        if change:
            fresh = actions.update_node(
                actor=request.user,
                node=Node.objects.get(pk=obj.pk),
                name=obj.name,
                geometry=geometry if "geometry" in form.changed_data else None,
            )
        else:
            fresh = actions.create_node(
                actor=request.user,
                level=obj.level,
                code=obj.code,
                name=obj.name,
                parent=obj.parent,
                geometry=geometry,
                valid_from=obj.valid_from,
            )
        obj.pk, obj.path = fresh.pk, fresh.path

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire by redistricting instead


@admin.register(NodeLineage)
class NodeLineageAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "source", "target", "actor"]
    list_filter = ["kind", "date"]
    search_fields = ["source__code", "source__name", "target__code", "target__name"]
    list_select_related = ["source", "target", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HouseholdInline(admin.TabularInline):
    model = Household
    extra = 0
    fields = ["code", "door"]
    show_change_link = True


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "grid", "address", "floors"]
    list_filter = ["grid__parent"]
    search_fields = ["code", "name", "address", "grid__code", "grid__name"]
    list_select_related = ["grid"]
    raw_id_fields = ["grid"]
    inlines = [HouseholdInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Moving a building to another grid is redistricting (split_node / merge_nodes).
        return ["grid", "code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Building, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        fresh = actions.create_building(
            actor=request.user,
            code=obj.code,
            name=obj.name,
            grid=obj.grid,
            lon=obj.lon,
            lat=obj.lat,
            address=obj.address,
            floors=obj.floors,
        )
        obj.pk = fresh.pk


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["code", "building", "door"]
    search_fields = ["code", "door", "building__code", "building__name"]
    list_filter = ["building__grid__parent"]
    list_select_related = ["building"]
    raw_id_fields = ["building"]

    def save_model(self, request: HttpRequest, obj: Household, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        fresh = actions.create_household(
            actor=request.user, building=obj.building, code=obj.code, door=obj.door
        )
        obj.pk = fresh.pk


@admin.register(PropertyUnit)
class PropertyUnitAdmin(admin.ModelAdmin):
    list_display = ["building", "number", "exclusive_area", "unsold"]
    search_fields = ["number", "building__code", "building__name"]
    list_filter = ["unsold"]
    list_select_related = ["building"]
    raw_id_fields = ["building", "household"]

    def save_model(self, request: HttpRequest, obj: PropertyUnit, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        fresh = actions.create_property_unit(
            actor=request.user,
            building=obj.building,
            number=obj.number,
            exclusive_area=obj.exclusive_area,
            household=obj.household,
            unsold=obj.unsold,
        )
        obj.pk = fresh.pk


@admin.register(TerritoryVersion)
class TerritoryVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "changed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
