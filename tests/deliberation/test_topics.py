"""Topics: the extraordinary owners' assembly (20 % of owners), lapse of a topic without enough
co-signatures (deadline sweep), the triage deadline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cogov.accounts.models import Membership, User
from cogov.core import deadlines
from cogov.core.errors import NotAllowed
from cogov.deliberation import actions as a
from cogov.deliberation.models import TopicStatus
from cogov.people.models import Ownership, Person
from cogov.territory.models import Building, PropertyUnit

pytestmark = pytest.mark.django_db


def _owners(w, n: int) -> list[User]:
    """n more owners of units in C1 (grid G11), each with an account."""
    building = Building.objects.create(grid=w.G11, code="B-X", name="二号楼")
    users = []
    for i in range(n):
        unit = PropertyUnit.objects.create(
            building=building, number=f"2-{i}", exclusive_area=Decimal("90")
        )
        user = User.objects.create_user(f"owner{i}")
        Membership.objects.create(user=user, role="owner", node=w.C1)
        person = Person.objects.create(name=f"业主{i}", user=user, grid=w.G11)
        Ownership.objects.create(person=person, unit=unit)
        users.append(user)
    return users


def test_extraordinary_assembly_needs_a_fifth_of_the_owners(delib) -> None:
    w = delib
    owners = _owners(w, 9)  # with the owner persona: 10 owners in C1 → 2 requests needed
    with pytest.raises(NotAllowed):
        a.propose_topic(
            actor=w.resident,
            node=w.C1,
            title="临时业主大会",
            description="改选业委会",
            extraordinary_assembly=True,
        )
    topic = a.propose_topic(
        actor=w.owner,
        node=w.C1,
        title="临时业主大会",
        description="改选业委会",
        extraordinary_assembly=True,
    )
    assert topic.extraordinary and topic.cosign_threshold == 1  # 10 × 1/5 = 2, one is the proposer
    with pytest.raises(NotAllowed):
        a.cosign_topic(actor=w.neighbour1, topic=topic)  # a resident, not an owner
    a.cosign_topic(actor=owners[0], topic=topic)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SUBMITTED


def test_topic_lapses_without_enough_cosignatures(delib) -> None:
    w = delib
    topic = a.propose_topic(actor=w.resident, node=w.C1, title="t", description="d")
    a.cosign_topic(actor=w.neighbour1, topic=topic)
    assert deadlines.sweep(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert deadlines.sweep(now=timezone.now() + dt.timedelta(days=31)) >= 1
    topic.refresh_from_db()
    assert topic.status == TopicStatus.WITHDRAWN
    assert topic.events.last().note == "not enough co-signatures in time"
    assert w.resident.notifications.filter(kind="deliberation.lapsed").exists()


def test_triage_overdue_reminds_the_community(delib) -> None:
    w = delib
    a.propose_topic(actor=w.party_secretary, node=w.C1, title="t", description="d", source="party")
    deadlines.sweep(now=timezone.now() + dt.timedelta(days=30))
    assert w.community_worker.notifications.filter(kind="deliberation.triage_overdue").exists()
