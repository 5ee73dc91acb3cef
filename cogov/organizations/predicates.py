"""Predicates of the organizations app."""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.predicates import capability_over
from cogov.accounts.roles import MANAGE_ORGANIZATIONS, ORGANIZATIONS, OWN_ORGANIZATION
from cogov.accounts.scopes import reach

has_organizations_over = capability_over(ORGANIZATIONS)
has_manage_organizations_over = capability_over(MANAGE_ORGANIZATIONS)


@rules.predicate
def in_own_organization(user: Any, org: Any) -> bool:
    """The organization is one the user belongs to, or lies below one (a branch's groups)."""
    path = getattr(org, "path", None)
    if not path or not hasattr(org, "kind"):
        return False
    return any(path.startswith(p) for p in reach(user).organization_paths_with(OWN_ORGANIZATION))


can_view_organization = has_organizations_over | in_own_organization
can_manage_organization = has_manage_organizations_over

# The joint committee, 双报到 and service posts.
can_act_for_unit = has_manage_organizations_over | in_own_organization
has_manage_reporting_over = capability_over(MANAGE_ORGANIZATIONS)
has_view_reporting_over = capability_over(ORGANIZATIONS)


def is_member_self(user: Any, member: Any) -> bool:
    """The party member's own account (a person linked to the user)."""
    person = getattr(member, "person", None)
    return bool(getattr(user, "pk", None)) and getattr(person, "user_id", None) == user.pk
