"""Models of the points app (a package: ledger, activities, shop, party)."""

from .activities import (
    SIGNUP_TRANSITIONS,
    Activity,
    ActivityStatus,
    Certificate,
    Signup,
    SignupEvent,
    SignupStatus,
)
from .ledger import GENESIS, Account, AccountKind, Entry, EntryKind, Relation
from .party import RECORD_TRANSITIONS, PartyRecord, PartyRecordEvent, RecordStatus
from .shop import (
    REDEMPTION_TRANSITIONS,
    Redemption,
    RedemptionEvent,
    RedemptionStatus,
    ShopItem,
)

__all__ = [
    "GENESIS",
    "RECORD_TRANSITIONS",
    "REDEMPTION_TRANSITIONS",
    "SIGNUP_TRANSITIONS",
    "Account",
    "AccountKind",
    "Activity",
    "ActivityStatus",
    "Certificate",
    "Entry",
    "EntryKind",
    "PartyRecord",
    "PartyRecordEvent",
    "RecordStatus",
    "Redemption",
    "RedemptionEvent",
    "RedemptionStatus",
    "Relation",
    "ShopItem",
    "Signup",
    "SignupEvent",
    "SignupStatus",
]
