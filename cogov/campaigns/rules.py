"""Named permissions of the campaigns app (docs/campaigns.md has the role matrix)."""

from __future__ import annotations

import rules

from .predicates import (
    can_create_campaign,
    can_hand_off,
    can_manage_household,
    can_run_campaign,
    can_view_campaign,
    can_visit_household,
)

rules.add_perm("campaigns.create_campaign", can_create_campaign)
rules.add_perm("campaigns.run_campaign", can_run_campaign)
rules.add_perm("campaigns.view_campaign", can_view_campaign)
rules.add_perm("campaigns.visit_household", can_visit_household)
rules.add_perm("campaigns.reassign_household", can_manage_household)
rules.add_perm("campaigns.hand_off_finding", can_hand_off)
