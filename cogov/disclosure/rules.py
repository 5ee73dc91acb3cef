"""Named permissions of the disclosure app, registered with their role matrix
(cogov.accounts.matrix.permission; docs/permissions.md, docs/disclosure.md). The cells come from
predicates.DISCLOSURE_ROLES through `disclosure_cell`. Reading the public board needs none."""

from __future__ import annotations

from typing import Any

from cogov.accounts.matrix import permission

from .predicates import (
    ANSWER,
    APPROVE,
    APPROVE_ESCALATED,
    COMPLIANCE,
    PROPOSE,
    REVIEW,
    VIEW,
    can_answer,
    can_approve,
    can_approve_escalated,
    can_propose,
    can_review,
    can_see_compliance,
    can_view,
    disclosure_cell,
    lives_or_serves_in,
    objection_cell,
    objections_open,
)

COMMUNITY = "community node"
NOTICE = "notice"

# name: (predicate, checked on, summary, cell rule, extra condition)
SPECS: dict[str, tuple[Any, str, str, Any, str]] = {
    "disclosure.view_notices": (
        can_view,
        COMMUNITY,
        "See a community's notices in every status and its obligations",
        disclosure_cell(VIEW),
        "",
    ),
    "disclosure.propose": (
        can_propose,
        COMMUNITY,
        "Draft, edit and submit notices, publish approved ones, withdraw, record events",
        disclosure_cell(PROPOSE),
        "",
    ),
    "disclosure.review": (
        can_review,
        NOTICE,
        "Review a notice: the secrecy check (保密审查) and personal data",
        disclosure_cell(REVIEW),
        "",
    ),
    "disclosure.approve": (
        can_approve,
        NOTICE,
        "Approve a reviewed notice, or escalate it to the street",
        disclosure_cell(APPROVE),
        "",
    ),
    "disclosure.approve_escalated": (
        can_approve_escalated,
        NOTICE,
        "Approve or return a notice the community escalated",
        disclosure_cell(APPROVE_ESCALATED),
        "",
    ),
    "disclosure.answer_objection": (
        can_answer,
        NOTICE,
        "Answer residents' objections to a notice",
        disclosure_cell(ANSWER),
        "",
    ),
    "disclosure.view_compliance": (
        can_see_compliance,
        "territory node",
        "See the compliance view (due, on time, late, missing) and export it",
        disclosure_cell(COMPLIANCE),
        "",
    ),
    "disclosure.object": (
        lives_or_serves_in & objections_open,
        NOTICE,
        "Object to a published notice of one's community",
        objection_cell,
        "signed in; a role over or inside the community, or a linked resident living there; "
        "while the objection window is open",
    ),
}

for _name, (_predicate, _on, _summary, _rule, _condition) in SPECS.items():
    permission(
        _name,
        capability="disclosure",
        on=_on,
        summary=_summary,
        predicate=_predicate,
        rule=_rule,
        condition=_condition,
    )
