"""Named permissions of voting, declared with the role matrix (docs/permissions.md)."""

from __future__ import annotations

from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE, permission
from cogov.accounts.roles import VERIFY, Role

from . import predicates as p


def _organiser(role: Role) -> str:
    """Staff with `verify` over the vote's community (a grid is below a community's vote)."""
    if role.scope == "global":
        return ALLOWED
    return OWN_SCOPE if role.can(VERIFY) and role.level == "community" else DENIED


def _in_territory(role: Role) -> str:
    """Organisers, and any role whose territorial scope contains the vote's community."""
    if role.scope == "global":
        return ALLOWED
    if role.scope == "node" and role.level in ("district", "street", "community"):
        return OWN_SCOPE
    return DENIED


def _electors_only(role: Role) -> str:
    return DENIED


ON = "vote (its community)"
permission(
    "voting.view_vote",
    capability=VERIFY,
    on=ON,
    rule=_in_territory,
    summary="See a vote and its ballot page",
    condition="electors of the vote see it whatever their role",
    predicate=p.can_view_vote,
)
permission(
    "voting.organize_vote",
    capability=VERIFY,
    on=ON,
    rule=_organiser,
    summary="Create, open, close and tally votes; print voting codes; export participation",
    predicate=p.is_organiser,
)
permission(
    "voting.record_ballot",
    capability=VERIFY,
    on=ON,
    rule=_organiser,
    summary="Enter paper ballots and proxy ballots (with the written authorisation)",
    predicate=p.is_organiser,
)
permission(
    "voting.cast_ballot",
    capability=VERIFY,
    on=ON,
    rule=_electors_only,
    summary="Cast one's own ballot",
    condition="only accounts on the vote's electoral roll (snapshot when it opens), whatever "
    "the role",
    predicate=p.is_elector,
)
permission(
    "voting.view_results",
    capability=VERIFY,
    on=ON,
    rule=_in_territory,
    summary="See the results (every threshold, counts, chart)",
    condition="once the vote is closed; organisers see an open vote's provisional count, "
    "never a running secret vote's; electors always",
    predicate=p.can_view_results,
)
permission(
    "voting.verify_vote",
    capability=VERIFY,
    on=ON,
    rule=_in_territory,
    summary="Verify the hash-chained ballot log and download it",
    condition="as voting.view_results",
    predicate=p.can_view_results,
)
