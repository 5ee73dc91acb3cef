"""Named permissions of co-construction, registered with their role matrix
(cogov.accounts.matrix.permission; docs/permissions.md, docs/cooperation.md). The cells come
from the role sets in access.py through predicates.coop_cell."""

from __future__ import annotations

from typing import Any

from cogov.accounts.matrix import permission

from . import predicates as p
from .predicates import coop_cell

NODE = "community node"


def _perm(name: str, predicate: Any, on: str, summary: str, rule: Any, condition: str = "") -> None:
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
    p.in_audience,
    NODE,
    "Raise a need (需求清单)",
    coop_cell(audience=True),
)
_perm(
    "cooperation.triage_need",
    p.manages,
    "need",
    "Triage, list or reject a need; record surveys",
    coop_cell(manage=True),
)
_perm(
    "cooperation.claim_need",
    p.in_audience & p.acts_for_organization,
    "need",
    "Claim a need for one's organization",
    coop_cell(audience=True, organizations_only=True),
)
# Resources
_perm(
    "cooperation.offer_resource",
    p.in_audience,
    NODE,
    "Offer a resource (资源清单)",
    coop_cell(audience=True),
)
_perm(
    "cooperation.review_resource",
    p.manages,
    "resource",
    "Verify and list, decline or claim a resource",
    coop_cell(manage=True),
)
_perm(
    "cooperation.withdraw_resource",
    p.offered_it | p.manages,
    "resource",
    "Withdraw a resource",
    coop_cell(manage=True, own=True),
    "others: what they or their organization offered",
)
# Projects
_perm(
    "cooperation.propose_project",
    p.manages,
    NODE,
    "Propose a project (项目清单) from needs and resources",
    coop_cell(manage=True),
)
_perm(
    "cooperation.decide_project",
    p.manages,
    "project",
    "Put a project to the deciding body, record the decision",
    coop_cell(manage=True),
)
_perm(
    "cooperation.claim_project",
    p.in_audience & p.acts_for_organization,
    "project",
    "Claim a project as the lead unit",
    coop_cell(audience=True, organizations_only=True),
)
_perm(
    "cooperation.run_project",
    p.in_lead_unit | p.manages,
    "project",
    "Start and deliver a project",
    coop_cell(manage=True, organization=True),
    "organizations: the projects they lead",
)
_perm(
    "cooperation.rate_project",
    p.raised_a_need_of | p.is_resident_there,
    "project",
    "Rate a delivered project",
    coop_cell(residents=True, own=True),
    "residents of its community, and whoever raised one of its needs",
)
_perm(
    "cooperation.evaluate_project",
    p.manages,
    "project",
    "Evaluate and archive a project",
    coop_cell(manage=True),
)
# Micro-wishes
_perm(
    "cooperation.submit_wish",
    p.resident_anywhere | p.verifies,
    NODE,
    "Submit a micro-wish (微心愿) for oneself or a resident",
    coop_cell(verify_community=True, residents=True),
    "grid workers submit for a resident on the wish's grid (checked as cooperation.verify_wish)",
)
_perm(
    "cooperation.verify_wish",
    p.verifies,
    "micro-wish",
    "Record the home visit and publish a micro-wish",
    coop_cell(verify=True),
)
_perm(
    "cooperation.claim_wish",
    p.in_audience & ~p.is_beneficiary & ~p.submitted_it,
    "micro-wish",
    "Claim a published micro-wish",
    coop_cell(audience=True),
    "not one's own or one submitted",
)
_perm(
    "cooperation.fulfil_wish",
    p.holds_wish,
    "micro-wish",
    "Deliver a claimed micro-wish",
    coop_cell(own=True),
    "the holder of the claim",
)
_perm(
    "cooperation.acknowledge_wish",
    p.is_beneficiary | p.verifies,
    "micro-wish",
    "Acknowledge the delivery",
    coop_cell(verify=True, beneficiary=True),
    "beneficiaries: their own",
)
_perm(
    "cooperation.see_beneficiary",
    p.holds_wish | p.sees_people,
    "micro-wish",
    "See who the beneficiary is (published wishes show a pseudonym)",
    coop_cell(people=True, own=True),
    "the holder of the claim",
)
# Five-society linkage
_perm(
    "cooperation.manage_linkage",
    p.manages,
    NODE,
    "Social organization profiles, certifications, charity funds",
    coop_cell(manage=True),
)
_perm(
    "cooperation.record_ledger",
    p.manages,
    "charity fund",
    "Record donations and spending of a charity fund",
    coop_cell(manage=True),
)
_perm(
    "cooperation.add_participant",
    p.in_lead_unit | p.manages,
    "project",
    "Add a participant (social worker, volunteer, fund) to a project",
    coop_cell(manage=True, organization=True),
    "organizations: the projects they lead",
)
