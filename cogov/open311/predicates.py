"""Who may manage the Open311 keys of an organization."""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.predicates import capability_over
from cogov.accounts.roles import MANAGE_ORGANIZATIONS

# Administrators, and staff who manage the organizations of the organization's node (street
# officials, community party secretaries).
manages_organization = capability_over(MANAGE_ORGANIZATIONS)


@rules.predicate
def can_manage_api_keys(user: Any, organization: Any) -> bool:
    """Issue and revoke the Open311 keys of `organization`."""
    return organization is not None and bool(manages_organization(user, organization))
