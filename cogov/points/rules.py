"""Named permissions of the points app, registered with their role matrix
(cogov.accounts.matrix.permission; docs/permissions.md, docs/points.md). The cells come from
predicates.POINTS_ROLES through `points_cell`."""

from __future__ import annotations

from typing import Any

from cogov.accounts.matrix import ALLOWED, OWN_SCOPE, permission

from .predicates import (
    APPROVE,
    MANAGE,
    activity_visible,
    has_person,
    is_holder,
    is_member_self,
    is_organizer_staff,
    is_party_approver,
    is_points_manager,
    item_visible,
    organizes_in,
    points_cell,
)

COMMUNITY = "community node"
LINKED = (
    "an account linked to a resident record (residents, owners; party members through their record)"
)

# name: (predicate, checked on, summary, cell rule, extra condition)
SPECS: dict[str, tuple[Any, str, str, Any, str]] = {
    "points.manage_points": (
        is_points_manager,
        COMMUNITY,
        "Manage points in a community: attendance, certificates, relations, standing records",
        points_cell(MANAGE),
        "",
    ),
    "points.create_activity": (
        is_points_manager | organizes_in,
        COMMUNITY,
        "Create a volunteer activity",
        points_cell(MANAGE, organizer="based"),
        "organizations: units and social organizations based in that community",
    ),
    "points.view_leaderboard": (
        is_points_manager | has_person,
        COMMUNITY,
        "See a community's leaderboard (only those who opted in)",
        points_cell(MANAGE, linked=ALLOWED),
        LINKED,
    ),
    "points.manage_activity": (
        is_points_manager | is_organizer_staff,
        "activity",
        "Run an activity: check-in codes, attendance, hours, cancel, export",
        points_cell(MANAGE, organizer="any"),
        "organizations: the activities they organize",
    ),
    "points.sign_up": (
        has_person & activity_visible,
        "activity",
        "Sign up for an activity, check in and out",
        points_cell(linked=OWN_SCOPE),
        LINKED + "; activities the user's roles reach",
    ),
    "points.view_account": (
        is_holder | is_points_manager,
        "points account",
        "See a points or time account and its ledger",
        points_cell(MANAGE, linked=OWN_SCOPE),
        "holders: their own accounts",
    ),
    "points.use_account": (
        is_holder,
        "points account",
        "Use one's own account: leaderboard opt-in, time transfers",
        points_cell(linked=OWN_SCOPE),
        "holders only",
    ),
    "points.correct_ledger": (
        is_points_manager,
        "points account",
        "Adjust, reverse or expire points (an entry each, never an edit)",
        points_cell(MANAGE),
        "",
    ),
    "points.redeem": (
        has_person & item_visible,
        "shop item",
        "Redeem an item of the love supermarket (爱心超市)",
        points_cell(linked=OWN_SCOPE),
        LINKED + "; items of the communities the user's roles reach",
    ),
    "points.manage_shop": (
        is_points_manager,
        COMMUNITY,
        "Stock the shop, hand out and cancel redemptions",
        points_cell(MANAGE),
        "",
    ),
    "points.view_party_score": (
        is_member_self | is_points_manager,
        "party member",
        "See a party member's points (积分制管理)",
        points_cell(MANAGE, member=True),
        "party members: their own",
    ),
    "points.claim_party_record": (
        is_member_self | is_points_manager,
        "party member",
        "Claim an item of a party member's yearly scheme",
        points_cell(MANAGE, member=True),
        "party members: their own",
    ),
    "points.decide_party_record": (
        is_party_approver,
        "party member",
        "Approve or refuse a party member's claimed record",
        points_cell(APPROVE),
        "",
    ),
}

PERMISSIONS = {name: spec[0] for name, spec in SPECS.items()}

for _name, (_predicate, _on, _summary, _rule, _condition) in SPECS.items():
    permission(
        _name,
        capability="points",
        on=_on,
        summary=_summary,
        predicate=_predicate,
        rule=_rule,
        condition=_condition,
    )
