"""The winner rules (cogov/budgeting/selection.py): properties with hypothesis and fixed,
hand-worked examples (docs/budgeting.md)."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from cogov.budgeting.selection import Candidate, equal_shares, greedy, lottery_key, order


def c(key: str, cost: int | str, votes: int, submitted: int | None = None) -> Candidate:
    return Candidate(key, F(cost), F(votes), submitted if submitted is not None else int(key[1:]))


# --- greedy


def test_greedy_skips_what_does_not_fit_and_continues():
    cands = [c("P1", 40, 6), c("P2", 30, 5), c("P3", 30, 4), c("P4", 20, 4), c("P5", 10, 2)]
    result = greedy(cands, F(100))
    assert result.order == ["P1", "P2", "P4", "P3", "P5"]  # P3/P4 tie: lower cost first
    assert result.winners == ["P1", "P2", "P4", "P5"]
    assert [s.action for s in result.steps] == [
        "selected", "selected", "selected", "skipped", "selected",
    ]  # fmt: skip
    assert result.spent == 100 and result.remaining == 0


def test_tie_rules():
    cands = [c("P1", 30, 4, 1), c("P2", 20, 4, 2)]
    assert [x.key for x in order(cands, "lower_cost")] == ["P2", "P1"]
    assert [x.key for x in order(cands, "earlier_submission")] == ["P1", "P2"]
    seed = "abc"
    by_lot = sorted(["P1", "P2"], key=lambda k: lottery_key(seed, k))
    assert [x.key for x in order(cands, "lottery", seed)] == by_lot
    # equal cost: lower cost cannot decide, earlier submission does
    same = [c("P1", 20, 4, 2), c("P2", 20, 4, 1)]
    assert [x.key for x in order(same, "lower_cost")] == ["P2", "P1"]


def test_lottery_key_is_sha256_of_seed_and_reference():
    import hashlib

    assert lottery_key("s", "P-001") == hashlib.sha256(b"s:P-001").hexdigest()


candidates = st.lists(
    st.tuples(st.integers(1, 500), st.integers(0, 30)), min_size=0, max_size=12
).map(lambda rows: [c(f"P{i}", cost, votes, i) for i, (cost, votes) in enumerate(rows, 1)])


@settings(max_examples=200, deadline=None)
@given(
    candidates,
    st.integers(0, 1500),
    st.sampled_from(["lower_cost", "earlier_submission", "lottery"]),
)
def test_greedy_never_exceeds_the_budget_and_is_maximal(cands, budget, tie_rule):
    result = greedy(cands, F(budget), tie_rule=tie_rule, seed="seed")
    cost = {x.key: x.cost for x in cands}
    spent = sum((cost[k] for k in result.winners), F(0))
    assert spent == result.spent <= budget
    left = F(budget) - spent
    assert all(cost[k] > left for k in cost if k not in result.winners)  # maximal
    # it follows the order: a winner is never preceded by a skipped one that fitted then
    assert result.order == [x.key for x in order(cands, tie_rule, "seed")]


# --- equal shares


def test_equal_shares_lackner_skowron_example():
    """Lackner & Skowron, "Multi-Winner Voting with Approval Preferences", Example 1 (the
    abcvoting test of Example 11): 12 voters, 4 seats (budget 4, unit costs). Phase one buys
    only a, at q = 1/8 per supporter, leaving each of its 8 supporters 5/24 and the others 1/3;
    nothing else is affordable (b and c: 3·5/24 + 1/3 = 23/24 < 1)."""
    profile = (
        [["a", "b"]] * 3
        + [["a", "c"]] * 3
        + [["a", "d"]] * 2
        + [["b", "c", "f"], ["e"], ["f"], ["g"]]
    )
    votes = {k: sum(k in b for b in profile) for k in "abcdefg"}
    cands = [Candidate(k, F(1), F(votes[k]), i) for i, k in enumerate("abcdefg")]
    for utility in ("approval", "cost"):  # unit costs: the two coincide
        result = equal_shares(cands, profile, F(4), utility=utility, completion="none")
        assert result.winners == ["a"]
        step = result.steps[0]
        assert step.rho == F(1, 8)
        assert set(step.payments.values()) == {F(1, 8)} and len(step.payments) == 8
        assert result.spent == 1
    # with the stated completion (greedy by votes over the rest): b, c, then d (2 votes, the
    # earliest of the 2-vote proposals d and f)
    completed = equal_shares(cands, profile, F(4), completion="greedy")
    assert completed.winners == ["a", "b", "c", "d"]
    assert [s.action for s in completed.steps] == [
        "selected",
        "completion",
        "completion",
        "completion",
    ]


def test_equal_shares_is_proportional_where_greedy_is_not():
    """51 voters like red projects, 49 blue; ten projects of each colour cost 1, budget 10.
    Greedy gives all ten to the majority; equal shares gives 5 and 5 (the example of
    Peters & Skowron / equalshares.net)."""
    red = [Candidate(f"R{i}", F(1), F(51), i) for i in range(10)]
    blue = [Candidate(f"B{i}", F(1), F(49), 10 + i) for i in range(10)]
    ballots = [[x.key for x in red]] * 51 + [[x.key for x in blue]] * 49
    assert all(k.startswith("R") for k in greedy(red + blue, F(10)).winners)
    mes = equal_shares(red + blue, ballots, F(10), completion="none")
    assert sorted(k[0] for k in mes.winners).count("R") == 5
    assert sorted(k[0] for k in mes.winners).count("B") == 4  # 49 × 10/100 = 4.9: four blue
    full = equal_shares(red + blue, ballots, F(10), completion="greedy")
    assert len(full.winners) == 10


def test_equal_shares_cost_utilities_worked_example():
    """docs/budgeting.md, worked example: budget 100, 4 voters (25 each).
    P1 (cost 60) approved by v1 v2 v3; P2 (cost 40) by v3 v4; P3 (cost 30) by v4.
    Round 1: P1: 3 payers, 20 each, ρ = 20/60 = 1/3; P2: 20 each, ρ = 1/2;
    P3: v4 alone has 25 < 30, not affordable. Buy P1 (v1, v2, v3 keep 5).
    Round 2: P2: v3 has 5 and v4 25, together 30 < 40: not affordable; P3 still not.
    Stop: winners [P1], 40 left. The greedy completion goes by votes: P2 (2 votes, 40 ≤ 40)
    is added, then P3 (30) no longer fits."""
    cands = [c("P1", 60, 3), c("P2", 40, 2), c("P3", 30, 1)]
    ballots = [["P1"], ["P1"], ["P1", "P2"], ["P2", "P3"]]
    result = equal_shares(cands, ballots, F(100), completion="none")
    assert result.winners == ["P1"]
    assert result.steps[0].rho == F(1, 3)
    assert result.steps[0].payments == {0: F(20), 1: F(20), 2: F(20)}
    completed = equal_shares(cands, ballots, F(100))
    assert completed.winners == ["P1", "P2"]


ballots_st = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.tuples(st.integers(1, 300), st.integers(0, 0)), min_size=1, max_size=7),
        st.lists(st.lists(st.integers(0, 6), max_size=7), min_size=n, max_size=n),
    )
)


@settings(max_examples=200, deadline=None)
@given(ballots_st, st.integers(1, 1200), st.sampled_from(["cost", "approval"]))
def test_equal_shares_budget_share_invariant(data, budget, utility):
    rows, raw_ballots = data
    keys = [f"P{i}" for i in range(len(rows))]
    ballots = [[keys[i] for i in set(b) if i < len(keys)] for b in raw_ballots]
    votes = {k: sum(k in b for b in ballots) for k in keys}
    cands = [
        c(k, cost, votes[k], i) for i, (k, (cost, _v)) in enumerate(zip(keys, rows, strict=True))
    ]
    result = equal_shares(cands, ballots, F(budget), utility=utility, completion="none")
    share = F(budget) / len(ballots)
    paid = [F(0)] * len(ballots)
    cost = {x.key: x.cost for x in cands}
    for step in result.steps:
        assert sum(step.payments.values()) == step.cost  # paid exactly by supporters
        for voter, amount in step.payments.items():
            assert step.key in ballots[voter]  # only supporters pay
            paid[voter] += amount
    assert all(p <= share for p in paid)  # nobody pays more than budget / n
    assert sum((cost[k] for k in result.winners), F(0)) <= budget
    completed = equal_shares(cands, ballots, F(budget), utility=utility, completion="greedy")
    assert sum((cost[k] for k in completed.winners), F(0)) <= budget
    assert completed.winners[: len(result.winners)] == result.winners
