"""Issue 7, done means: a round whose budget cannot fund all top proposals, with a tie at the
margin; the winners follow the documented rule exactly and the ledger shows the commitments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cogov.budgeting import actions, selection
from cogov.budgeting.models import Proposal, RoundStatus, Status
from cogov.core.errors import ActionError

from .conftest import open_fund, paper_ballots, propose, to_vote

pytestmark = pytest.mark.django_db

# (title, cost); approvals below: A 6, B 5, C 4, D 4 (the tie), E 2
PROPOSALS = [
    ("A 加装楼道扶手", "40000"),
    ("B 口袋公园", "30000"),
    ("C 老年食堂桌椅", "30000"),
    ("D 路灯更换", "20000"),
    ("E 宣传栏", "10000"),
]
BALLOTS = [
    ["P-001", "P-002", "P-003", "P-004", "P-005"],
    ["P-001", "P-002", "P-003", "P-004", "P-005"],
    ["P-001", "P-002", "P-003", "P-004"],
    ["P-001", "P-002", "P-003", "P-004"],
    ["P-001", "P-002"],
    ["P-001"],
    [],
]


def run_round(world, tie_rule="lower_cost", **kw):  # type: ignore[no-untyped-def]
    from .conftest import make_round

    round = make_round(world, budget="100000", tie_rule=tie_rule, **kw)
    for title, cost in PROPOSALS:
        propose(world, round, title, cost)
    round = to_vote(world, round)
    paper_ballots(world, round, BALLOTS)
    return actions.count_and_select(
        actor=world.users["community_worker"], round=round, note="测试:提前计票"
    )


def status_of(round):  # type: ignore[no-untyped-def]
    return {p.reference: p.status for p in Proposal.objects.filter(round=round)}


def test_greedy_lower_cost_first_skips_what_does_not_fit(world):
    round = run_round(world)
    # Top four cost 120,000 > 100,000. C and D tie at 4 votes: D is cheaper and goes first;
    # after A, B, D 10,000 is left: C (30,000) is skipped, E (10,000) still fits.
    assert round.status == RoundStatus.SELECTED
    assert round.selection["winners"] == ["P-001", "P-002", "P-004", "P-005"]
    assert round.selection["order"] == ["P-001", "P-002", "P-004", "P-003", "P-005"]
    assert [s["action"] for s in round.selection["steps"]] == [
        "selected", "selected", "selected", "skipped", "selected",
    ]  # fmt: skip
    assert round.selection["spent"] == "100000" and round.selection["remaining"] == "0"
    assert round.selection["votes"] == {
        "P-001": "6", "P-002": "5", "P-003": "4", "P-004": "4", "P-005": "2",
    }  # fmt: skip
    assert status_of(round) == {
        "P-001": Status.WON, "P-002": Status.WON, "P-003": Status.LOST,
        "P-004": Status.WON, "P-005": Status.WON,
    }  # fmt: skip
    assert Proposal.objects.get(round=round, number=3).votes == "4"


def test_earlier_submission_breaks_the_same_tie_the_other_way(world):
    round = run_round(world, tie_rule="earlier_submission")
    # C (P-003, submitted before D) takes the last 30,000; D and E no longer fit.
    assert round.selection["winners"] == ["P-001", "P-002", "P-003"]
    assert round.selection["steps"][3]["action"] == "skipped"  # D
    assert round.selection["steps"][4]["action"] == "skipped"  # E


def test_lottery_uses_the_published_seed(world):
    round = run_round(world, tie_rule="lottery")
    c_key = selection.lottery_key(round.seed, "P-003")
    d_key = selection.lottery_key(round.seed, "P-004")
    expected = (
        ["P-001", "P-002", "P-003"] if c_key < d_key else ["P-001", "P-002", "P-004", "P-005"]
    )
    assert round.selection["winners"] == expected
    assert round.selection["lottery"]["P-003"] == c_key
    created = round.events.get(to_status=RoundStatus.DRAFT)
    assert created.evidence["seed"] == round.seed  # published when the round was created


def test_approval_commits_every_winner_in_the_ledger(world):
    from cogov.funds.selectors import balances

    round = run_round(world)
    fund = open_fund(world, round, amount="150000")
    round = actions.approve_round(
        actor=world.users["street_official"], round=round, note="公示期内经街道审核提前立项(测试)"
    )
    assert round.status == RoundStatus.APPROVED
    winners = Proposal.objects.filter(round=round, status=Status.APPROVED).order_by("number")
    assert [p.reference for p in winners] == ["P-001", "P-002", "P-004", "P-005"]
    from cogov.budgeting.funds_bridge import commitments

    lines = commitments(round)
    assert [(c["title"][:5], c["amount"]) for c in lines] == [
        ("P-001", Decimal("40000.00")),
        ("P-002", Decimal("30000.00")),
        ("P-004", Decimal("20000.00")),
        ("P-005", Decimal("10000.00")),
    ]
    assert all(c["line"].decided_by_residents for c in lines)
    assert all(c["entries"] and c["entries"][0]["kind"] == "commitment" for c in lines)
    b = balances(fund)
    assert b.committed == Decimal("100000.00")
    assert b.available == Decimal("50000.00")
    assert b.reconciles
    from cogov.funds.models import JournalLine

    for c in lines:
        rows = JournalLine.objects.filter(entry__budget=c["line"])
        assert sum(r.debit for r in rows) == sum(r.credit for r in rows) == c["amount"]


def test_approval_is_all_or_nothing(world):
    from cogov.funds.models import ProjectBudget
    from cogov.funds.selectors import balances

    round = run_round(world)
    fund = open_fund(world, round, amount="90000")  # the fourth winner no longer fits
    with pytest.raises(ActionError) as err:
        actions.approve_round(actor=world.users["street_official"], round=round, note="提前(测试)")
    assert err.value.message.startswith("P-005")
    round.refresh_from_db()
    assert round.status == RoundStatus.SELECTED
    assert not ProjectBudget.objects.filter(fund=fund).exists()
    assert balances(fund).committed == 0
    assert set(status_of(round).values()) == {Status.WON, Status.LOST}


def test_approval_needs_a_fund_and_waits_for_the_publicity_period(world):
    round = run_round(world)
    street = world.users["street_official"]
    with pytest.raises(ActionError) as err:
        actions.approve_round(actor=street, round=round)
    assert err.value.field == "note"  # published for 7 days first
    with pytest.raises(ActionError) as err:
        actions.approve_round(actor=street, round=round, note="提前")
    assert err.value.code == "no_fund"


def test_public_results_page_shows_rule_tie_and_commitments(world, client):
    round = run_round(world)
    open_fund(world, round)
    actions.approve_round(actor=world.users["street_official"], round=round, note="提前(测试)")
    page = client.get(f"/budgeting/{round.uuid}/results/")  # anonymous
    assert page.status_code == 200
    html = page.content.decode()
    assert "skipped: does not fit" in html
    assert 'data-step="P-003"' in html and ">tie<" in html
    assert "Commitments in the funds ledger" in html and "40000.00" in html
