"""Named permissions of accounts. See docs/permissions.md for the matrix."""

from __future__ import annotations

from .matrix import permission
from .predicates import can_manage_memberships
from .roles import MANAGE_MEMBERSHIPS

permission(
    "accounts.manage_memberships",
    capability=MANAGE_MEMBERSHIPS,
    on="territory node (none: global roles)",
    summary="Grant and end roles over a node and below; global roles only by a global role",
    predicate=can_manage_memberships,
    condition="the granted role's staff capabilities must be held by the granter over the scope",
)
