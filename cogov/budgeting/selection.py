"""Winner selection for participatory budgeting: plain, typed, pure functions (no database).

Everything is exact: costs, budgets, votes and payments are `fractions.Fraction`
(a `Decimal` of yuan converts exactly). The definitions, formulas and worked examples are in
docs/budgeting.md ("Choosing the winners"); keep the two in step.

- `order(candidates, tie_rule, seed)`: votes descending, then the round's tie rule, then the
  fallbacks (earlier submission, lower reference). A total, deterministic order.
- `greedy(...)`: the default rule. Go down that order and add every proposal whose cost still
  fits the remaining budget; a proposal that does not fit is SKIPPED and the walk CONTINUES
  with the next one ("greedy with skipping"). The result is maximal: no proposal left out
  fits in the money left over.
- `equal_shares(...)`: the Method of Equal Shares (Peters & Skowron 2020; Peters, Pierczyński &
  Skowron 2021) for approval ballots. Each of the n voters starts with budget / n. A proposal
  costing c is ρ-affordable when its supporters can pay for it with each paying
  min(their money left, ρ × u_i(c)); the rule repeatedly buys the proposal with the smallest ρ,
  and stops when none is affordable. Utilities are `"cost"` (u_i(c) = c for a supporter, as
  equalshares.net does by default for approval ballots) or `"approval"` (u_i(c) = 1).
  Completion (what happens to money left unspent) is stated by `completion`: `"none"` stops
  there; `"greedy"` then fills the rest with `greedy` over the proposals not yet chosen, by votes
  (the utilitarian completion).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

TieRule = Literal["lower_cost", "earlier_submission", "lottery"]
TIE_RULES: tuple[str, ...] = ("lower_cost", "earlier_submission", "lottery")
Utility = Literal["cost", "approval"]
Completion = Literal["none", "greedy"]


@dataclass(frozen=True)
class Candidate:
    """A proposal as the selection sees it. `key` is its stable public reference ("P-007");
    `submitted` is its submission order (smaller = earlier)."""

    key: str
    cost: Fraction
    votes: Fraction
    submitted: int


@dataclass
class Step:
    """One line of the published explanation."""

    key: str
    action: str  # "selected", "skipped" (does not fit), "not_affordable" (MES), "completion"
    cost: Fraction
    votes: Fraction
    remaining_after: Fraction
    rho: Fraction | None = None
    payments: dict[int, Fraction] | None = None  # MES: voter index → payment


@dataclass
class Selection:
    rule: str
    budget: Fraction
    winners: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    spent: Fraction = Fraction(0)
    order: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> Fraction:
        return self.budget - self.spent


def lottery_key(seed: str, key: str) -> str:
    """The published lottery order of a proposal: SHA-256 of "<seed>:<key>" (hex); smaller
    first. Anyone can recompute it from the round's public seed."""
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def sort_key(
    c: Candidate, tie_rule: str, seed: str = ""
) -> tuple[Fraction, str | Fraction | int, int, str]:
    """Votes descending; then the tie rule; then earlier submission; then the reference."""
    if tie_rule == "lower_cost":
        tie: str | Fraction | int = c.cost
    elif tie_rule == "earlier_submission":
        tie = c.submitted
    elif tie_rule == "lottery":
        tie = lottery_key(seed, c.key)
    else:
        raise ValueError(f"unknown tie rule {tie_rule!r}")
    return (-c.votes, tie, c.submitted, c.key)


def order(candidates: Iterable[Candidate], tie_rule: str, seed: str = "") -> list[Candidate]:
    return sorted(candidates, key=lambda c: sort_key(c, tie_rule, seed))


def greedy(
    candidates: Sequence[Candidate],
    budget: Fraction,
    *,
    tie_rule: str = "lower_cost",
    seed: str = "",
    _rule: str = "greedy",
) -> Selection:
    """Greedy by votes within the budget, with skipping (see the module docstring)."""
    budget = Fraction(budget)
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    result = Selection(rule=_rule, budget=budget)
    remaining = budget
    for c in order(candidates, tie_rule, seed):
        result.order.append(c.key)
        if c.cost <= remaining:
            remaining -= c.cost
            result.winners.append(c.key)
            result.steps.append(Step(c.key, "selected", c.cost, c.votes, remaining))
        else:
            result.steps.append(Step(c.key, "skipped", c.cost, c.votes, remaining))
    result.spent = budget - remaining
    return result


