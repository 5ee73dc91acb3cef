"""The transition table and the append-only audit log."""

from __future__ import annotations

import pytest

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
