"""Admin of voting: read-only everywhere. A vote changes only through the actions (create,
open, close, tally), and its electorate snapshot, participations and ballots are append-only
records (ballots are immutable, nothing is deleted). Secret votes stay secret here too: the
participation list shows no ballot, no time."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Ballot,
    Elector,
    ElectorAccount,
    Participation,
    Vote,
    VoteEvent,
    VotingCode,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VoteEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = VoteEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("title", "node", "electorate", "matter", "status", "opens_at", "closes_at")
    list_filter = ("status", "electorate", "matter", "ballot_kind", "secret", "mode")
    list_select_related = ("node",)
    search_fields = ("title",)
    inlines = [VoteEventInline]


@admin.register(VoteEvent)
class VoteEventAdmin(ReadOnlyAdmin):
    list_display = ("subject", "at", "from_status", "to_status", "actor")
    list_select_related = ("subject", "actor")


@admin.register(Elector)
class ElectorAdmin(ReadOnlyAdmin):
    list_display = ("label", "vote", "key", "heads", "area")
    list_select_related = ("vote",)
    search_fields = ("label", "key")
    raw_id_fields = ("vote", "person", "household")


@admin.register(ElectorAccount)
class ElectorAccountAdmin(ReadOnlyAdmin):
    list_display = ("elector", "user", "vote")
    list_select_related = ("elector", "user", "vote")
    raw_id_fields = ("vote", "elector", "user")


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ("vote", "seq", "choice", "heads", "area", "hash")
    list_select_related = ("vote",)


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    list_display = ("vote", "elector", "channel", "document_ref")
    list_filter = ("channel",)
    list_select_related = ("vote", "elector")
    # No ballot, no time: in a secret vote they are empty, in an open one the ballot log says it.
    exclude = ("ballot", "on", "at")


@admin.register(VotingCode)
class VotingCodeAdmin(ReadOnlyAdmin):
    list_display = ("vote", "elector", "issued_at", "used_on", "revoked_at")
    list_select_related = ("vote", "elector")
    exclude = ("code_hash",)
