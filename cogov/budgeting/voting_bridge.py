"""Everything participatory budgeting asks of the voting app. The public vote is a vote of
cogov.voting created, opened, closed and tallied through `cogov.voting.actions`; its counts and
(anonymous, published) ballot contents are read through `cogov.voting.selectors`. Nothing else
in this app imports `cogov.voting`."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils import timezone


@dataclass
class Count:
    status: str
    outcome: str
    votes: dict[str, Fraction]  # option key → approvals (heads) or Borda points
    ballots: list[list[str]]  # each ballot's picks (approval and budget ballots)
    entitled: int
    participating: int
    result: dict[str, Any]


def open_round_vote(*, actor: Any, round: Any, proposals: list[Any], electorate: str) -> Any:
    """Create and open the round's vote: one option per proposal on the ballot (key = its
    reference, label = title, cost on a budget ballot), secret, written over the vote window."""
    from cogov.voting import actions

    options: list[dict[str, str]] = []
    for p in proposals:
        option = {"key": p.reference, "label": f"{p.reference} {p.title}"[:200]}
        if round.ballot_kind == "budget":
            option["cost"] = str(p.cost)
        options.append(option)
    opens_at = max(round.vote_opens_at, timezone.now())
    vote = actions.create_vote(
        actor=actor,
        node=round.node,
        title=str(round.title)[:200],
        description=f"participatory budgeting round {round.uuid}",
        electorate=electorate,
        rule="public_vote",
        opens_at=opens_at,
        closes_at=round.vote_closes_at,
        ballot_kind=round.ballot_kind,
        options=options,
        secret=True,
        budget_limit=round.budget if round.ballot_kind == "budget" else None,
    )
    return actions.open_vote(actor=actor, vote=vote)


def vote_of(round: Any) -> Any:
    from cogov.voting.selectors import vote_by_uuid

    return vote_by_uuid(round.vote_uuid)


def close_and_count(*, actor: Any, round: Any) -> Count:
    """Close the vote if it is still open, tally it (the ballot log is verified first), and
    return the counts the winner rule needs."""
    from cogov.voting import actions
    from cogov.voting.selectors import ballot_choices

    vote = vote_of(round)
    if vote is None:
        raise LookupError("the round has no vote")
    if vote.status == "open":
        vote = actions.close_vote(actor=actor, vote=vote)
    if vote.status == "closed":
        vote = actions.tally_vote(actor=actor, vote=vote)
    result = vote.result
    votes: dict[str, Fraction] = {}
    if vote.ballot_kind == "ranked":
        for row in result.get("ranking", []):
            votes[str(row["option"])] = Fraction(row["points"])
    else:
        for key, count in result.get("counts", {}).items():
            votes[str(key)] = Fraction(count["heads"])
    return Count(
        status=vote.status,
        outcome=str(result.get("outcome", "")),
        votes=votes,
        ballots=ballot_choices(vote) if vote.ballot_kind != "ranked" else [],
        entitled=int(vote.entitled_heads),
        participating=int(result.get("ballots", 0)),
        result=result,
    )


def results_context(round: Any) -> dict[str, Any] | None:
    from cogov.voting.selectors import results_context as voting_results

    vote = vote_of(round)
    if vote is None or not vote.result:
        return None
    return voting_results(vote)
