"""Committee members, decisions through the voting app, meetings, agreements and their yearly
review, and the coverage and 双报到 metrics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.metrics import Period, compute
from cogov.organizations import actions
from cogov.organizations.models import (
    BuildingParty,
    Organization,
    OrgKind,
    ReviewEvent,
    ReviewStatus,
)
from cogov.territory.models import Building

from .helpers import in_service_member, reported


@pytest.fixture
def committee(world: Any) -> Any:
    secretary = world.users["party_secretary"]
    c = actions.create_committee(actor=secretary, organization=world.orgs["committee"])
    for key in ("unit", "property"):
        actions.add_unit(actor=secretary, committee=c, unit=world.orgs[key], on=dt.date(2020, 1, 1))
    return c


def test_members_become_the_electorate_of_committee_decisions(world: Any, committee: Any) -> None:
    from cogov.voting.actions import open_vote
    from cogov.voting.models import ElectorAccount, Vote

    secretary = world.users["party_secretary"]
    today = timezone.localdate()
    term = actions.start_term(
        actor=secretary,
        committee=committee,
        number=1,
        starts_on=today,
        ends_on=today.replace(year=today.year + 3),
    )
    actions.appoint_member(
        actor=secretary,
        committee=committee,
        term=term,
        user=world.users["party_secretary"],
        full_time=True,
        title="书记",
    )
    actions.appoint_member(
        actor=secretary,
        committee=committee,
        term=term,
        user=world.users["unit_liaison"],
        unit=world.orgs["unit"],
        title="兼职委员",
    )
    actions.appoint_member(
        actor=secretary, committee=committee, term=term, user=world.users["admin"], full_time=True
    )
    with pytest.raises(ActionError):  # the full-time places are policy (2 by default)
        actions.appoint_member(
            actor=secretary,
            committee=committee,
            term=term,
            user=world.users["volunteer"],
            full_time=True,
        )
    decision = actions.propose_decision(
        actor=secretary,
        committee=committee,
        title="划设停车位",
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=3),
    )
    vote = Vote.objects.get(uuid=decision.vote_uuid)
    assert (vote.electorate, vote.rule, vote.organization_id) == (
        "body",
        "body_majority",
        committee.organization_id,
    )
    open_vote(actor=secretary, vote=vote)
    electors = set(ElectorAccount.objects.filter(vote=vote).values_list("user_id", flat=True))
    assert (
        world.users["unit_liaison"].pk in electors and world.users["party_secretary"].pk in electors
    )
    assert world.users["org_staff"].pk not in electors
    with pytest.raises(NotAllowed):
        actions.propose_decision(
            actor=world.users["unit_liaison"],
            committee=committee,
            title="x",
            opens_at=timezone.now(),
        )


def test_only_the_chair_unit_convenes_with_notice(world: Any, committee: Any) -> None:
    secretary = world.users["party_secretary"]
    actions.generate_rotation(
        actor=secretary, committee=committee, year=timezone.localdate().year + 1
    )
    slot = committee.rotation.order_by("starts_on").first()
    at = timezone.make_aware(
        dt.datetime.combine(slot.starts_on + dt.timedelta(days=9), dt.time(15))
    )
    chair = (
        world.users["unit_liaison"] if slot.unit == world.orgs["unit"] else world.users["org_staff"]
    )
    other = (
        world.users["org_staff"]
        if chair == world.users["unit_liaison"]
        else world.users["unit_liaison"]
    )
    with pytest.raises(NotAllowed):
        actions.convene_meeting(actor=other, committee=committee, at=at, topics="议题")
    meeting = actions.convene_meeting(actor=chair, committee=committee, at=at, topics="议题")
    assert meeting.chair_unit == slot.unit
    with pytest.raises(ActionError):  # topics are fixed three days ahead
        actions.convene_meeting(
            actor=secretary,
            committee=committee,
            at=timezone.now() + dt.timedelta(hours=5),
            topics="急",
        )
    actions.record_minutes(actor=chair, meeting=meeting, minutes="通过")
    from cogov.organizations.selectors import regular_meetings

    regular = regular_meetings(committee, slot.starts_on.year)
    assert len(regular) == 12  # monthly by default (policy)
    assert [p.meetings for p in regular[:2]] == [1, 0]
    assert meeting.status == "held"


def test_agreement_review_is_a_workflow_with_events(world: Any, committee: Any) -> None:
    secretary, liaison = world.users["party_secretary"], world.users["unit_liaison"]
    agreement = actions.sign_agreement(
        actor=secretary,
        committee=committee,
        unit=world.orgs["unit"],
        scope="义诊",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        resources=["场地", " "],
        pledged_hours=50,
    )
    assert agreement.resources == ["场地"]
    with pytest.raises(ActionError):
        actions.sign_agreement(
            actor=secretary,
            committee=committee,
            unit=world.orgs["socialorg"],
            scope="x",
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 12, 31),
        )
    review = actions.open_review(actor=secretary, agreement=agreement, year=2025)
    with pytest.raises(NotAllowed):
        actions.submit_review(actor=world.users["org_staff"], review=review, self_report="x")
    actions.submit_review(actor=liaison, review=review, self_report="义诊 12 次")
    actions.conclude_review(actor=secretary, review=review, accept=False, conclusion="补充材料")
    actions.submit_review(actor=liaison, review=review, self_report="义诊 12 次, 附照片")
    actions.conclude_review(actor=secretary, review=review, rating="优秀", conclusion="好")
    assert review.status == ReviewStatus.CONCLUDED and review.rating == "优秀"
    assert list(ReviewEvent.objects.filter(subject=review).values_list("to_status", flat=True)) == [
        "open",
        "submitted",
        "open",
        "submitted",
        "concluded",
    ]


def test_coverage_metrics(world: Any) -> None:
    c1, year = world.nodes["C1"], Period.year(2025)
    # Grids: a branch based in G11 covers it; G12 has none.
    Organization.objects.create(
        kind=OrgKind.PARTY_BRANCH,
        name="网格支部",
        node=world.nodes["G11"],
        parent=world.orgs["committee"],
    )
    assert compute("organizations.grid_party_coverage", c1, year) == Decimal("0.5")
    # Buildings: one of the two buildings in C1 has a party group.
    BuildingParty.objects.create(
        building=Building.objects.get(code="B-G11"), party_group=world.orgs["group"]
    )
    assert compute("organizations.building_party_coverage", c1, year) == Decimal("0.5")
    # Social organizations: covered through a party organization below it or a linked one.
    assert compute("organizations.social_org_party_coverage", c1, year) == Decimal("0")
    social = world.orgs["socialorg"]
    social.party_organization = world.orgs["branch"]
    social.save()
    assert compute("organizations.social_org_party_coverage", c1, year) == Decimal("1")
    assert compute("organizations.enterprise_party_coverage", c1, year) == Decimal("0")


def test_dual_report_and_activity_rates(world: Any) -> None:
    c1 = world.nodes["C1"]
    today = timezone.localdate()
    period = Period.year(today.year)
    # The world has one in-service member (not reported); add two, report one, one serves.
    a = in_service_member(world, world.orgs["unit"])
    b = in_service_member(world, world.orgs["unit"])
    reported(world, a)
    assert compute("organizations.dual_report_rate", c1, period) == Decimal("0.3333")
    assert compute("organizations.in_service_activity_rate", c1, period) == Decimal("0")
    rec = actions.log_service(
        actor=world.users["party_secretary"],
        member=a,
        community=c1,
        served_on=today,
        hours="1",
        description="值守",
    )
    actions.confirm_service(actor=world.users["party_secretary"], record_=rec)
    assert compute("organizations.in_service_activity_rate", c1, period) == Decimal("1")
    assert compute("organizations.service_hours", c1, period) == Decimal("1.0")
    from cogov.organizations.metrics import unit_scorecard

    card = unit_scorecard(c1, period)
    assert [(r["name"], r["hours"], r["members"]) for r in card] == [
        (world.orgs["unit"].name, Decimal("1.0"), 1)
    ]
    assert b  # b lives in C1 and counts in the denominator
