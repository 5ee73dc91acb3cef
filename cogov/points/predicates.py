"""Who may do what with points, activities, the shop and party records.

Points work is a matter of the role and of the community: the table below says which points
capabilities a territorial role carries, the scope of the membership says where. Organizations
(units, social organizations) run the activities they organize.
"""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.roles import OWN_ORGANIZATION
from cogov.accounts.scopes import Reach, reach

MANAGE = "manage"  # activities, attendance, shop, certificates, corrections, relations
APPROVE = "approve"  # decide party-member point records

POINTS_ROLES: dict[str, frozenset[str]] = {
    "street_official": frozenset({MANAGE}),
    "party_secretary": frozenset({MANAGE, APPROVE}),
    "community_worker": frozenset({MANAGE}),
}


def _paths(r: Reach, capability: str) -> list[str]:
    return r.paths_in_table(POINTS_ROLES, capability)


def manager_paths(r: Reach) -> list[str]:
    """Territory paths where the user's roles manage points."""
    return _paths(r, MANAGE)


def _community_path(obj: Any) -> str | None:
    """The territory path an object of this app lives under: a node; anything with a
    `community` (activity, item, account, certificate); a sign-up, redemption or entry through
    its activity, item or account; a party member through its branch; a record through its
    member."""
    if obj is None:
        return None
    if hasattr(obj, "level") and hasattr(obj, "path"):
        return str(obj.path)
    if getattr(obj, "community_id", None):
        return str(obj.community.path)
    for attr in ("activity", "item", "account", "member"):
        if getattr(obj, f"{attr}_id", None):
            return _community_path(getattr(obj, attr))
    if getattr(obj, "branch_id", None):
        return str(obj.branch.node.path)
    return None


def _covers(user: Any, capability: str, obj: Any) -> bool:
    return reach(user).covers_path(POINTS_ROLES, capability, _community_path(obj))


@rules.predicate
def is_points_manager(user: Any, obj: Any = None) -> bool:
    """Manages points over the community of `obj` (a node, activity, item, account…):
    community worker, party secretary, street official above it, administrator."""
    return _covers(user, MANAGE, obj)


@rules.predicate
def is_party_approver(user: Any, obj: Any = None) -> bool:
    """Decides party-member records: the community party secretary, an administrator."""
    return _covers(user, APPROVE, obj)


@rules.predicate
def is_organizer_staff(user: Any, activity: Any) -> bool:
    """A member of the organization that organizes the activity."""
    if activity is None or not getattr(activity, "organizer_id", None):
        return False
    return any(
        g.organization_id == activity.organizer_id and g.role.can(OWN_ORGANIZATION)
        for g in reach(user).grants
    )


@rules.predicate
def organizes_in(user: Any, community: Any) -> bool:
    """The user acts for a unit or social organization based in `community`."""
    if community is None:
        return False
    from cogov.organizations.models import Organization

    ids = {
        g.organization_id
        for g in reach(user).grants
        if g.organization_id and g.role.can(OWN_ORGANIZATION) and g.role.key != "party_member"
    }
    return bool(ids) and Organization.objects.filter(pk__in=ids, node=community).exists()


def person_of(user: Any) -> Any:
    """The resident record linked to the account, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    from cogov.people.models import Person

    return Person.objects.filter(user=user).first()


@rules.predicate
def has_person(user: Any, obj: Any = None) -> bool:
    """The account is linked to a resident record (needed to sign up, redeem, earn)."""
    return person_of(user) is not None


@rules.predicate
def is_holder(user: Any, account: Any) -> bool:
    """The account belongs to the user's own resident record."""
    return (
        account is not None
        and getattr(user, "is_authenticated", False)
        and account.person.user_id == user.pk
    )


@rules.predicate
def is_member_self(user: Any, member: Any) -> bool:
    """The party member is the user."""
    if member is None or not getattr(user, "is_authenticated", False):
        return False
    member = getattr(member, "member", member)  # a record → its member
    return bool(member.person.user_id == user.pk)


@rules.predicate
def activity_visible(user: Any, activity: Any) -> bool:
    from .models import Activity

    return (
        activity is not None and Activity.objects.visible_to(user).filter(pk=activity.pk).exists()
    )


@rules.predicate
def item_visible(user: Any, item: Any) -> bool:
    from .models import ShopItem

    return item is not None and ShopItem.objects.visible_to(user).filter(pk=item.pk).exists()


# --- the role matrix (docs/permissions.md): what each role's cell says for a points permission

# Roles whose account is linked to a resident record by what the role is: residents and owners
# (verified against their household), party members (through their member record).
LINKED_ROLES = frozenset({"resident", "owner", "party_member"})


def points_cell(
    *capabilities: str,
    organizer: str = "",
    linked: str = "",
    member: bool = False,
) -> Any:
    """A `rule(role)` for cogov.accounts.matrix.permission: administrators reach everything
    when the permission follows a capability; a role carrying one of `capabilities` in
    POINTS_ROLES reaches the communities of its scope. `organizer="any"`: members of the
    organizing organization (the activities it organizes); `organizer="based"`: units and
    social organizations in the community they are based in. `linked`: the cell of the roles
    linked to a resident record (LINKED_ROLES); `member`: party members for themselves."""
    from cogov.accounts.matrix import ALLOWED, OWN_SCOPE, carries, is_global, role_rule
    from cogov.organizations.models import PARTY_KINDS

    def organizes(role: Any) -> bool:
        if not organizer or not role.can(OWN_ORGANIZATION):
            return False
        kinds = set(role.org_kinds) - {"department"} - {k.value for k in PARTY_KINDS}
        return organizer == "any" or bool(kinds)

    return role_rule(
        (lambda role: bool(capabilities) and is_global(role), ALLOWED),
        (carries(POINTS_ROLES, *capabilities), OWN_SCOPE),
        (organizes, OWN_SCOPE),
        (lambda role: bool(linked) and role.key in LINKED_ROLES, linked),
        (lambda role: member and role.key == "party_member", OWN_SCOPE),
    )
