"""Everything co-construction asks of the voting app: a project is deliberated by a vote
created, opened, closed and tallied through `cogov.voting.actions`. Nothing else in this app
imports `cogov.voting`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone


def open_project_vote(
    *, actor: Any, project: Any, body: str, organization: Any, closes_at: dt.datetime | None
) -> Any:
    """A yes/no vote on the project: the members of the deciding body (the joint party
    committee, or the residents' council as an organization), plain majority of the body; a
    residents' council without an organization votes by household representatives under the
    residents' meeting rule."""
    from cogov.voting import actions

    if organization is not None:
        electorate, rule = "body", "body_majority"
    else:
        electorate, rule = "households", "residents_meeting"
    vote = actions.create_vote(
        actor=actor,
        node=project.community,
        title=str(project.title)[:200],
        description=f"cooperation project {project.uuid}",
        electorate=electorate,
        rule=rule,
        opens_at=timezone.now(),
        closes_at=closes_at,
        organization=organization,
        secret=False,
    )
    return actions.open_vote(actor=actor, vote=vote)


def vote_of(project: Any) -> Any:
    from cogov.voting.models import Vote

    return Vote.objects.filter(uuid=project.vote_uuid).first()


def outcome(*, actor: Any, project: Any) -> str | None:
    """Close and tally the project's vote if still open; "passed", "failed", or None when the
    vote was cancelled or is missing."""
    from cogov.voting import actions

    vote = vote_of(project)
    if vote is None or vote.status == "cancelled":
        return None
    if vote.status == "open":
        vote = actions.close_vote(actor=actor, vote=vote)
    if vote.status == "closed":
        vote = actions.tally_vote(actor=actor, vote=vote)
    return str(vote.result.get("outcome"))


def cast(*, actor: Any, project: Any, choice: str) -> None:
    from cogov.voting import actions

    actions.cast_ballot(actor=actor, vote=vote_of(project), choice=choice)


def summary(project: Any) -> dict[str, Any] | None:
    vote = vote_of(project)
    if vote is None:
        return None
    return {
        "uuid": str(vote.uuid),
        "status": vote.status,
        "ballots": vote.ballot_count,
        "outcome": vote.result.get("outcome"),
        "summary": vote.result.get("summary", ""),
    }
