"""Who may do what in co-construction (named permissions in rules.py; matrix in
docs/cooperation.md). Paths come from access.py."""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.roles import PEOPLE, VERIFY
from cogov.accounts.scopes import reach

from . import access


def _path(obj: Any) -> str | None:
    if obj is None:
        return None
    if hasattr(obj, "territory_path"):
        return obj.territory_path
    return getattr(obj, "path", None)  # a Node


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def manages(user: Any, obj: Any = None) -> bool:
    """Community staff (party secretary, workers) and street officials over the object (a
    node or a row with a territory path); administrators everywhere. Without an object: holds
    such a role anywhere."""
    r = reach(user)
    if r.everything:
        return True
    paths = access.role_paths(r, access.MANAGE_ROLES)
    return bool(paths) if obj is None else access.under(paths, _path(obj))


@rules.predicate
def in_audience(user: Any, obj: Any = None) -> bool:
    """A role reaches the object's community (a node scope, or an organization based there)."""
    if not _authenticated(user):
        return False
    if reach(user).everything:
        return True
    paths = access.audience_paths(user)
    if obj is None:
        return bool(paths)
    path = _path(obj) or ""
    return access.under(paths, path) or any(p.startswith(path) for p in paths if path)


@rules.predicate
def acts_for_organization(user: Any, obj: Any = None) -> bool:
    """The user holds a membership scoped to some organization (a unit liaison, social
    organization staff, a party member of a branch…)."""
    return bool(access.organization_ids(user)) or reach(user).everything


@rules.predicate
def verifies(user: Any, obj: Any = None) -> bool:
    """Staff who confirm residents (grid workers, community workers, party secretary) over the
    object: they make the home visit for a micro-wish."""
    r = reach(user)
    if r.everything:
        return True
    paths = r.paths_with(VERIFY)
    return bool(paths) if obj is None else access.under(paths, _path(obj))


@rules.predicate
def sees_people(user: Any, obj: Any = None) -> bool:
    r = reach(user)
    return r.everything or access.under(r.paths_with(PEOPLE), _path(obj))


@rules.predicate
def is_resident_there(user: Any, obj: Any = None) -> bool:
    r = reach(user)
    return access.under(access.role_paths(r, access.RESIDENT_ROLES), _path(obj))


@rules.predicate
def raised_a_need_of(user: Any, project: Any) -> bool:
    if project is None or not _authenticated(user):
        return False
    return project.need_links.filter(need__raised_by_id=user.pk).exists()


@rules.predicate
def in_lead_unit(user: Any, project: Any) -> bool:
    return (
        project is not None
        and project.lead_organization_id is not None
        and project.lead_organization_id in access.organization_ids(user)
    )


@rules.predicate
def offered_it(user: Any, resource: Any) -> bool:
    if resource is None or not _authenticated(user):
        return False
    return resource.offered_by_id == user.pk or (
        resource.organization_id is not None
        and resource.organization_id in access.organization_ids(user)
    )


@rules.predicate
def is_beneficiary(user: Any, wish: Any) -> bool:
    return (
        wish is not None
        and _authenticated(user)
        and wish.beneficiary.user_id is not None
        and wish.beneficiary.user_id == user.pk
    )


@rules.predicate
def holds_wish(user: Any, wish: Any) -> bool:
    """The user holds the wish's claim lock now (not expired), or delivered it."""
    if wish is None or not _authenticated(user):
        return False
    from .models import WishLock

    lock = WishLock.objects.filter(wish_id=wish.pk).first()
    return lock is not None and lock.held_by(user)


@rules.predicate
def submitted_it(user: Any, wish: Any) -> bool:
    return wish is not None and _authenticated(user) and wish.submitted_by_id == user.pk


@rules.predicate
def resident_anywhere(user: Any, node: Any = None) -> bool:
    r = reach(user)
    paths = access.role_paths(r, access.RESIDENT_ROLES)
    return bool(paths) if node is None else access.under(paths, _path(node))


# --- the role matrix (docs/permissions.md): what each role's cell says for a permission

# Roles whose account is linked to a resident record by what the role is (beneficiaries).
LINKED_ROLES = frozenset({"resident", "owner", "party_member"})


def coop_cell(
    *,
    manage: bool = False,
    verify: bool = False,
    verify_community: bool = False,
    people: bool = False,
    audience: bool = False,
    organizations_only: bool = False,
    residents: bool = False,
    beneficiary: bool = False,
    organization: bool = False,
    own: bool = False,
) -> Any:
    """A `rule(role)` for cogov.accounts.matrix.permission, from the same role sets as the
    predicates above: `manage` (access.MANAGE_ROLES); `verify` / `people` (the role's
    capability; `verify_community`: only roles whose scope holds a whole community);
    `audience` (every role reaches its community's lists; with `organizations_only`, only
    roles acting for an organization); `residents` (residents and owners); `beneficiary`
    (roles linked to a resident record); `organization` (the rows of the role's
    organization); `own` (what the user did: offered, claimed, raised). Global roles are
    allowed when one of the scope-based sets applies."""
    from cogov.accounts.matrix import ALLOWED, OWN_SCOPE, is_global, role_rule

    scoped = manage or verify or verify_community or people or audience

    def in_scope(role: Any) -> bool:
        return bool(
            (manage and role.key in access.MANAGE_ROLES)
            or (verify and role.can(VERIFY))
            or (verify_community and role.can(VERIFY) and role.level != "grid")
            or (people and role.can(PEOPLE))
            or (audience and (not organizations_only or role.scope == "organization"))
            or (residents and role.key in access.RESIDENT_ROLES)
            or (beneficiary and role.key in LINKED_ROLES)
            or (organization and role.scope == "organization")
            or own
        )

    return role_rule((lambda role: scoped and is_global(role), ALLOWED), (in_scope, OWN_SCOPE))
