"""What a user's memberships reach: the one place that turns roles into query filters.

`reach(user)` is computed once per user object (one query for memberships, plus one per
registered extender) and cached on it. Every `visible_to(user)` and every predicate reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from .roles import ROLES, Role

QS = TypeVar("QS", bound=QuerySet[Any])

# Extenders add facts another app knows, e.g. the households a resident belongs to.
# Registered in AppConfig.ready(); each takes the user and mutates the Reach.
EXTENDERS: list[Callable[[Any, Reach], None]] = []


@dataclass
class Grant:
    role: Role
    node_id: int | None = None
    node_path: str | None = None
    node_level: str | None = None
    organization_id: int | None = None
    organization_path: str | None = None


@dataclass
class Reach:
    grants: list[Grant] = field(default_factory=list)
    household_ids: set[int] = field(default_factory=set)
    person_id: int | None = None

    @property
    def everything(self) -> bool:
        return any(g.role.scope == "global" for g in self.grants)

    @property
    def roles(self) -> set[str]:
        return {g.role.key for g in self.grants}

    @property
    def node_paths(self) -> list[str]:
        return sorted({g.node_path for g in self.grants if g.node_path})

    @property
    def organization_ids(self) -> set[int]:
        return {g.organization_id for g in self.grants if g.organization_id}

    def paths_with(self, capability: str) -> list[str]:
        """Node paths where the user holds a role with `capability`."""
        return sorted({g.node_path for g in self.grants if g.node_path and g.role.can(capability)})

    def paths_in_table(self, table: Mapping[str, frozenset[str]], capability: str) -> list[str]:
        """Node paths where the user holds a role that an app's own role table (`role key →
        capabilities`, e.g. cases' CASE_ROLES, funds' FUNDS_ROLES) gives `capability`."""
        return sorted(
            {
                g.node_path
                for g in self.grants
                if g.node_path and capability in table.get(g.role.key, frozenset())
            }
        )

    def covers_path(
        self, table: Mapping[str, frozenset[str]], capability: str, path: str | None
    ) -> bool:
        """Administrators, or a role with `capability` in `table` at `path` or above it."""
        if self.everything:
            return True
        return bool(path) and any(
            str(path).startswith(p) for p in self.paths_in_table(table, capability)
        )

    def organization_paths_with(self, capability: str) -> list[str]:
        return sorted(
            {
                g.organization_path
                for g in self.grants
                if g.organization_path and g.role.can(capability)
            }
        )

    def can(self, capability: str, node: Any = None) -> bool:
        """Does any grant give `capability` over `node` (or anywhere, when node is None)?"""
        for g in self.grants:
            if not g.role.can(capability):
                continue
            if g.role.scope == "global":
                return True
            if node is None:
                return True
            if g.node_path and node.path.startswith(g.node_path):
                return True
        return False

    def filter_nodes(
        self,
        qs: QS,
        path_lookup: str,
        capability: str = "people",
        own_households: str | None = None,
    ) -> QS:
        """Keep rows whose node path (through `path_lookup`) lies in a scope with `capability`;
        residents also keep rows of their own households (through `own_households`)."""
        if self.everything:
            return qs
        condition = Q(pk__in=[])
        for path in self.paths_with(capability):
            condition |= Q(**{f"{path_lookup}__startswith": path})
        if own_households and self.household_ids:
            condition |= Q(**{f"{own_households}__in": sorted(self.household_ids)})
        return qs.filter(condition)


def reach(user: Any) -> Reach:
    if user is None or not getattr(user, "is_authenticated", False):
        return Reach()
    cached = getattr(user, "_cogov_reach", None)
    if cached is not None:
        return cached
    from .models import Membership

    result = Reach()
    if user.is_superuser:
        result.grants.append(Grant(ROLES["admin"]))
    memberships = (
        Membership.objects.current().filter(user=user).select_related("node", "organization")
    )
    for m in memberships:
        role = ROLES.get(m.role)
        if role is None:
            continue
        result.grants.append(
            Grant(
                role,
                node_id=m.node_id,
                node_path=m.node.path if m.node else None,
                node_level=m.node.level if m.node else None,
                organization_id=m.organization_id,
                organization_path=m.organization.path if m.organization else None,
            )
        )
    for extend in EXTENDERS:
        extend(user, result)
    user._cogov_reach = result
    return result


def forget(user: Any) -> None:
    """Drop the cached reach (after memberships or verifications change)."""
    if hasattr(user, "_cogov_reach"):
        del user._cogov_reach
