"""Named permissions of the people app. See docs/permissions.md for the matrix."""

from __future__ import annotations

from cogov.accounts.matrix import permission
from cogov.accounts.predicates import capability_over
from cogov.accounts.roles import IMPORT_ROSTER, OWN_HOUSEHOLD, PEOPLE, REVEAL_PII, VERIFY

from . import predicates as p

permission(
    "people.view_person",
    capability=PEOPLE,
    also=(OWN_HOUSEHOLD,),
    on="resident",
    summary="See a resident (masked numbers); residents and owners see their own household",
    predicate=p.can_view_person,
)
permission(
    "people.reveal_pii",
    capability=REVEAL_PII,
    on="resident",
    summary="See a resident's identity and phone numbers (every reveal is logged)",
    predicate=p.can_reveal_pii,
)
permission(
    "people.manage_person",
    capability=VERIFY,
    on="resident, household or grid",
    summary="Add residents, edit them, move them between households",
    predicate=p.can_manage_person,
)
permission(
    "people.import_roster",
    capability=IMPORT_ROSTER,
    on="community node",
    summary="Import a household roster (Excel/CSV) into a community",
    predicate=capability_over(IMPORT_ROSTER),
)
permission(
    "people.verify",
    capability=VERIFY,
    on="verification",
    summary="Confirm or reject a resident's or owner's claim",
    predicate=p.can_verify,
    condition="not one's own claim",
)
permission(
    "people.record_proxy",
    capability=VERIFY,
    on="resident",
    summary="Record or revoke a written proxy authorisation of a resident",
    predicate=p.can_manage_person,
)
permission(
    "people.act_for",
    capability=VERIFY,
    on="resident",
    summary="Act for a resident without a phone (vote, report, sign up)",
    predicate=p.can_act_for,
    condition="a proxy authorisation from that resident to this user is in force",
)
