"""Named permissions of the organizations app. See docs/permissions.md for the matrix."""

from __future__ import annotations

from cogov.accounts.matrix import permission
from cogov.accounts.roles import MANAGE_ORGANIZATIONS, ORGANIZATIONS, OWN_ORGANIZATION

from . import predicates as p

permission(
    "organizations.view_organization",
    capability=ORGANIZATIONS,
    also=(OWN_ORGANIZATION,),
    on="organization",
    summary="See an organization; members see their own organization and those below it",
    predicate=p.can_view_organization,
)
permission(
    "organizations.manage_organization",
    capability=MANAGE_ORGANIZATIONS,
    on="organization, or the node to create one in",
    summary="Register, edit and deactivate organizations based in the scope",
    predicate=p.can_manage_organization,
)
