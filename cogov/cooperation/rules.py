"""Named permissions of co-construction (role matrix: docs/cooperation.md)."""

from __future__ import annotations

import rules

from . import predicates as p

# Needs
rules.set_perm("cooperation.raise_need", p.in_audience)  # a node
rules.set_perm("cooperation.triage_need", p.manages)  # triage, list, reject; record surveys
rules.set_perm("cooperation.claim_need", p.in_audience & p.acts_for_organization)
# Resources
rules.set_perm("cooperation.offer_resource", p.in_audience)  # a node
rules.set_perm("cooperation.review_resource", p.manages)  # list (verify), decline, claim
rules.set_perm("cooperation.withdraw_resource", p.offered_it | p.manages)
# Projects
rules.set_perm("cooperation.propose_project", p.manages)  # a node or a project
rules.set_perm("cooperation.decide_project", p.manages)  # put to the vote, record decision
rules.set_perm("cooperation.claim_project", p.in_audience & p.acts_for_organization)
rules.set_perm("cooperation.run_project", p.in_lead_unit | p.manages)  # start, deliver
rules.set_perm("cooperation.rate_project", p.raised_a_need_of | p.is_resident_there)
rules.set_perm("cooperation.evaluate_project", p.manages)
# Micro-wishes
rules.set_perm("cooperation.submit_wish", p.resident_anywhere | p.verifies)  # a node
rules.set_perm("cooperation.verify_wish", p.verifies)  # home visit, publish
rules.set_perm("cooperation.claim_wish", p.in_audience & ~p.is_beneficiary & ~p.submitted_it)
rules.set_perm("cooperation.fulfil_wish", p.holds_wish)
rules.set_perm("cooperation.acknowledge_wish", p.is_beneficiary | p.verifies)
rules.set_perm("cooperation.see_beneficiary", p.holds_wish | p.sees_people)
# Five-society linkage
rules.set_perm("cooperation.manage_linkage", p.manages)  # profiles, certifications, funds
rules.set_perm("cooperation.record_ledger", p.manages)
rules.set_perm("cooperation.add_participant", p.in_lead_unit | p.manages)
