"""Procedures as data: the three shipped by migration (reversible), custom ones by staff."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from cogov.core.errors import ActionError, NotAllowed
from cogov.deliberation import actions as a
from cogov.deliberation.models import Procedure

pytestmark = pytest.mark.django_db

SHIPPED = {
    "four-deliberations-two-disclosures": [
        ("propose", "party_organization", ""),
        ("discuss", "two_committees", "body_majority"),
        ("review", "party_members", "party_meeting"),
        ("decide", "residents_meeting", "residents_meeting"),
        ("publish-resolution", "residents_committee", ""),
        ("publish-results", "residents_committee", ""),
    ],
    "six-step-consultation": [
        ("propose", "party_organization", ""),
        ("notify", "residents_committee", ""),
        ("consult", "consultation", ""),
        ("adopt", "two_committees", "body_majority"),
        ("feed-back", "residents_committee", ""),
        ("supervise", "supervision", ""),
    ],
    "owners-assembly": [
        ("call", "owners_committee", "body_majority"),
        ("decide", "owners_assembly", "owners_joint"),
        ("publish-resolution", "owners_committee", ""),
        ("publish-results", "owners_committee", ""),
    ],
}


def test_shipped_procedures() -> None:
    for key, steps in SHIPPED.items():
        procedure = Procedure.objects.get(key=key)
        assert procedure.builtin
        assert [(s.key, s.body, s.rule) for s in procedure.steps.order_by("order")] == steps


def test_data_migration_is_reversible() -> None:
    migration = importlib.import_module("cogov.deliberation.migrations.0002_builtin_procedures")
    migration.backward(apps, None)
    assert not Procedure.objects.filter(key__in=SHIPPED).exists()
    migration.forward(apps, None)
    migration.forward(apps, None)  # idempotent
    assert Procedure.objects.filter(key__in=SHIPPED, builtin=True).count() == 3


def test_staff_compose_a_custom_procedure(world) -> None:
    steps = [
        {"kind": "meeting", "body": "consultation", "rule": "", "name": "协商"},
        {
            "kind": "meeting",
            "body": "residents_representatives",
            "rule": "body_majority",
            "name": "代表会议表决",
        },
        {"kind": "resolution", "body": "residents_committee", "name": "公示"},
        {"kind": "results", "body": "residents_committee", "name": "结果公开"},
    ]
    with pytest.raises(NotAllowed):
        a.create_procedure(actor=world.resident, node=world.C1, key="x", name="x", steps=steps)
    with pytest.raises(ActionError):
        a.create_procedure(
            actor=world.community_worker,
            node=world.C1,
            key="bad",
            name="x",
            steps=[{"kind": "meeting", "body": "consultation", "rule": "nope", "name": "n"}],
        )
    assert not Procedure.objects.filter(key="bad").exists()
    p = a.create_procedure(
        actor=world.community_worker, node=world.C1, key="c1-small", name="小事协商", steps=steps
    )
    assert p.steps.count() == 4
    assert Procedure.objects.available_for(world.C1).filter(pk=p.pk).exists()
    assert not Procedure.objects.available_for(world.C2).filter(pk=p.pk).exists()
