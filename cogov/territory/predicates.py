"""Permission predicates of the territory.

- view: the node lies under one of the user's scopes, or above one (so breadcrumbs and maps
  of the surrounding area work) — the same rule as `Node.objects.visible_to`.
- manage: a global administrator anywhere; a street official over their street and everything
  below it; any role given the `manage_territory` capability over the node. Creating a root
  node (a district) is for global administrators only.
"""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.scopes import reach

MANAGE_TERRITORY = "manage_territory"
MANAGER_ROLES = frozenset({"street_official"})


@rules.predicate
def can_view_node(user: Any, node: Any = None) -> bool:
    """The node is under or above one of the user's node scopes (or the user reaches everything)."""
    if node is None:
        return False
    r = reach(user)
    if r.everything:
        return True
    return any(node.path.startswith(path) or path.startswith(node.path) for path in r.node_paths)


@rules.predicate
def can_manage_territory(user: Any, node: Any = None) -> bool:
    """Admin anywhere; street officials (and roles with `manage_territory`) under their scope.

    `node` is the node changed, or the parent of a node being created; None means a root.
    """
    r = reach(user)
    if r.everything:
        return True
    if node is None:
        return False
    for g in r.grants:
        if not g.node_path or not node.path.startswith(g.node_path):
            continue
        if g.role.key in MANAGER_ROLES or g.role.can(MANAGE_TERRITORY):
            return True
    return False
