"""Rules chosen by the DATE of the vote; residents', party members' and body rules."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from cogov.core.actions import set_policy
from cogov.core.policies import get_policy
from cogov.people.models import PartyMember, PartyMemberStatus, Person
from cogov.voting import actions
from cogov.voting.models import Elector
from cogov.voting.policy_kinds import rule_in_force
from cogov.voting.thresholds import Result, ThresholdSpec

from .conftest import at, finish, open_vote

pytestmark = pytest.mark.django_db


def residents_vote(world, day: dt.date, **kw):  # type: ignore[no-untyped-def]
    return open_vote(
        world,
        node=world.nodes["C1"],
        electorate="residents",
        rule="residents_meeting",
        opens_at=at(day),
        **kw,
    )


def test_2018_rule_before_2026_and_2026_version_from_new_year(world):
    before = residents_vote(world, dt.date(2025, 12, 31))
    after = residents_vote(world, dt.date(2026, 1, 1))
    assert before.rule_snapshot["source"] == "default"
    assert before.rule_snapshot["effective_from"] is None  # the shipped 2018 default
    assert "2018" in before.rule_snapshot["basis"] and before.rule_snapshot["verified"]
    assert after.rule_snapshot["source"] == "default"
    assert after.rule_snapshot["effective_from"] == "2026-01-01"
    assert after.rule_snapshot["verified"] is False
    assert "UNVERIFIED" in after.rule_snapshot["basis"]
    # 2018: more than half present (strict), more than half of those present in favour.
    quorum, majority = before.rule_snapshot["thresholds"]
    assert (quorum["numerator"], quorum["denominator"], quorum["inclusive"]) == (1, 2, False)
    assert (quorum["base"], majority["base"]) == ("entitled", "participating")


def test_2026_version_has_the_2018_values_and_is_flagged_unverified():
    v2026 = rule_in_force("voting.residents_meeting", None, dt.date(2026, 6, 1)).value
    v2018 = rule_in_force("voting.residents_meeting", None, dt.date(2025, 6, 1)).value
    assert v2026.quorum == v2018.quorum and v2026.majority == v2018.majority
    assert v2026.verified is False and v2018.verified is True
    # The same through core's lookup by date.
    assert get_policy("voting.residents_meeting", None, on=dt.date(2025, 12, 31)) == v2018
    assert get_policy("voting.residents_meeting", None, on=dt.date(2026, 1, 1)) == v2026


def test_a_later_configured_version_applies_by_date_and_open_votes_keep_theirs(world):
    admin = world.users["admin"]
    earlier = residents_vote(world, dt.date(2026, 2, 1))
    set_policy(
        actor=admin,
        kind="voting.residents_meeting",
        node=None,
        effective_from=dt.date(2026, 3, 1),
        value={
            "quorum": {"numerator": 1, "denominator": 3, "inclusive": True},
            "majority": {"numerator": 1, "denominator": 2, "inclusive": False},
            "basis": "promulgated text read by an administrator",
            "verified": True,
        },
    )
    later = residents_vote(world, dt.date(2026, 3, 2))
    assert later.rule_snapshot["thresholds"][0]["denominator"] == 3
    assert later.rule_snapshot["thresholds"][0]["inclusive"] is True
    earlier.refresh_from_db()
    assert earlier.rule_snapshot["thresholds"][0]["denominator"] == 2  # frozen at opening


def test_residents_of_age_on_the_vote_date_and_snapshot_does_not_move(world):
    day = dt.date(2026, 5, 10)
    young = Person.objects.create(
        name="少年",
        household=world.households["G11-1-101"],
        grid=world.nodes["G11"],
        birth_date=dt.date(2008, 5, 11),  # 18 the day after the vote
    )
    exactly = Person.objects.create(
        name="成年",
        household=world.households["G11-1-101"],
        grid=world.nodes["G11"],
        birth_date=dt.date(2008, 5, 10),  # 18 on the day
    )
    vote = residents_vote(world, day)
    keys = set(Elector.objects.filter(vote=vote).values_list("key", flat=True))
    assert f"person:{exactly.pk}" in keys and f"person:{young.pk}" not in keys
    assert vote.entitled_heads == 8 + 1  # the eight adults of C1 in the test world + one
    Person.objects.create(
        name="新居民",
        household=world.households["G11-1-102"],
        grid=world.nodes["G11"],
        birth_date=dt.date(1990, 1, 1),
    )
    assert Elector.objects.filter(vote=vote).count() == 9


def _cast_papers(world, vote, choices):  # type: ignore[no-untyped-def]
    electors = list(Elector.objects.filter(vote=vote).order_by("pk"))
    for elector, choice in zip(electors, choices, strict=False):
        actions.record_ballot(actor=world.users["admin"], vote=vote, elector=elector, choice=choice)


def test_residents_meeting_exactly_half_present_fails_the_strict_quorum(world):
    vote = residents_vote(world, dt.date(2025, 6, 1))
    total = vote.entitled_heads
    assert total == 8  # the eight adults of C1 in the test world
    _cast_papers(world, vote, ["for"] * 4)
    result = Result.from_dict(finish(world, vote).result)
    quorum = result.thresholds[0]
    assert quorum.name == "quorum" and quorum.reached == "1/2" and not quorum.passed
    assert result.outcome == "failed"


def test_residents_meeting_passes_with_more_than_half_of_those_present(world):
    vote = residents_vote(world, dt.date(2025, 6, 1))
    _cast_papers(world, vote, ["for", "for", "for", "against", "abstain"])
    result = Result.from_dict(finish(world, vote).result)
    assert [t.passed for t in result.thresholds] == [True, True]
    assert Fraction(result.thresholds[1].reached) == Fraction(3, 5)
    assert result.outcome == "passed"


def test_party_meeting_counts_full_members_and_majority_of_those_entitled(world):
    branch = world.orgs["branch"]
    for i in range(4):
        person = Person.objects.create(name=f"党员{i}", grid=world.nodes["G11"])
        PartyMember.objects.create(person=person, branch=branch)
    probationary = Person.objects.create(name="预备党员", grid=world.nodes["G11"])
    PartyMember.objects.create(
        person=probationary, branch=branch, status=PartyMemberStatus.PROBATIONARY
    )
    vote = open_vote(
        world,
        node=world.nodes["C1"],
        electorate="party_members",
        rule="party_meeting",
        organization=branch,
    )
    assert vote.entitled_heads == 6  # 2 world members + 4; the probationary member has no vote
    assert vote.rule_snapshot["verified"] is False  # [U]: configurable
    # 4 present (> 1/2 of 6), 3 in favour: 3/4 of those present but only 1/2 of those entitled.
    _cast_papers(world, vote, ["for", "for", "for", "against"])
    result = Result.from_dict(finish(world, vote).result)
    assert result.thresholds[0].passed
    assert result.thresholds[1].base == "entitled" and result.thresholds[1].reached == "1/2"
    assert result.outcome == "failed"


def test_body_majority_of_an_organisations_members(world, django_user_model):
    from cogov.accounts.models import Membership

    org = world.orgs["socialorg"]
    for i in range(2):
        user = django_user_model.objects.create_user(f"member{i}")
        Membership.objects.create(user=user, role="social_worker", organization=org)
    vote = open_vote(
        world,
        node=world.nodes["C1"],
        electorate="body",
        rule="body_majority",
        organization=org,
        secret=False,
    )
    assert vote.entitled_heads == 3  # the social worker persona and two more
    member = django_user_model.objects.get(username="member0")
    actions.cast_ballot(actor=member, vote=vote, choice="for")
    actions.cast_ballot(actor=world.users["social_worker"], vote=vote, choice="for")
    result = Result.from_dict(finish(world, vote).result)
    assert result.outcome == "passed"


@pytest.mark.parametrize(
    ("value", "base", "inclusive", "passed"),
    [(2, 3, True, True), (2, 3, False, False), (1, 2, False, False), (201, 400, False, True)],
)
def test_threshold_evaluation_is_exact(value, base, inclusive, passed):
    n, d = (2, 3) if base == 3 else (1, 2)
    spec = ThresholdSpec("t", "support", "heads", "participating", n, d, inclusive)
    assert spec.evaluate(Fraction(value), Fraction(base)).passed is passed


def test_a_zero_base_passes_nothing():
    spec = ThresholdSpec("t", "support", "heads", "participating", 0, 1, True)
    result = spec.evaluate(Fraction(0), Fraction(0))
    assert result.reached is None and not result.passed
