"""Named permissions of the points app (docs/points.md has the role table)."""

from __future__ import annotations

import rules

from .predicates import (
    activity_visible,
    has_person,
    is_holder,
    is_member_self,
    is_organizer_staff,
    is_party_approver,
    is_points_manager,
    item_visible,
    organizes_in,
)

PERMISSIONS = {
    # on a community node
    "points.manage_points": is_points_manager,
    "points.create_activity": is_points_manager | organizes_in,
    "points.view_leaderboard": is_points_manager | has_person,
    # on an activity
    "points.manage_activity": is_points_manager | is_organizer_staff,
    "points.sign_up": has_person & activity_visible,
    # on an account
    "points.view_account": is_holder | is_points_manager,
    "points.use_account": is_holder,  # opt in to the leaderboard, transfer time, redeem
    "points.correct_ledger": is_points_manager,  # adjust, reverse, expire
    # on a shop item / redemption
    "points.redeem": has_person & item_visible,
    "points.manage_shop": is_points_manager,
    # on a party member / record
    "points.view_party_score": is_member_self | is_points_manager,
    "points.claim_party_record": is_member_self | is_points_manager,
    "points.decide_party_record": is_party_approver,
}

for _name, _predicate in PERMISSIONS.items():
    rules.set_perm(_name, _predicate)
