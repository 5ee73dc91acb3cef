"""Permission predicates of core: who may set policies and who may read metrics.

Both read the user's reach (cogov.accounts.scopes.reach): a role's capability applies to the
node of its membership and everything below it; a global administrator reaches everything.
"""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.roles import MANAGE_POLICIES, METRICS
from cogov.accounts.scopes import reach


@rules.predicate
def is_global_admin(user: Any) -> bool:
    """The user holds a global role (the administrator, or a superuser)."""
    return reach(user).everything


@rules.predicate
def can_manage_policies(user: Any, node: Any = None) -> bool:
    """A role with the MANAGE_POLICIES capability over `node`.

    With no node the question is "anywhere at all" (to show a menu entry or the admin list);
    setting a platform-wide value (node=None) is decided in `actions.set_policy`, which asks
    for a global administrator.
    """
    return reach(user).can(MANAGE_POLICIES, node)


@rules.predicate
def can_view_metrics(user: Any, node: Any = None) -> bool:
    """A role with the METRICS capability over `node` (a territory node)."""
    if node is None:
        return False
    return reach(user).can(METRICS, node)
