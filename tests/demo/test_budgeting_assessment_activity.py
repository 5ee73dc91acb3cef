"""The demo's participatory budgeting and evaluation round (tiny scale): this year's 民生微实事
round went from proposals to acceptance with its winners committed in the community's fund
(which still reconciles), next year's round takes proposals today, and this year's evaluation
round over the district's communities is published with results."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cogov.accounts.models import User
from cogov.assessment.models import Result
from cogov.assessment.models import Round as Evaluation
from cogov.budgeting import actions
from cogov.budgeting.funds_bridge import commitments
from cogov.budgeting.models import Proposal, Round, RoundStatus, Status
from cogov.demo.accounts import demo_username
from cogov.demo.builder import Report, build
from cogov.funds.ledger import verify
from cogov.funds.selectors import balances, fund_for
from cogov.territory.models import Node

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(db: Any) -> Report:
    return build("tiny", seed=3)


def test_this_years_round_went_all_the_way(tiny: Report) -> None:
    today = timezone.localdate()
    round = Round.objects.get(year=today.year)
    assert round.status == RoundStatus.APPROVED
    statuses = {p.title: p.status for p in round.proposals.all()}
    assert statuses["小区外墙渗水维修"] == Status.REJECTED
    assert statuses["为本楼加装电梯"] == Status.REJECTED
    assert all(p.rejection_reason for p in round.proposals.filter(status=Status.REJECTED))
    assert statuses["社区读书角建设"] == Status.COUNCIL_FAILED
    assert round.proposals.filter(status=Status.LOST).exists()
    winners = round.selection["winners"]
    assert len(winners) >= 3 and round.selection["rule"] == "greedy"
    assert round.selection["ballots"] > 10
    assert Proposal.objects.filter(round=round, status=Status.CLOSED).count() == 1
    assert Proposal.objects.filter(round=round, status=Status.ACCEPTED).count() == 1
    assert Proposal.objects.filter(round=round, status=Status.IMPLEMENTING).count() == 1
    # Every step is dated in the story, in order, and before today.
    times = list(round.events.order_by("pk").values_list("at", flat=True))
    assert times == sorted(times) and timezone.localdate(times[-1]) <= today
    assert timezone.localdate(round.created_at) == timezone.localdate(times[0])
    # The winners are committed in the community's 民生微实事 fund, which still reconciles.
    fund = fund_for(round.node, "micro_project", today.year)
    lines = commitments(round)
    assert sorted(c["title"][:5] for c in lines) == sorted(winners)
    assert all(c["line"].fund_id == fund.pk and c["line"].decided_by_residents for c in lines)
    assert balances(fund).reconciles
    assert list(verify()) == []
    out = StringIO()
    call_command("verify-funds", stdout=out)
    assert "reconciles to the cent" in out.getvalue()


def test_next_years_round_takes_proposals_today(tiny: Report) -> None:
    today = timezone.localdate()
    round = Round.objects.get(year=today.year + 1)
    assert round.phase_active(RoundStatus.COLLECTING)
    assert round.proposals.count() == 2
    resident = User.objects.get(username=demo_username("resident"))
    p = actions.submit_proposal(
        actor=resident,
        round=round,
        title="楼下增设休息座椅",
        description="老人散步缺少休息的地方。",
        category="goods",
        items=[{"description": "户外座椅", "quantity": "6", "unit": "张", "unit_price": "800"}],
    )
    assert p.reference == "P-003"


def test_the_evaluation_round_is_published_with_results(tiny: Report) -> None:
    (evaluation,) = Evaluation.objects.all()
    assert evaluation.status == "published"
    district = Node.objects.get(level="district")
    communities = Node.objects.filter(level="community", path__startswith=district.path)
    assert evaluation.scope_id == district.pk
    results = Result.objects.filter(round=evaluation)
    assert {r.node_id for r in results} == set(communities.values_list("pk", flat=True))
    assert all(r.score is not None and r.grade for r in results)
    assert tiny.counts["assessment_results"] == results.count()
