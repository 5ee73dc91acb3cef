"""The budget ballot (participatory budgeting): each option has a cost, and a voter's picks,
summed, must fit the vote's budget. Registered in cogov/voting/ballots.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cogov.core.errors import ActionError
from cogov.voting import actions
from cogov.voting.models import Ballot, Elector, Participation
from cogov.voting.thresholds import Result

from .conftest import finish, open_vote

pytestmark = pytest.mark.django_db

OPTIONS = [
    {"key": "P-001", "label": "加装扶手", "cost": "40000"},
    {"key": "P-002", "label": "口袋公园", "cost": "70000"},
    {"key": "P-003", "label": "路灯", "cost": "30000.50"},
]


def budget_vote(world, **kw):  # type: ignore[no-untyped-def]
    return open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="households",
        rule="residents_meeting",
        ballot_kind="budget",
        options=kw.pop("options", OPTIONS),
        budget_limit=kw.pop("budget_limit", "100000"),
        **kw,
    )


def test_picks_within_the_budget_are_accepted_and_counted(world):
    vote = budget_vote(world)
    assert vote.budget_limit == Decimal("100000.00")
    assert vote.option_cost("P-003") == Decimal("30000.50")
    worker = world.users["community_worker"]
    electors = list(Elector.objects.filter(vote=vote).order_by("pk"))
    actions.record_ballot(actor=worker, vote=vote, elector=electors[0], choice=["P-001", "P-003"])
    actions.record_ballot(actor=worker, vote=vote, elector=electors[1], choice=["P-003"])
    actions.record_ballot(actor=worker, vote=vote, elector=electors[2], choice=["P-002"])
    result = Result.from_dict(finish(world, vote, actor="community_worker").result)
    assert result.counts["P-003"]["heads"] == "2"
    assert result.counts["P-002"]["heads"] == "1"
    assert result.winner == "P-003"
    assert result.method.startswith("approval within a budget")


def test_picks_over_the_budget_are_refused_and_nothing_is_written(world, english):
    vote = budget_vote(world)
    elector = Elector.objects.filter(vote=vote).first()
    with pytest.raises(ActionError) as err:
        # 70,000 + 30,000.50 = 100,000.50 > 100,000: one cent too much
        actions.record_ballot(
            actor=world.users["community_worker"],
            vote=vote,
            elector=elector,
            choice=["P-002", "P-003"],
        )
    assert err.value.field == "choice" and err.value.code == "over_budget"
    assert "100000.50" in err.value.message and "100000.00" in err.value.message
    assert not Ballot.objects.filter(vote=vote).exists()
    assert not Participation.objects.filter(vote=vote).exists()


def test_exactly_the_budget_fits(world):
    vote = budget_vote(world, budget_limit="100000.50")
    elector = Elector.objects.filter(vote=vote).first()
    actions.record_ballot(
        actor=world.users["community_worker"],
        vote=vote,
        elector=elector,
        choice=["P-002", "P-003"],
    )
    assert Ballot.objects.filter(vote=vote).count() == 1


@pytest.mark.parametrize(
    ("options", "limit", "field"),
    [
        (OPTIONS, None, "budget_limit"),
        (OPTIONS, "0", "budget_limit"),
        (OPTIONS, "abc", "budget_limit"),
        ([{"key": "a", "label": "A"}, {"key": "b", "label": "B", "cost": "1"}], "10", "options"),
        ([{"key": "a", "cost": "-1"}, {"key": "b", "cost": "1"}], "10", "options"),
    ],
)
def test_a_budget_ballot_needs_costs_and_a_budget(world, options, limit, field):
    with pytest.raises(ActionError) as err:
        budget_vote(world, options=options, budget_limit=limit)
    assert err.value.field == field


def test_other_ballots_are_unchanged_by_the_check(world):
    vote = open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="households",
        rule="residents_meeting",
        ballot_kind="approval",
        options=OPTIONS,
    )
    assert vote.budget_limit is None
    assert vote.option_cost("P-001") is None  # costs are kept only on budget ballots
    elector = Elector.objects.filter(vote=vote).first()
    actions.record_ballot(
        actor=world.users["community_worker"],
        vote=vote,
        elector=elector,
        choice=["P-001", "P-002", "P-003"],
    )


def test_the_ballot_page_shows_costs_and_the_budget(world, client_for, english):
    vote = budget_vote(world)
    page = client_for("community_worker").get(f"/voting/{vote.uuid}/record/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "at most 100000.00 yuan" in html
    assert 'data-cost="30000.50"' in html
    assert 'data-limit="100000.00"' in html  # the running total of the picks
