"""Named permissions of participatory budgeting, with their role matrix
(docs/permissions.md, docs/budgeting.md)."""

from __future__ import annotations

from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE, permission
from cogov.accounts.roles import VERIFY, Role

from . import predicates as p

ON = "budgeting round (its area)"


def _area(role: Role) -> str:
    return ALLOWED if role.scope == "global" else OWN_SCOPE


def _proposer(role: Role) -> str:
    if role.scope == "global":
        return ALLOWED
    if role.scope == "node":
        return OWN_SCOPE if role.level in ("community", "grid") else DENIED
    return DENIED if "department" in role.org_kinds else OWN_SCOPE


def _staff(role: Role) -> str:
    if role.scope == "global":
        return ALLOWED
    return OWN_SCOPE if role.can(VERIFY) and role.level == "community" else DENIED


def _only(key: str):  # type: ignore[no-untyped-def]
    def cell(role: Role) -> str:
        if role.scope == "global":
            return ALLOWED
        return OWN_SCOPE if role.key == key else DENIED

    return cell


permission(
    "budgeting.view_round",
    capability=VERIFY,
    on=ON,
    rule=_area,
    summary="See a round, its proposals and their outcomes (the public results page needs no "
    "account)",
    condition="roles whose scope overlaps the round's area, organizations based there; drafts: "
    "community staff only",
    predicate=p.reaches_area,
)
permission(
    "budgeting.submit_proposal",
    capability=VERIFY,
    on=ON,
    rule=_proposer,
    summary="Submit a proposal with its cost estimate (staff: one handed in on paper)",
    condition="while the collection window is open",
    predicate=p.may_propose,
)
permission(
    "budgeting.manage_round",
    capability=VERIFY,
    on=ON,
    rule=_staff,
    summary="Create a round, move its phases, screen proposals (with reasons), run the vote, "
    "count, report progress, record acceptance, close",
    predicate=p.is_round_staff,
)
permission(
    "budgeting.review_council",
    capability=VERIFY,
    on=ON,
    rule=_only("party_secretary"),
    summary="Record the residents' council's review of a proposal (members, present, votes)",
    predicate=p.is_council_recorder,
)
permission(
    "budgeting.approve_round",
    capability=VERIFY,
    on=ON,
    rule=_only("street_official"),
    summary="Approve the winners (立项) and commit their money in the funds ledger",
    condition="also needs funds.commit on the fund",
    predicate=p.is_street_approver,
)
