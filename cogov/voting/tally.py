"""Counting: totals, per-option counts, thresholds, outcome. Exact fractions throughout.

Ranked ballots use the Borda count: with n options, a ballot gives n-1 points to its first
preference, n-2 to the second, …; options it leaves unranked get 0. Ties in points are broken
by more first preferences, then by the order of the options on the ballot paper.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_noop

from .models import BallotKind, Vote
from .thresholds import Result, ThresholdSpec, frac_text


def _f(value: Any) -> Fraction:
    return Fraction(value)  # Decimal and int convert exactly


def tally(vote: Vote) -> Result:
    from .models import Ballot

    snapshot = vote.rule_snapshot or {}
    specs = [ThresholdSpec(**t) for t in snapshot.get("thresholds", [])]
    keys = vote.option_keys()
    heads: dict[str, Fraction] = defaultdict(Fraction)
    area: dict[str, Fraction] = defaultdict(Fraction)
    first: dict[str, int] = defaultdict(int)
    borda: dict[str, int] = defaultdict(int)
    part_heads = Fraction(0)
    part_area = Fraction(0)
    count = 0
    for b in Ballot.objects.filter(vote=vote).order_by("seq").only("choice", "heads", "area"):
        count += 1
        h, a = _f(b.heads), _f(b.area)
        part_heads += h
        part_area += a
        choice = [str(c) for c in b.choice]
        if vote.ballot_kind == BallotKind.RANKED:
            for position, key in enumerate(choice):
                borda[key] += (len(keys) - 1 - position) * b.heads
            if choice:
                first[choice[0]] += b.heads
        for key in choice if vote.ballot_kind != BallotKind.RANKED else choice[:1]:
            heads[key] += h
            area[key] += a

    entitled = {"heads": _f(vote.entitled_heads), "area": _f(vote.entitled_area)}
    participating = {"heads": part_heads, "area": part_area}
    result = Result(
        vote=str(vote.uuid),
        rule=str(snapshot.get("rule", vote.rule)),
        rule_basis=str(snapshot.get("basis", "")),
        rule_verified=bool(snapshot.get("verified", True)),
        ballot_kind=vote.ballot_kind,
        method="",
        entitled={k: frac_text(v) or "0" for k, v in entitled.items()},
        participating={k: frac_text(v) or "0" for k, v in participating.items()},
        counts={
            k: {"heads": frac_text(heads[k]) or "0", "area": frac_text(area[k]) or "0"}
            for k in keys
        },
        ballots=count,
    )

    def base_of(spec: ThresholdSpec, support_key: str | None) -> Fraction:
        m = spec.measure
        if spec.base == "entitled":
            return entitled[m]
        if spec.base == "participating":
            return participating[m]
        # decisive: for + against (abstentions left out)
        against = heads["against"] if m == "heads" else area["against"]
        return (heads if m == "heads" else area)[support_key or "for"] + against

    if vote.ballot_kind == BallotKind.YES_NO:
        result.method = gettext_noop("for / against / abstain; support = ballots for")
        support_key: str | None = "for"
        applicable = specs
    elif vote.ballot_kind == BallotKind.SINGLE:
        result.method = gettext_noop("single choice; support = ballots for the leading option")
        ordered = sorted(keys, key=lambda k: (-heads[k], -area[k], keys.index(k)))
        leader = ordered[0] if ordered else None
        tie = len(ordered) > 1 and (heads[ordered[0]], area[ordered[0]]) == (
            heads[ordered[1]],
            area[ordered[1]],
        )
        support_key = None if tie else leader
        applicable = specs
        result.winner = support_key
    else:
        support_key = None
        applicable = [s for s in specs if s.what == "participation"]
        if vote.ballot_kind == BallotKind.RANKED:
            result.method = gettext_noop(
                "Borda count (n-1 points for a first preference … 0 if unranked)"
            )
            ordered = sorted(keys, key=lambda k: (-borda[k], -first[k], keys.index(k)))
            result.ranking = [{"option": k, "points": borda[k], "first": first[k]} for k in ordered]
        else:
            result.method = (
                gettext_noop(
                    "approval within a budget: each option counts the ballots that pick it"
                )
                if vote.ballot_kind == BallotKind.BUDGET
                else gettext_noop("approval: each option counts the ballots that approve it")
            )
            ordered = sorted(keys, key=lambda k: (-heads[k], -area[k], keys.index(k)))
            result.ranking = [{"option": k, "approvals": frac_text(heads[k])} for k in ordered]
        result.winner = ordered[0] if ordered and count else None

    for spec in applicable:
        if spec.what == "participation":
            value = participating[spec.measure]
        elif support_key is None:
            value = Fraction(0)
        else:
            value = (heads if spec.measure == "heads" else area)[support_key]
        result.thresholds.append(spec.evaluate(value, base_of(spec, support_key)))

    all_passed = bool(result.thresholds) and all(t.passed for t in result.thresholds)
    if vote.ballot_kind == BallotKind.SINGLE and support_key is None:
        all_passed = False
    if vote.ballot_kind in (BallotKind.APPROVAL, BallotKind.RANKED, BallotKind.BUDGET):
        all_passed = all(t.passed for t in result.thresholds) and result.winner is not None
    result.outcome = "passed" if all_passed else "failed"
    return result
