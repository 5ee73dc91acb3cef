"""Read-only admin views: every write of deliberation goes through its actions (the pages and
the API), so the admin only shows what is there. Every model of the app is registered; event
logs, participations, responses and signatures are records, never edited or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from . import models as m
from .models import Meeting, Procedure, ProcedureStep, Resolution, Topic


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class StepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProcedureStep
    extra = 0
    fields = (
        "order",
        "key",
        "name",
        "kind",
        "body",
        "rule",
        "notice_days",
        "deadline_working_days",
        "outputs",
    )

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(ReadOnly):
    list_display = ("name", "key", "builtin", "node", "active")
    inlines = [StepInline]


@admin.register(Topic)
class TopicAdmin(ReadOnly):
    list_display = ("title", "node", "source", "status", "created_at")
    list_filter = ("status", "source")
    list_select_related = ("node",)
    search_fields = ("title",)


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ("title", "node", "body", "status", "starts_at")
    list_filter = ("status", "body")
    list_select_related = ("node",)


@admin.register(Resolution)
class ResolutionAdmin(ReadOnly):
    list_display = ("title", "node", "status", "posted_at", "posted_until")
    list_filter = ("status",)
    list_select_related = ("node",)


@admin.register(m.Survey)
class SurveyAdmin(ReadOnly):
    list_display = ("title", "node", "kind", "status")
    list_filter = ("status", "kind")
    list_select_related = ("node",)


@admin.register(m.Comment)
class CommentAdmin(ReadOnly):
    list_display = ("topic", "author", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("topic", "author")


class EventAdmin(ReadOnly):
    list_display = ("subject", "at", "from_status", "to_status", "actor")
    list_select_related = ("subject", "actor")


# The remaining models: events, records of participation and the parts of meetings, topics
# and resolutions, shown as they are.
for event_model in (
    m.TopicEvent,
    m.StepEvent,
    m.MeetingEvent,
    m.MotionEvent,
    m.ResolutionEvent,
    m.CommentEvent,
    m.SurveyEvent,
):
    admin.site.register(event_model, EventAdmin)

for model in (
    m.ProcedureStep,
    m.TopicStep,
    m.Cosignature,
    m.Participant,
    m.AgendaItem,
    m.Motion,
    m.Speech,
    m.MinutesAttachment,
    m.MinutesSignature,
    m.Objection,
    m.ImplementationTask,
    m.AbuseReport,
    m.Appeal,
    m.Question,
    m.SurveyParticipation,
    m.Response,
):
    admin.site.register(model, ReadOnly)
