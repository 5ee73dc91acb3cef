"""Predicates shared by every app: "does a role with capability X reach this object's node?".

`rules` predicates take `(user, obj)`. Each app's `rules.py` composes these into named
permissions; the role matrix in docs/permissions.md is generated from those permissions
(`cogov.accounts.matrix`).

A predicate never answers yes for an object it cannot place: an object without a territory
node is reached only by a global role.
"""

from __future__ import annotations

from typing import Any

import rules

from .roles import MANAGE_MEMBERSHIPS
from .scopes import Reach, reach


def node_of(obj: Any) -> Any:
    """The territory node an object lives in (a grid, community…), or None.

    Knows the shapes used across the platform: a Node itself, objects with a `grid` or `node`,
    households and buildings (through their building's grid), and verifications (through their
    household or unit).
    """
    if obj is None:
        return None
    if hasattr(obj, "level") and hasattr(obj, "path"):
        return obj  # a Node
    for attr in ("grid", "node"):
        if getattr(obj, f"{attr}_id", None):
            return getattr(obj, attr)
    if getattr(obj, "building_id", None):
        return obj.building.grid
    for attr in ("household", "unit"):
        if getattr(obj, f"{attr}_id", None):
            return node_of(getattr(obj, attr))
    return None


def covers(r: Reach, capability: str, node: Any) -> bool:
    """Does a grant with `capability` reach `node`? Global roles reach everything, including
    objects without a node; node roles reach their node and everything below it."""
    for grant in r.grants:
        if not grant.role.can(capability):
            continue
        if grant.role.scope == "global":
            return True
        if node is not None and grant.node_path and node.path.startswith(grant.node_path):
            return True
    return False


def capability_over(capability: str) -> rules.Predicate:
    """A predicate: the user holds `capability` over the node of the object."""

    def check(user: Any, obj: Any = None) -> bool:
        return covers(reach(user), capability, node_of(obj))

    return rules.predicate(check, name=f"has_{capability}_over")


@rules.predicate
def is_global(user: Any) -> bool:
    return reach(user).everything


@rules.predicate
def can_manage_memberships(user: Any, node: Any = None) -> bool:
    """Managing memberships over `node` (a node or an object placed in one). Without a node
    (a global role such as administrator) only a global role may."""
    r = reach(user)
    if node is None:
        return r.everything
    return covers(r, MANAGE_MEMBERSHIPS, node_of(node))
