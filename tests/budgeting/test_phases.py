"""Each phase transition of a round and of a proposal, with its guards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cogov.budgeting import actions
from cogov.budgeting.models import (
    Acceptance,
    CostItem,
    Proposal,
    ProposalEvent,
    RoundEvent,
    RoundStatus,
    Status,
)
from cogov.core.errors import ActionError, InvalidTransition, NotAllowed

from .conftest import (
    council_pass,
    make_round,
    open_fund,
    paper_ballots,
    propose,
    shift,
    to_council,
    to_vote,
)

pytestmark = pytest.mark.django_db


def test_create_round_validates_its_fields(world):
    worker = world.users["community_worker"]
    now = timezone.now()
    base = {
        "actor": worker,
        "node": world.nodes["C1"],
        "year": 2026,
        "title": "轮次",
        "budget": "100000",
        "collect_opens_at": now,
        "collect_closes_at": now + dt.timedelta(days=30),
        "vote_opens_at": now + dt.timedelta(days=40),
        "vote_closes_at": now + dt.timedelta(days=47),
    }
    for change, field in [
        ({"budget": "0"}, "budget"),
        ({"budget": "12.345"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"title": " "}, "title"),
        ({"year": "twenty"}, "year"),
        ({"node": world.nodes["G11"]}, "node"),
        ({"ballot_kind": "plurality"}, "ballot_kind"),
        ({"tie_rule": "coin"}, "tie_rule"),
        ({"winner_rule": "equal_shares", "ballot_kind": "ranked"}, "winner_rule"),
        ({"collect_closes_at": now - dt.timedelta(days=1)}, "collect_closes_at"),
        ({"vote_opens_at": now + dt.timedelta(days=10)}, "vote_opens_at"),
        ({"vote_closes_at": now + dt.timedelta(days=39)}, "vote_closes_at"),
    ]:
        with pytest.raises(ActionError) as err:
            actions.create_round(**{**base, **change})
        assert err.value.field == field, change
    round = actions.create_round(**base)
    assert round.status == RoundStatus.DRAFT and len(round.seed) == 32
    assert RoundEvent.objects.filter(subject=round, to_status="draft").count() == 1


def test_proposals_only_while_the_window_is_open(world):
    round = make_round(world)
    p = propose(world, round, "扶手", "1000")
    assert p.reference == "P-001" and p.status == Status.SUBMITTED
    shift(round, collect_closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ActionError) as err:
        propose(world, round, "路灯", "1000")
    assert err.value.code == "not_collecting"
    draft = actions.create_round(
        actor=world.users["community_worker"],
        node=world.nodes["C1"],
        year=2026,
        title="草稿",
        budget="1000",
        collect_opens_at=timezone.now() - dt.timedelta(hours=1),
        collect_closes_at=timezone.now() + dt.timedelta(hours=1),
        vote_opens_at=timezone.now() + dt.timedelta(hours=2),
        vote_closes_at=timezone.now() + dt.timedelta(hours=3),
    )
    with pytest.raises(ActionError) as err:  # a draft collects nothing
        propose(world, draft, "路灯", "1000")
    assert err.value.code == "not_collecting"


def test_cost_items_caps_and_budget(world):
    round = make_round(world, budget="600000")
    p = propose(
        world,
        round,
        "健身器材",
        "0",
        items=[
            {"description": "器材", "quantity": "4", "unit": "套", "unit_price": "2500.50"},
            {"description": "安装", "unit_price": "800"},
        ],
    )
    assert p.cost == Decimal("10802.00")
    assert list(CostItem.objects.filter(proposal=p).values_list("amount", flat=True)) == [
        Decimal("10002.00"),
        Decimal("800.00"),
    ]
    cases = [
        ({"items": []}, "items"),
        ({"items": [{"description": "", "unit_price": "1"}]}, "items[1].description"),
        ({"items": [{"description": "x", "unit_price": "-1"}]}, "items[1].unit_price"),
        (
            {"items": [{"description": "x", "quantity": "a", "unit_price": "1"}]},
            "items[1].quantity",
        ),
        ({"items": [{"description": "x", "unit_price": "0"}]}, "items"),
        ({"category": "service", "items": [{"description": "x", "unit_price": "500001"}]}, "items"),
        ({"category": "party"}, "category"),
        ({"description": ""}, "description"),
        ({"beneficiaries": "many"}, "beneficiaries"),
        ({"grid": world.nodes["G21"]}, "grid"),
    ]
    for change, field in cases:
        with pytest.raises(ActionError) as err:
            propose(world, round, "x", "1", **change)
        assert err.value.field == field, change
    with pytest.raises(
        ActionError
    ) as err:  # works are capped at 1,000,000 but the round has 600,000
        propose(world, round, "x", "700000", category="works")
    assert err.value.code == "over_budget"
    with pytest.raises(ActionError) as err:
        propose(world, round, "x", "500000.01", category="goods")
    assert err.value.code == "over_cap" and "500000.00" in err.value.message


def test_screening_needs_a_reason_to_reject_and_publishes_it(world, client):
    round = make_round(world)
    a = propose(world, round, "物业维修", "1000")
    b = propose(world, round, "路灯", "1000")
    worker = world.users["community_worker"]
    with pytest.raises(ActionError) as err:  # not yet in screening
        actions.screen_proposal(actor=worker, proposal=a, eligible=True)
    assert err.value.code == "phase"
    with pytest.raises(ActionError) as err:
        actions.close_collection(actor=worker, round=round)  # window still open: say why
    assert err.value.field == "note"
    round = actions.close_collection(actor=worker, round=round, note="征集结束")
    with pytest.raises(ActionError) as err:
        actions.screen_proposal(actor=worker, proposal=a, eligible=False, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(ActionError):
        actions.finish_screening(actor=worker, round=round)  # two still waiting
    actions.screen_proposal(
        actor=worker, proposal=a, eligible=False, reason="属于物业服务企业应承担的事项(负面清单)"
    )
    actions.screen_proposal(actor=worker, proposal=b, eligible=True)
    a.refresh_from_db()
    assert a.status == Status.REJECTED and a.rejection_reason.startswith("属于物业")
    assert ProposalEvent.objects.get(subject=a, to_status="rejected").evidence["reason"]
    with pytest.raises(InvalidTransition):
        actions.screen_proposal(actor=worker, proposal=a, eligible=True)
    round = actions.finish_screening(actor=worker, round=round)
    assert round.status == RoundStatus.COUNCIL
    page = client.get(f"/budgeting/{round.uuid}/results/")
    assert "属于物业服务企业应承担的事项" in page.content.decode()


def test_council_quorum_and_majority_from_policy(world):
    round = make_round(world)
    ps = [propose(world, round, f"项目{i}", "1000") for i in range(4)]
    round = to_council(world, round)
    secretary = world.users["party_secretary"]
    # quorum > 1/2: 4 of 8 present is not enough; majority > 1/2 of present: 3 of 6 fails
    actions.record_council_review(
        actor=secretary, proposal=ps[0], members=8, present=4, yes=4, no=0
    )
    actions.record_council_review(
        actor=secretary, proposal=ps[1], members=8, present=6, yes=3, no=3
    )
    actions.record_council_review(
        actor=secretary, proposal=ps[2], members=8, present=5, yes=3, no=1, abstain=1, score="88.5"
    )
    with pytest.raises(ActionError) as err:
        actions.record_council_review(
            actor=secretary, proposal=ps[3], members=8, present=5, yes=3, no=1
        )
    assert err.value.field == "yes"  # 3 + 1 + 0 ≠ 5
    with pytest.raises(NotAllowed):  # the community worker does not record the council
        actions.record_council_review(
            actor=world.users["community_worker"], proposal=ps[3], members=8, present=5, yes=5, no=0
        )
    statuses = [Proposal.objects.get(pk=p.pk).status for p in ps[:3]]
    assert statuses == [Status.COUNCIL_FAILED, Status.COUNCIL_FAILED, Status.COUNCIL_PASSED]
    ps[2].refresh_from_db()
    assert ps[2].council["quorum"] == "5/8" and ps[2].council["majority"] == "3/5"
    assert ps[2].council["score"] == "88.5"
    with pytest.raises(ActionError) as err:  # ps[3] still waits for the council
        actions.start_vote(actor=world.users["community_worker"], round=round)
    assert err.value.code == "pending"
    actions.record_council_review(
        actor=secretary, proposal=ps[3], members=8, present=5, yes=5, no=0
    )
    round = shift(round, vote_opens_at=timezone.now() - dt.timedelta(minutes=1))
    round = actions.start_vote(actor=world.users["community_worker"], round=round)
    assert round.status == RoundStatus.VOTING and round.vote_uuid
    on_ballot = Proposal.objects.filter(round=round, status=Status.ON_BALLOT)
    assert sorted(p.reference for p in on_ballot) == ["P-003", "P-004"]


def test_a_vote_needs_two_proposals(world):
    round = make_round(world)
    propose(world, round, "唯一", "1000")
    round = to_council(world, round)
    council_pass(world, round)
    round = shift(round, vote_opens_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ActionError) as err:
        actions.start_vote(actor=world.users["community_worker"], round=round)
    assert err.value.code == "too_few"


def test_budget_ballot_round_and_equal_shares(world):
    round = make_round(world, budget="100000", ballot_kind="budget", winner_rule="equal_shares")
    for title, cost in [("A", "60000"), ("B", "40000"), ("C", "30000")]:
        propose(world, round, title, cost)
    round = to_vote(world, round)
    from cogov.voting.selectors import vote_by_uuid

    vote = vote_by_uuid(round.vote_uuid)
    assert vote.ballot_kind == "budget" and vote.budget_limit == Decimal("100000.00")
    with pytest.raises(ActionError) as err:  # 60,000 + 40,000 + 30,000 does not fit
        paper_ballots(world, round, [["P-001", "P-002", "P-003"]])
    assert err.value.code == "over_budget"
    paper_ballots(world, round, [["P-001"], ["P-001"], ["P-001", "P-002"], ["P-002", "P-003"]])
    round = actions.count_and_select(
        actor=world.users["community_worker"], round=round, note="测试"
    )
    # 8 electors but 4 ballots: each ballot holds 25,000 (the docs' worked example)
    assert round.selection["rule"] == "equal_shares"
    assert round.selection["steps"][0]["rho"] == "1/3"
    assert round.selection["winners"] == ["P-001", "P-002"]
    assert [s["action"] for s in round.selection["steps"]] == ["selected", "completion"]


def test_count_needs_a_note_before_the_vote_ends_and_at_least_one_ballot(world):
    round = make_round(world)
    propose(world, round, "A", "1000")
    propose(world, round, "B", "1000")
    round = to_vote(world, round)
    worker = world.users["community_worker"]
    with pytest.raises(ActionError) as err:
        actions.count_and_select(actor=worker, round=round)
    assert err.value.field == "note"
    with pytest.raises(ActionError) as err:
        actions.count_and_select(actor=worker, round=round, note="提前")
    assert err.value.code == "no_ballots"
    round.refresh_from_db()
    assert round.status == RoundStatus.VOTING


def test_implementation_acceptance_and_closing(world):
    round = make_round(world)
    propose(world, round, "A", "30000")
    propose(world, round, "B", "20000")
    round = to_vote(world, round)
    paper_ballots(world, round, [["P-001", "P-002"], ["P-001"]])
    round = actions.count_and_select(actor=world.users["community_worker"], round=round, note="t")
    open_fund(world, round)
    round = actions.approve_round(actor=world.users["street_official"], round=round, note="t")
    worker = world.users["community_worker"]
    p = Proposal.objects.get(round=round, number=1)
    assert p.status == Status.APPROVED and p.budget_line
    with pytest.raises(ActionError):  # acceptance only after implementation
        actions.record_acceptance(
            actor=worker,
            proposal=p,
            representatives=list("甲乙丙丁戊"),
            satisfaction=90,
            passed=True,
        )
    with pytest.raises(ActionError) as err:
        actions.report_progress(actor=worker, proposal=p, title="开工", percent=30, evidence=" ")
    assert err.value.field == "evidence"
    actions.report_progress(actor=worker, proposal=p, title="开工", percent=30, evidence="照片3张")
    p.refresh_from_db()
    assert p.status == Status.IMPLEMENTING
    with pytest.raises(ActionError) as err:
        actions.report_progress(actor=worker, proposal=p, title="倒退", percent=20, evidence="x")
    assert err.value.field == "percent"
    with pytest.raises(ActionError) as err:
        actions.record_acceptance(
            actor=worker,
            proposal=p,
            representatives=list("甲乙丙丁戊"),
            satisfaction=90,
            passed=True,
        )
    assert err.value.code == "not_finished"
    actions.report_progress(
        actor=worker, proposal=p, title="完工", percent=100, evidence="验收资料"
    )
    with pytest.raises(ActionError) as err:
        actions.record_acceptance(
            actor=worker, proposal=p, representatives=["甲", "乙"], satisfaction=90, passed=True
        )
    assert err.value.field == "representatives"  # the policy asks 5
    with pytest.raises(ActionError) as err:
        actions.record_acceptance(
            actor=worker,
            proposal=p,
            representatives=list("甲乙丙丁戊"),
            satisfaction=60,
            passed=False,
        )
    assert err.value.field == "note"
    actions.record_acceptance(
        actor=worker,
        proposal=p,
        representatives=list("甲乙丙丁戊"),
        satisfaction=60,
        passed=False,
        note="扶手高度不符,整改",
    )
    p.refresh_from_db()
    assert p.status == Status.IMPLEMENTING
    actions.record_acceptance(
        actor=worker,
        proposal=p,
        representatives=list("甲乙丙丁戊"),
        satisfaction="95.5",
        passed=True,
    )
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED
    assert Acceptance.objects.filter(proposal=p).count() == 2
    with pytest.raises(ActionError):
        actions.close_round(actor=worker, round=round)  # two projects still open
    actions.close_proposal(actor=worker, proposal=p, final_cost="29800.00")
    p.refresh_from_db()
    assert p.status == Status.CLOSED and p.final_cost == Decimal("29800.00")
    q = Proposal.objects.get(round=round, number=2)
    actions.report_progress(actor=worker, proposal=q, title="完工", percent=100, evidence="照片")
    actions.record_acceptance(
        actor=worker, proposal=q, representatives=list("甲乙丙丁戊"), satisfaction=99, passed=True
    )
    actions.close_proposal(actor=worker, proposal=q, final_cost="20000")
    round = actions.close_round(actor=worker, round=round)
    assert round.status == RoundStatus.CLOSED


def test_withdraw_and_cancel(world):
    round = make_round(world)
    p = propose(world, round, "A", "1000")
    with pytest.raises(NotAllowed):
        actions.withdraw_proposal(actor=world.users["owner"], proposal=p)
    actions.withdraw_proposal(actor=world.users["resident"], proposal=p)
    p.refresh_from_db()
    assert p.status == Status.WITHDRAWN
    with pytest.raises(ActionError):
        actions.cancel_round(actor=world.users["community_worker"], round=round, note="")
    round = actions.cancel_round(
        actor=world.users["community_worker"], round=round, note="预算调整"
    )
    assert round.status == RoundStatus.CANCELLED
