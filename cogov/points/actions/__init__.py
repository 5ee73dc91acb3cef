"""Every write of the points app. Views, the API, the admin and the demo call these."""

from .activities import (
    award,
    cancel_activity,
    cancel_signup,
    check_in,
    check_out,
    compute_hours,
    confirm_attendance,
    create_activity,
    current_code,
    issue_certificate,
    sign_up,
)
from .ledger import adjust, expire, reverse_entry, set_leaderboard_opt_in
from .party import claim_party_record, decide_party_record
from .shop import cancel_redemption, confirm_pickup, create_item, redeem, restock
from .timebank import record_relation, spend_time, transfer_time

__all__ = [
    "adjust",
    "award",
    "cancel_activity",
    "cancel_redemption",
    "cancel_signup",
    "check_in",
    "check_out",
    "claim_party_record",
    "compute_hours",
    "confirm_attendance",
    "confirm_pickup",
    "create_activity",
    "create_item",
    "current_code",
    "decide_party_record",
    "expire",
    "issue_certificate",
    "record_relation",
    "redeem",
    "restock",
    "reverse_entry",
    "set_leaderboard_opt_in",
    "sign_up",
    "spend_time",
    "transfer_time",
]