def equal_shares(
    candidates: Sequence[Candidate],
    ballots: Sequence[Iterable[str]],
    budget: Fraction,
    *,
    tie_rule: str = "lower_cost",
    seed: str = "",
    utility: Utility = "cost",
    completion: Completion = "greedy",
) -> Selection:
    """The Method of Equal Shares over approval ballots (each ballot: the keys it approves).

    Every voter i starts with b_i = budget / n (n = number of ballots, empty ballots included:
    they hold a share and spend it on nothing). In each round, for each proposal c not yet
    chosen, with supporters S_c and cost cost(c), find the smallest ρ ≥ 0 with

        Σ_{i ∈ S_c} min(b_i, ρ · u_i(c)) = cost(c)

    (none if Σ b_i < cost(c)). Buy the proposal with the smallest ρ (ties: more votes, then
    the tie rule), charge each supporter min(b_i, ρ · u_i(c)), and repeat. Stop when nothing
    is affordable; then apply `completion`.

    Invariant (tested): nobody pays more than budget / n in total, and every bought proposal is
    paid exactly by its supporters, so the winners never exceed the budget.
    """
    budget = Fraction(budget)
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    supporters: dict[str, list[int]] = {c.key: [] for c in candidates}
    n = 0
    for i, ballot in enumerate(ballots):
        n += 1
        for key in set(ballot):
            if key in supporters:
                supporters[key].append(i)
    result = Selection(rule="equal_shares", budget=budget)
    ranked = order(candidates, tie_rule, seed)
    result.order = [c.key for c in ranked]
    if n == 0:
        return result
    share = budget / n
    money = [share] * n
    chosen: set[str] = set()
    spent = Fraction(0)
    while True:
        best: tuple[Fraction, tuple[object, ...], Candidate] | None = None
        for c in ranked:
            if c.key in chosen:
                continue
            rho = _rho(c, supporters[c.key], money, utility)
            if rho is None:
                continue
            rank = (rho, sort_key(c, tie_rule, seed))
            if best is None or rank < (best[0], best[1]):
                best = (rho, sort_key(c, tie_rule, seed), c)
        if best is None:
            break
        rho, _rank, c = best
        u = _utility(c, utility)
        payments: dict[int, Fraction] = {}
        for i in supporters[c.key]:
            pay = min(money[i], rho * u)
            if pay:
                payments[i] = pay
                money[i] -= pay
        chosen.add(c.key)
        spent += c.cost
        result.winners.append(c.key)
        result.steps.append(
            Step(c.key, "selected", c.cost, c.votes, budget - spent, rho=rho, payments=payments)
        )
    result.spent = spent
    if completion == "greedy":
        left = [c for c in candidates if c.key not in chosen]
        rest = greedy(left, budget - spent, tie_rule=tie_rule, seed=seed)
        for step in rest.steps:
            if step.action == "selected":
                result.winners.append(step.key)
                spent += step.cost
                result.steps.append(
                    Step(step.key, "completion", step.cost, step.votes, budget - spent)
                )
        result.spent = spent
    elif completion != "none":
        raise ValueError(f"unknown completion {completion!r}")
    return result


def _utility(c: Candidate, utility: str) -> Fraction:
    if utility == "cost":
        return c.cost if c.cost > 0 else Fraction(1)
    if utility == "approval":
        return Fraction(1)
    raise ValueError(f"unknown utility {utility!r}")


def _rho(c: Candidate, who: list[int], money: list[Fraction], utility: str) -> Fraction | None:
    """The smallest ρ with Σ_{i ∈ who} min(money_i, ρ·u) = cost, or None if unaffordable.

    All supporters have the same utility u for c, so payments are min(money_i, ρu): sort the
    supporters by money; the poorest pay all they have while the rest share the remainder
    equally. Exact."""
    if c.cost == 0:
        return Fraction(0)
    if not who:
        return None
    u = _utility(c, utility)
    purses = sorted(money[i] for i in who)
    if sum(purses) < c.cost:
        return None
    remaining = c.cost
    k = len(purses)
    for index, purse in enumerate(purses):
        equal = remaining / (k - index)  # what each remaining supporter would pay
        if purse >= equal:
            return equal / u
        remaining -= purse
    return None  # unreachable: the sum covers the cost


def winners_fit(selection: Selection, costs: dict[str, Fraction]) -> bool:
    return sum((costs[k] for k in selection.winners), Fraction(0)) <= selection.budget
