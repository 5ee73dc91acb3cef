"""Predicates of voting: community staff organise, electors vote, the area sees the results."""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.predicates import capability_over
from cogov.accounts.roles import VERIFY
from cogov.accounts.scopes import reach

# Staff who may confirm residents and owners over the vote's community organise its votes:
# they hold the electoral roll (party secretary, community workers, administrators).
is_organiser = capability_over(VERIFY)


@rules.predicate
def is_elector(user: Any, vote: Any) -> bool:
    """The user's account is one of the snapshot's accounts for this vote."""
    from .models import ElectorAccount

    if vote is None or not getattr(user, "pk", None):
        return False
    return ElectorAccount.objects.filter(vote=vote, user=user).exists()


@rules.predicate
def reaches_vote(user: Any, vote: Any) -> bool:
    """Any role whose territorial scope contains the vote's community (residents included)."""
    if vote is None:
        return False
    r = reach(user)
    return r.everything or any(vote.node.path.startswith(p) for p in r.node_paths)


@rules.predicate
def results_published(user: Any, vote: Any) -> bool:
    from .models import Status

    return vote is not None and vote.status in (Status.CLOSED, Status.TALLIED)


@rules.predicate
def is_secret(user: Any, vote: Any) -> bool:
    return vote is not None and bool(vote.secret)


can_view_vote = is_organiser | reaches_vote | is_elector
# A running secret vote shows no count and no ballot log to anyone, staff included: watching the
# count move while watching who votes would link a voter to a choice. Open votes show organisers
# the provisional count.
can_view_results = ((is_organiser | reaches_vote | is_elector) & results_published) | (
    is_organiser & ~is_secret
)
