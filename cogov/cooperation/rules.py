"""Named permissions of co-construction, registered with their role matrix
(cogov.accounts.matrix.permission; docs/permissions.md, docs/cooperation.md). The cells come
from the role sets in access.py through predicates.coop_cell."""

from __future__ import annotations

from typing import Any

from cogov.accounts.matrix import permission

from . import predicates as p
from .predicates import coop_cell

NODE = "community node"

# Who may act, as (predicate, matrix cell) pairs: the ones several permissions share.
MANAGERS = (p.manages, coop_cell(manage=True))
AUDIENCE = (p.in_audience, coop_cell(audience=True))
CLAIMING_UNITS = (
    p.in_audience & p.acts_for_organization,
    coop_cell(audience=True, organizations_only=True),
)
LEAD_UNIT_OR_MANAGERS = (p.in_lead_unit | p.manages, coop_cell(manage=True, organization=True))
LEAD_UNIT = "organizations: the projects they lead"


def _perm(name: str, who: tuple[Any, Any], on: str, summary: str, condition: str = "") -> None:
    predicate, rule = who
    permission(
        name,
        capability="cooperation",
        on=on,
        summary=summary,
        predicate=predicate,
        rule=rule,
        condition=condition,
    )


# Needs
_perm(
    "cooperation.raise_need",
    AUDIENCE,
    NODE,
    "Raise a need (需求清单)",
)
_perm(
    "cooperation.triage_need",
    MANAGERS,
    "need",
    "Triage, list or reject a need; record surveys",
)
_perm(
    "cooperation.claim_need",
    CLAIMING_UNITS,
    "need",
    "Claim a need for one's organization",
)
# Resources
_perm(
    "cooperation.offer_resource",
    AUDIENCE,
    NODE,
    "Offer a resource (资源清单)",
)
_perm(
    "cooperation.review_resource",
    MANAGERS,
    "resource",
    "Verify and list, decline or claim a resource",
)
_perm(
    "cooperation.withdraw_resource",
    (p.offered_it | p.manages, coop_cell(manage=True, own=True)),
    "resource",
    "Withdraw a resource",
    "others: what they or their organization offered",
)
# Projects
_perm(
    "cooperation.propose_project",
    MANAGERS,
    NODE,
    "Propose a project (项目清单) from needs and resources",
)
_perm(
    "cooperation.decide_project",
    MANAGERS,
    "project",
    "Put a project to the deciding body, record the decision",
)
_perm(
    "cooperation.claim_project",
    CLAIMING_UNITS,
    "project",
    "Claim a project as the lead unit",
)
_perm(
    "cooperation.run_project",
    LEAD_UNIT_OR_MANAGERS,
    "project",
    "Start and deliver a project",
    LEAD_UNIT,
)
_perm(
    "cooperation.rate_project",
    (p.raised_a_need_of | p.is_resident_there, coop_cell(residents=True, own=True)),
    "project",
    "Rate a delivered project",
    "residents of its community, and whoever raised one of its needs",
)
_perm(
    "cooperation.evaluate_project",
    MANAGERS,
    "project",
    "Evaluate and archive a project",
)
# Micro-wishes
_perm(
    "cooperation.submit_wish",
    (p.resident_anywhere | p.verifies, coop_cell(verify_community=True, residents=True)),
    NODE,
    "Submit a micro-wish (微心愿) for oneself or a resident",
    "grid workers submit for a resident on the wish's grid (checked as cooperation.verify_wish)",
)
_perm(
    "cooperation.verify_wish",
    (p.verifies, coop_cell(verify=True)),
    "micro-wish",
    "Record the home visit and publish a micro-wish",
)
_perm(
    "cooperation.claim_wish",
    (p.in_audience & ~p.is_beneficiary & ~p.submitted_it, coop_cell(audience=True)),
    "micro-wish",
    "Claim a published micro-wish",
    "not one's own or one submitted",
)
_perm(
    "cooperation.fulfil_wish",
    (p.holds_wish, coop_cell(own=True)),
    "micro-wish",
    "Deliver a claimed micro-wish",
    "the holder of the claim",
)
_perm(
    "cooperation.acknowledge_wish",
    (p.is_beneficiary | p.verifies, coop_cell(verify=True, beneficiary=True)),
    "micro-wish",
    "Acknowledge the delivery",
    "beneficiaries: their own",
)
_perm(
    "cooperation.see_beneficiary",
    (p.holds_wish | p.sees_people, coop_cell(people=True, own=True)),
    "micro-wish",
    "See who the beneficiary is (published wishes show a pseudonym)",
    "the holder of the claim",
)
# Five-society linkage
_perm(
    "cooperation.manage_linkage",
    MANAGERS,
    NODE,
    "Social organization profiles, certifications, charity funds",
)
_perm(
    "cooperation.record_ledger",
    MANAGERS,
    "charity fund",
    "Record donations and spending of a charity fund",
)
_perm(
    "cooperation.add_participant",
    LEAD_UNIT_OR_MANAGERS,
    "project",
    "Add a participant (social worker, volunteer, fund) to a project",
    LEAD_UNIT,
)
