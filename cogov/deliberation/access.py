"""Where a user stands in deliberation: the communities the user belongs to and the roles held
there. The one place that turns memberships into deliberation scopes; predicates and
`visible_to` read it."""

from __future__ import annotations

from typing import Any

from cogov.accounts.scopes import reach

# Roles that organise meetings, publish and moderate in their territory.
ORGANISERS = frozenset({"party_secretary", "community_worker", "street_official"})
# Roles that triage topics and convene procedures (the community party organization).
CONVENERS = frozenset({"party_secretary"})
# Roles through which people take part as residents.
PARTICIPANTS = frozenset({"resident", "owner", "volunteer", "party_member"})
# Organization kinds based above the communities: a district department is not one of a
# community's bodies (`_org_node_paths` counts only organizations based in a community or grid).
ABOVE_COMMUNITIES = frozenset({"department"})


def role_belongs(role: Any) -> bool:
    """Does holding `role` make one belong to the communities of its scope (`belongs`), as the
    role matrix shows it? Global roles; node roles held over a community or above it (a grid
    is below its community's topics); organization roles unless their organizations are based
    above the communities."""
    if role.scope == "global":
        return True
    if role.scope == "node":
        return role.level in ("district", "street", "community")
    return not set(role.org_kinds) <= ABOVE_COMMUNITIES


def _org_node_paths(org_ids: set[int]) -> dict[int, str]:
    """The node paths of organizations based in a community or a grid. A district department
    or a street office is not a body of the communities below it."""
    from cogov.organizations.models import Organization

    if not org_ids:
        return {}
    rows = Organization.objects.filter(pk__in=org_ids, node__level__in=("community", "grid"))
    return dict(rows.values_list("pk", "node__path"))


def _paths(user: Any) -> dict[str, set[str]]:
    """{role: {node path}} for the user's grants; organization roles are placed at the node
    their organization is based in. Cached on the user object like `reach`."""
    cached = getattr(user, "_cogov_delib_paths", None)
    if cached is not None:
        return cached
    r = reach(user)
    org_paths = _org_node_paths({g.organization_id for g in r.grants if g.organization_id})
    result: dict[str, set[str]] = {}
    for g in r.grants:
        path = g.node_path or (org_paths.get(g.organization_id) if g.organization_id else None)
        if path:
            result.setdefault(g.role.key, set()).add(path)
    if user is not None and getattr(user, "is_authenticated", False):
        user._cogov_delib_paths = result
    return result


def is_everything(user: Any) -> bool:
    return reach(user).everything


def community_paths(user: Any) -> list[str] | None:
    """Node paths of every scope the user holds a role in; None means everything (admin)."""
    if is_everything(user):
        return None
    return sorted({p for paths in _paths(user).values() for p in paths})


def paths_for(user: Any, roles: frozenset[str]) -> list[str]:
    return sorted({p for role, paths in _paths(user).items() if role in roles for p in paths})


def staff_paths(user: Any) -> list[str]:
    return paths_for(user, ORGANISERS)


def holds(user: Any, roles: frozenset[str], node: Any) -> bool:
    """Does the user hold one of `roles` over `node` (or everything)?"""
    if node is None:
        return False
    if is_everything(user):
        return True
    return any(node.path.startswith(p) for p in paths_for(user, roles))


def belongs(user: Any, node: Any) -> bool:
    """Does the user hold any role at or above `node`?"""
    if node is None or not getattr(user, "is_authenticated", False):
        return False
    paths = community_paths(user)
    return paths is None or any(node.path.startswith(p) for p in paths)


def forget(user: Any) -> None:
    if hasattr(user, "_cogov_delib_paths"):
        del user._cogov_delib_paths
