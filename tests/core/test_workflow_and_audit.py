"""The transition table and the append-only audit log."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils import translation

from cogov.core import audit
from cogov.core.errors import InvalidTransition
from cogov.core.models import AuditLog
from cogov.core.workflow import TransitionTable

TABLE = TransitionTable({"draft": {"open", "void"}, "open": {"closed"}, "closed": set()})


def test_transition_table():
    assert TABLE.can("draft", "open")
    assert not TABLE.can("open", "draft")
    assert TABLE.allowed("closed") == frozenset()
    assert TABLE.allowed("unknown") == frozenset()
    assert TABLE.statuses() == {"draft", "open", "void", "closed"}
    with pytest.raises(InvalidTransition) as err:
        TABLE.check("closed", "open")
    assert err.value.field == "status"


class Phase(models.TextChoices):
    SEALED = "sealed", "Sealed envelope"
    OPENED = "opened", "Opened envelope"


def test_a_refused_transition_names_the_statuses_by_their_labels_in_the_users_language():
    table = TransitionTable({Phase.SEALED: {Phase.OPENED}, Phase.OPENED: set()})
    assert table.label("sealed") == "Sealed envelope" and table.label("unknown") == "unknown"
    with pytest.raises(InvalidTransition) as err:
        table.check("opened", Phase.SEALED)
    assert err.value.message == "状态不能从“Opened envelope”变为“Sealed envelope”。"
    with translation.override("en"), pytest.raises(InvalidTransition) as err:
        table.check("opened", "sealed")
    assert (
        err.value.message == "The status cannot change from “Opened envelope” to “Sealed envelope”."
    )


def test_audit_rows_are_append_only(world):
    entry = audit.record(world.admin, "tests.something", world.C1, reason="check")
    assert entry.object_id == str(world.C1.pk)
    assert entry.detail == {"reason": "check"}
    entry.action = "tests.changed"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditLog.objects.filter(pk=entry.pk).update(action="tests.changed")
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "tests.something"
