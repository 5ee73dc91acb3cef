"""Every write of a campaign. Each action checks its permission, runs in one transaction, writes
a CampaignEvent (visits are their own append-only rows) and notifies.

    create_campaign, update_checklist, activate_campaign, close_campaign
    add_worker, call_up_pools, assign_households, reassign_households
    create_temporary_branch, appoint_building_head, add_checkpoint, add_shift
    record_visit (idempotent by client key), hand_off_finding
"""

from .campaign import activate_campaign, close_campaign, create_campaign, update_checklist
from .common import AREA_LEVELS, TRANSITIONS, S, VisitConflict, require
from .people import (
    add_checkpoint,
    add_shift,
    add_worker,
    appoint_building_head,
    assign_households,
    call_up_pools,
    create_temporary_branch,
    reassign_households,
)
from .visits import hand_off_finding, record_visit

__all__ = [
    "AREA_LEVELS",
    "TRANSITIONS",
    "S",
    "VisitConflict",
    "activate_campaign",
    "add_checkpoint",
    "add_shift",
    "add_worker",
    "appoint_building_head",
    "assign_households",
    "call_up_pools",
    "close_campaign",
    "create_campaign",
    "create_temporary_branch",
    "hand_off_finding",
    "reassign_households",
    "record_visit",
    "require",
    "update_checklist",
]
