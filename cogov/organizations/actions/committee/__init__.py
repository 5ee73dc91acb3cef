"""Writes of the joint party committee: set-up, units and members (`members`), the rotation
calendar and hand-over (`rotation`), meetings and decisions through the voting app
(`meetings`), and co-construction agreements with their yearly review (`agreements`).

Everything is importable from `cogov.organizations.actions.committee` as before.
"""

from .agreements import conclude_review, end_agreement, open_review, sign_agreement, submit_review
from .common import member_users, unit_users
from .meetings import convene_meeting, propose_decision, record_minutes
from .members import (
    add_unit,
    appoint_member,
    create_committee,
    end_member,
    remove_unit,
    set_in_rotation,
    start_term,
)
from .rotation import (
    current_slot,
    generate_rotation,
    hand_over,
    periods,
    recompute_rotation,
    set_activity_plan,
    start_chair,
)

__all__ = [
    "add_unit",
    "appoint_member",
    "conclude_review",
    "convene_meeting",
    "create_committee",
    "current_slot",
    "end_agreement",
    "end_member",
    "generate_rotation",
    "hand_over",
    "member_users",
    "open_review",
    "periods",
    "propose_decision",
    "recompute_rotation",
    "record_minutes",
    "remove_unit",
    "set_activity_plan",
    "set_in_rotation",
    "sign_agreement",
    "start_chair",
    "start_term",
    "submit_review",
    "unit_users",
]
