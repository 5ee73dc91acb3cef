"""Named permissions of the Open311 app (docs/open311.md; the matrix in docs/permissions.md)."""

from __future__ import annotations

from cogov.accounts.matrix import permission
from cogov.accounts.roles import MANAGE_ORGANIZATIONS

from .predicates import can_manage_api_keys

permission(
    "open311.manage_api_keys",
    capability=MANAGE_ORGANIZATIONS,
    on="organization",
    summary="Issue and revoke the Open311 API keys of an organization",
    predicate=can_manage_api_keys,
)
