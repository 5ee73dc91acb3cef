"""Helpers of the budgeting tests: a round of 幸福社区 (C1) driven through its phases.

There is no clock-freezing library here: "time passes" by moving the round's announced windows
(`shift`), which is what the phase checks read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cogov.budgeting import actions
from cogov.budgeting.models import Proposal, Round
from cogov.voting import actions as voting_actions
from cogov.voting.selectors import vote_by_uuid

from ..world import World

HOUR = dt.timedelta(hours=1)


def make_round(world: World, *, budget: str = "100000", **kw: Any) -> Round:
    now = timezone.now()
    kw.setdefault("collect_opens_at", now - HOUR)
    kw.setdefault("collect_closes_at", now + HOUR)
    kw.setdefault("vote_opens_at", now + 2 * HOUR)
    kw.setdefault("vote_closes_at", now + 48 * HOUR)
    round = actions.create_round(
        actor=world.users[kw.pop("actor", "community_worker")],
        node=kw.pop("node", world.nodes["C1"]),
        year=kw.pop("year", timezone.localdate().year),
        title=kw.pop("title", "2026年幸福社区民生微实事"),
        budget=budget,
        **kw,
    )
    return actions.open_collection(actor=world.users["community_worker"], round=round)


def propose(world: World, round: Round, title: str, cost: str, **kw: Any) -> Proposal:
    return actions.submit_proposal(
        actor=world.users[kw.pop("actor", "resident")],
        round=round,
        title=title,
        description=kw.pop("description", f"{title}: 受益居民多"),
        category=kw.pop("category", "goods"),
        items=kw.pop("items", [{"description": title, "quantity": "1", "unit_price": cost}]),
        **kw,
    )


def shift(round: Round, **fields: dt.datetime) -> Round:
    """Move the round's announced windows (time passing, for the phase checks)."""
    Round.objects.filter(pk=round.pk).update(**fields)
    round.refresh_from_db()
    return round


def to_council(world: World, round: Round) -> Round:
    worker = world.users["community_worker"]
    round = actions.close_collection(actor=worker, round=round, note="征集期提前结束(测试)")
    for p in round.proposals.filter(status="submitted"):
        actions.screen_proposal(actor=worker, proposal=p, eligible=True)
    return actions.finish_screening(actor=worker, round=round)


def council_pass(world: World, round: Round) -> None:
    for p in round.proposals.filter(status="screened_in"):
        actions.record_council_review(
            actor=world.users["party_secretary"], proposal=p, members=9, present=7, yes=6, no=1
        )


def to_vote(world: World, round: Round) -> Round:
    round = to_council(world, round)
    council_pass(world, round)
    now = timezone.now()
    round = shift(round, vote_opens_at=now - dt.timedelta(minutes=1))
    return actions.start_vote(actor=world.users["community_worker"], round=round)


def paper_ballots(world: World, round: Round, choices: list[list[str]]) -> None:
    """Enter paper ballots for the first electors of the roll, one per choice list."""
    from cogov.voting.models import Elector  # the test reads the roll; the app never does

    vote = vote_by_uuid(round.vote_uuid)
    electors = list(Elector.objects.filter(vote=vote).order_by("pk"))
    assert len(electors) >= len(choices)
    for elector, choice in zip(electors, choices, strict=False):
        voting_actions.record_ballot(
            actor=world.users["community_worker"], vote=vote, elector=elector, choice=choice
        )


def open_fund(world: World, round: Round, amount: str = "150000") -> Any:
    from cogov.funds import actions as funds

    admin = world.users["admin"]
    fund = funds.create_fund(
        actor=admin, community=round.node, kind="micro_project", year=round.year
    )
    funds.allocate(actor=admin, fund=fund, amount=Decimal(amount))
    return fund


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
