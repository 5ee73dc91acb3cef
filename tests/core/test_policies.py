"""Policies: validation, who may set them, versions, walking up the tree, audit, admin."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from cogov.core.actions import set_policy
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import AuditLog, Policy
from cogov.core.policies import get_policy, resolve

TODAY = timezone.localdate()
KIND = "accounts.verification_deadline"  # not statutory; default 3 working days


def test_value_is_validated_and_the_error_names_the_field(world):
    with pytest.raises(ActionError) as err:
        set_policy(
            actor=world.admin, kind=KIND, node=None, value={"working_days": 0}, effective_from=TODAY
        )
    assert err.value.field == "value"
    assert "working_days" in err.value.message
    with pytest.raises(ActionError) as err:
        set_policy(
            actor=world.admin,
            kind=KIND,
            node=None,
            value={"working_days": "soon"},
            effective_from=TODAY,
        )
    assert "working_days" in err.value.message
    assert not Policy.objects.exists()
    assert not AuditLog.objects.exists()


def test_unknown_kind_names_the_kind_field(world):
    with pytest.raises(ActionError) as err:
        set_policy(
            actor=world.admin, kind="nope.nothing", node=None, value={}, effective_from=TODAY
        )
    assert err.value.field == "kind"


@pytest.mark.parametrize(
    ("persona", "node", "allowed"),
    [
        ("admin", None, True),
        ("admin", "C1", True),
        ("street_official", "S1", True),
        ("street_official", "C1", True),  # below the street
        ("street_official", "G12", True),
        ("street_official", "S2", False),  # another street
        ("street_official", "C3", False),
        ("street_official", "D", False),  # above the street
        ("street_official", None, False),  # platform-wide: administrators only
        ("party_secretary", "C1", False),  # no MANAGE_POLICIES capability
        ("community_worker", "C1", False),
        ("evaluator", "C1", False),
        ("resident", "C1", False),
        ("outsider", "C1", False),
    ],
)
def test_who_may_set_a_local_policy(world, persona, node, allowed):
    target = world.nodes[node] if node else None
    call = lambda: set_policy(  # noqa: E731
        actor=world.users[persona],
        kind=KIND,
        node=target,
        value={"working_days": 5},
        effective_from=TODAY,
    )
    if allowed:
        call()
        assert get_policy(KIND, target or world.C1).working_days == 5
    else:
        with pytest.raises(NotAllowed):
            call()
        assert not Policy.objects.exists()
        assert not AuditLog.objects.exists()


def test_statutory_kinds_only_a_global_admin_may_override(world):
    value = {"years": {"2027": {"holidays": ["2027-01-01"], "workdays": []}}}
    for persona, node in [("street_official", world.S1), ("street_official", world.C1)]:
        with pytest.raises(NotAllowed) as refused:
            set_policy(
                actor=world.users[persona],
                kind="calendar.holidays",
                node=node,
                value=value,
                effective_from=TODAY,
            )
        assert refused.value.message == "只有管理员可以改动法定政策参数。"
    assert world.users["street_official"].has_perm("core.manage_policies", world.S1)
    policy = set_policy(
        actor=world.admin, kind="calendar.holidays", node=None, value=value, effective_from=TODAY
    )
    assert policy.value == {"years": {"2027": {"holidays": ["2027-01-01"], "workdays": []}}}


def test_a_change_is_a_new_version_and_is_audited(world):
    first = set_policy(
        actor=world.street_official,
        kind=KIND,
        node=world.S1,
        value={"working_days": 5},
        effective_from=dt.date(2026, 1, 1),
        note="first",
    )
    set_policy(
        actor=world.street_official,
        kind=KIND,
        node=world.S1,
        value={"working_days": 7},
        effective_from=dt.date(2027, 1, 1),
    )
    assert Policy.objects.count() == 2
    first.refresh_from_db()
    assert first.value == {"working_days": 5}  # untouched
    assert get_policy(KIND, world.G11, on=dt.date(2026, 12, 31)).working_days == 5
    assert get_policy(KIND, world.G11, on=dt.date(2027, 1, 1)).working_days == 7
    assert get_policy(KIND, world.G11, on=dt.date(2025, 12, 31)).working_days == 3  # default

    entries = list(AuditLog.objects.filter(action="policy.set").order_by("pk"))
    assert len(entries) == 2
    assert entries[0].actor == world.street_official
    assert entries[0].object_id == str(first.pk)
    assert entries[0].detail["previous"] == {"working_days": 3}
    assert entries[0].detail["previous_source"] == "default"
    assert entries[1].detail["value"] == {"working_days": 7}
    assert entries[1].detail["previous"] == {"working_days": 5}
    assert entries[1].detail["node"] == str(world.S1.uuid)


def test_nearest_node_wins_then_platform_then_default(world):
    set_policy(
        actor=world.admin,
        kind=KIND,
        node=None,
        value={"working_days": 4},
        effective_from=dt.date(2026, 1, 1),
    )
    set_policy(
        actor=world.admin,
        kind=KIND,
        node=world.S1,
        value={"working_days": 6},
        effective_from=dt.date(2026, 1, 1),
    )
    set_policy(
        actor=world.admin,
        kind=KIND,
        node=world.C1,
        value={"working_days": 2},
        effective_from=dt.date(2026, 1, 1),
    )
    # A later platform-wide version does not beat a nearer node's older one.
    set_policy(
        actor=world.admin,
        kind=KIND,
        node=None,
        value={"working_days": 9},
        effective_from=dt.date(2026, 6, 1),
    )
    on = dt.date(2026, 7, 1)
    assert resolve(KIND, world.G11, on).value.working_days == 2
    assert resolve(KIND, world.G11, on).source == "node"
    assert resolve(KIND, world.C2, on).value.working_days == 6
    assert resolve(KIND, world.C3, on).value.working_days == 9
    assert resolve(KIND, world.C3, on).source == "platform"
    assert resolve(KIND, world.C3, dt.date(2025, 1, 1)).source == "default"


def test_view_metrics_permission(world):
    assert world.evaluator.has_perm("core.view_metrics", world.G31)
    assert world.street_official.has_perm("core.view_metrics", world.C2)
    assert not world.street_official.has_perm("core.view_metrics", world.C3)
    assert not world.street_official.has_perm("core.view_metrics", world.D)
    assert world.community_worker.has_perm("core.view_metrics", world.G12)
    assert not world.grid_worker.has_perm("core.view_metrics", world.G11)
    assert not world.resident.has_perm("core.view_metrics", world.C1)
    assert not world.evaluator.has_perm("core.view_metrics", None)


# --- admin -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(world, client):
    user = world.admin
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_admin_add_goes_through_set_policy(world, admin_client):
    response = admin_client.post(
        "/admin/core/policy/add/",
        {
            "kind": KIND,
            "node": world.C1.pk,
            "effective_from": TODAY.isoformat(),
            "value": json.dumps({"working_days": 0}),
            "note": "",
        },
    )
    assert response.status_code == 200  # redisplayed with the error
    assert "working_days" in response.content.decode()
    assert not Policy.objects.exists()

    response = admin_client.post(
        "/admin/core/policy/add/",
        {
            "kind": KIND,
            "node": world.C1.pk,
            "effective_from": TODAY.isoformat(),
            "value": json.dumps({"working_days": 4}),
            "note": "via admin",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = Policy.objects.get()
    assert policy.created_by == world.admin
    assert policy.value == {"working_days": 4}
    assert AuditLog.objects.filter(action="policy.set", object_id=str(policy.pk)).count() == 1


def test_admin_shows_versions_read_only_with_a_new_version_link(world, admin_client):
    policy = set_policy(
        actor=world.admin, kind=KIND, node=world.C1, value={"working_days": 4}, effective_from=TODAY
    )
    page = admin_client.get(f"/admin/core/policy/{policy.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="value"' not in html  # no editable field
    assert "/admin/core/policy/add/?kind=accounts.verification_deadline" in html
    # Posting to the change view changes nothing.
    admin_client.post(
        f"/admin/core/policy/{policy.pk}/change/",
        {"kind": KIND, "effective_from": TODAY.isoformat(), "value": '{"working_days": 9}'},
    )
    policy.refresh_from_db()
    assert policy.value == {"working_days": 4}
    assert (
        admin_client.post(f"/admin/core/policy/{policy.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Policy.objects.count() == 1
    # The new-version form starts from the old value.
    add = admin_client.get(
        f"/admin/core/policy/add/?kind={KIND}&node={world.C1.pk}"
        "&value=%7B%22working_days%22%3A+4%7D"
    )
    assert "working_days" in add.content.decode()


def test_logs_are_read_only_in_the_admin(world, admin_client):
    set_policy(
        actor=world.admin, kind=KIND, node=None, value={"working_days": 4}, effective_from=TODAY
    )
    entry = AuditLog.objects.get()
    assert admin_client.get("/admin/core/auditlog/").status_code == 200
    assert admin_client.get("/admin/core/auditlog/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/core/auditlog/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    for model in ("notification", "deadline"):
        assert admin_client.get(f"/admin/core/{model}/").status_code == 200
        assert admin_client.get(f"/admin/core/{model}/add/").status_code == 403
