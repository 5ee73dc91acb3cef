"""The metrics registry (command and API), resolved policies and the inbox over the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cogov.core import metrics
from cogov.core.actions import set_policy
from cogov.core.metrics import Metric, Period
from cogov.core.models import Notification
from cogov.core.notifications import notify

computed: list[tuple[str, Period]] = []


def _households(node, period: Period) -> Decimal | None:
    computed.append((node.code, period))
    return Decimal(len(node.code))  # something that depends on the node


@pytest.fixture
def metric(monkeypatch):
    computed.clear()
    m = Metric(
        "tests.code_length",
        "Code length",
        _households,
        unit="digits",
        direction="cost",
        levels=("street", "community", "grid"),
    )
    monkeypatch.setitem(metrics._REGISTRY, m.key, m)
    return m


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", "2026-01-01", "2027-01-01"),
        ("2026-01", "2026-01-01", "2026-02-01"),
        ("2026-12", "2026-12-01", "2027-01-01"),
    ],
)
def test_period_parse(text, start, end):
    period = Period.parse(text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "26", "2026-1", "2026/01", "2026-01-01", ""]
)
def test_period_parse_rejects(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_metrics_command_list_and_compute(world, metric):
    out = StringIO()
    call_command("metrics", "list", stdout=out)
    assert "tests.code_length\tCode length [digits]\tcost\tstreet,community,grid" in out.getvalue()

    out = StringIO()
    call_command(
        "metrics",
        "compute",
        "tests.code_length",
        "--node",
        "440111001001",
        "--period",
        "2026-01",
        stdout=out,
    )
    assert out.getvalue().strip().endswith("2026-01\t12")
    assert computed == [("440111001001", Period(dt.date(2026, 1, 1), dt.date(2026, 2, 1)))]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope.metric", "--node", "440111001001", "--period", "2026"], "unknown metric"),
        (["tests.code_length", "--node", "999", "--period", "2026"], "no territory node"),
        (["tests.code_length", "--node", "440111001001", "--period", "2026-13"], "not a period"),
        (["tests.code_length", "--node", "440111", "--period", "2026"], "not defined for level"),
    ],
)
def test_metrics_command_errors(world, metric, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("metrics", "compute", *args, stdout=StringIO())


def test_api_lists_metrics(world, metric, client_for):
    response = client_for("resident").get("/api/core/metrics")
    assert response.status_code == 200
    found = {m["key"]: m for m in response.json()}
    assert found["tests.code_length"] == {
        "key": "tests.code_length",
        "label": "Code length",
        "unit": "digits",
        "direction": "cost",
        "levels": ["street", "community", "grid"],
        "description": "",
    }


def test_api_requires_login(world, metric, client):
    assert client.get("/api/core/metrics").status_code == 401
    assert client.get("/api/core/notifications").status_code == 401


@pytest.mark.parametrize(
    ("persona", "node", "status"),
    [
        ("evaluator", "C3", 200),
        ("street_official", "C1", 200),
        ("street_official", "G11", 200),
        ("community_worker", "C1", 200),
        ("street_official", "C3", 404),  # another street: not visible
        ("community_worker_c2", "C1", 404),
        ("grid_worker", "G11", 404),  # visible, but no metrics capability
        ("resident", "C1", 404),
        ("outsider", "C1", 404),
    ],
)
def test_api_metric_value_is_scoped(world, metric, client_for, persona, node, status):
    target = world.nodes[node]
    response = client_for(persona).get(
        f"/api/core/metrics/tests.code_length?node={target.uuid}&period=2026-01"
    )
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["value"] == str(len(target.code))
        assert body["start"] == "2026-01-01" and body["end"] == "2026-02-01"
        assert body["node"] == str(target.uuid)
    else:
        assert computed == []  # nothing computed for a caller who may not see it


def test_api_metric_errors(world, metric, client_for):
    client = client_for("evaluator")
    c1 = world.C1.uuid
    assert client.get(f"/api/core/metrics/nope?node={c1}&period=2026").status_code == 404
    assert (
        client.get(f"/api/core/metrics/tests.code_length?node={c1}&period=2026-13").status_code
        == 422
    )
    district = world.D.uuid
    response = client.get(f"/api/core/metrics/tests.code_length?node={district}&period=2026")
    assert response.status_code == 422
    missing = "00000000-0000-0000-0000-000000000000"
    assert (
        client.get(f"/api/core/metrics/tests.code_length?node={missing}&period=2026").status_code
        == 404
    )


def test_api_policies_resolved_with_their_source(world, client_for):
    kind = "accounts.verification_deadline"
    set_policy(
        actor=world.admin,
        kind=kind,
        node=world.S1,
        value={"working_days": 5},
        effective_from=timezone.localdate(),
    )
    client = client_for("community_worker")
    rows = {p["key"]: p for p in client.get(f"/api/core/policies?node={world.G11.uuid}").json()}
    assert rows[kind]["value"] == {"working_days": 5}
    assert rows[kind]["source"] == "node"
    assert rows[kind]["node"] == str(world.S1.uuid)
    assert rows["calendar.holidays"]["source"] == "default"
    assert rows["calendar.holidays"]["statutory"] is True

    platform = {p["key"]: p for p in client.get("/api/core/policies").json()}
    assert platform[kind]["value"] == {"working_days": 3}
    assert platform[kind]["source"] == "default"
    # A node the caller cannot see answers 404.
    assert client.get(f"/api/core/policies?node={world.C3.uuid}").status_code == 404


def test_api_inbox_unread_first_and_mark_read(world, client_for):
    older = notify([world.resident], "tests.a", "older")[0]
    newer = notify([world.resident], "tests.b", "newer")[0]
    Notification.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    Notification.objects.filter(pk=newer.pk).update(read_at=timezone.now())
    notify([world.owner], "tests.c", "someone else's")
    client = client_for("resident")
    body = client.get("/api/core/notifications").json()
    assert [n["title"] for n in body["items"]] == ["older", "newer"]  # unread first
    assert body["count"] == 2

    response = client.post(f"/api/core/notifications/{older.uuid}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    older.refresh_from_db()
    assert older.read_at is not None
    titles = [n["title"] for n in client.get("/api/core/notifications").json()["items"]]
    assert titles == ["newer", "older"]  # both read now: newest first

    others = Notification.objects.get(kind="tests.c")
    assert client.post(f"/api/core/notifications/{others.uuid}/read").status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_period_bounds_are_beijing_midnights():
    lo, hi = Period.parse("2026-10").bounds()
    assert lo.isoformat() == "2026-10-01T00:00:00+08:00"
    assert hi.isoformat() == "2026-11-01T00:00:00+08:00"
