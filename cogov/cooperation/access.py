"""Who reaches what in co-construction, as paths: the one place predicates and querysets ask.

- managers: the community's party secretary and workers, street officials (their node);
- field: grid workers (their grids) verify micro-wishes on home visits and record needs;
- audience: everyone whose roles reach a community (residents, volunteers, staff) and the
  members of organizations based there (units, social organizations, volunteer teams, branches).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from cogov.accounts.scopes import Reach, reach

MANAGE_ROLES = frozenset({"party_secretary", "community_worker", "street_official"})
FIELD_ROLES = frozenset({"grid_worker"})
RESIDENT_ROLES = frozenset({"resident", "owner"})


def role_paths(r: Reach, roles: frozenset[str]) -> list[str]:
    return sorted({g.node_path for g in r.grants if g.node_path and g.role.key in roles})


def manage_paths(user: Any) -> list[str]:
    return role_paths(reach(user), MANAGE_ROLES)


def field_paths(user: Any) -> list[str]:
    return role_paths(reach(user), MANAGE_ROLES | FIELD_ROLES)


def organization_ids(user: Any) -> set[int]:
    """Organizations the user acts for (a membership scoped to the organization)."""
    return reach(user).organization_ids


def audience_paths(user: Any) -> list[str]:
    """Territory paths whose lists the user sees: node scopes, plus where the user's
    organizations are based. Cached on the reach (one query)."""
    r = reach(user)
    cached = getattr(r, "_coop_audience", None)
    if cached is not None:
        return cached
    paths = set(r.node_paths)
    if r.organization_ids:
        from cogov.organizations.models import Organization

        paths |= set(
            Organization.objects.filter(pk__in=r.organization_ids).values_list(
                "node__path", flat=True
            )
        )
    result = sorted(paths)
    r._coop_audience = result  # type: ignore[attr-defined]
    return result


def under(paths: list[str], path: str | None) -> bool:
    return bool(path) and any(path.startswith(p) for p in paths)  # type: ignore[union-attr]


def q_under(paths: list[str], field: str = "territory_path") -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def q_around(paths: list[str], field: str = "territory_path") -> Q:
    """Rows under the paths, and rows of the areas above them (an organization based in a
    grid sees its community's lists): the row's path is a prefix of a user path."""
    condition = q_under(paths, field)
    prefixes: set[str] = set()
    for path in paths:
        parts = [p for p in path.strip("/").split("/") if p]
        for i in range(1, len(parts)):
            prefixes.add("/" + "/".join(parts[:i]) + "/")
    if prefixes:
        condition |= Q(**{f"{field}__in": sorted(prefixes)})
    return condition


def is_everything(user: Any) -> bool:
    return reach(user).everything
