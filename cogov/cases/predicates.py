"""Who may do what to a case or a whistle. Named permissions are composed in rules.py.

Case work is a matter of the role and of where the case lies: the role table below says which
case capabilities a territorial role carries, the scope of the membership says where.
"""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.roles import OWN_ORGANIZATION
from cogov.accounts.scopes import Reach, reach

VIEW = "view"  # see the cases of the scope
MANAGE = "manage"  # centre work: verify, file, dispatch, approve, revisit, close, reopen, escalate
FIELD = "field"  # grid work: report, verify on site, handle on the spot, check
WHISTLE = "whistle"  # blow the whistle to departments, rate them; handle fallback (属地兜底) cases

CASE_ROLES: dict[str, frozenset[str]] = {
    "evaluator": frozenset({VIEW}),
    "street_official": frozenset({VIEW, MANAGE, WHISTLE}),
    "party_secretary": frozenset({VIEW, MANAGE}),
    "community_worker": frozenset({VIEW, MANAGE}),
    "grid_worker": frozenset({VIEW, FIELD}),
}


# --- the role matrix (docs/permissions.md): what each role's cell says for a case permission


def case_cell(
    *capabilities: str,
    handler: bool = False,
    reporter: bool = False,
    neighbour: bool = False,
    department: bool = False,
    anyone: bool = False,
) -> Any:
    """A `rule(role)` for cogov.accounts.matrix.permission: global roles reach every case; a
    role carrying one of `capabilities` in CASE_ROLES reaches the cases of its scope; with
    `handler`, organization roles that can lead a case (not party organizations) reach the
    cases dispatched to their organization; with `reporter`/`neighbour`, residents and owners
    reach the cases they reported / of their community; with `department`, district
    department staff reach the whistle reports of their department; `anyone`: every role."""
    from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE
    from cogov.accounts.roles import OWN_HOUSEHOLD
    from cogov.organizations.models import PARTY_KINDS

    def rule(role: Any) -> str:
        if role.scope == "global" or anyone:
            return ALLOWED
        if set(capabilities) & CASE_ROLES.get(role.key, frozenset()):
            return OWN_SCOPE
        if (
            handler
            and role.can(OWN_ORGANIZATION)
            and any(k not in PARTY_KINDS for k in role.org_kinds)
        ):
            return OWN_SCOPE
        if (reporter or neighbour) and role.can(OWN_HOUSEHOLD):
            return OWN_SCOPE
        if department and "department" in role.org_kinds:
            return OWN_SCOPE
        return DENIED

    return rule


def case_paths(r: Reach, capability: str) -> list[str]:
    """Territory paths where the user's roles carry a case capability."""
    return r.paths_in_table(CASE_ROLES, capability)


def covers(user: Any, capability: str, path: str | None) -> bool:
    return reach(user).covers_path(CASE_ROLES, capability, path)


def own_organization_ids(r: Reach) -> set[int]:
    return {
        g.organization_id for g in r.grants if g.organization_id and g.role.can(OWN_ORGANIZATION)
    }


@rules.predicate
def is_case_manager(user: Any, case: Any) -> bool:
    """Centre work over the case's territory (community worker, party secretary, street, admin)."""
    return case is not None and covers(user, MANAGE, case.territory_path)


@rules.predicate
def is_field_worker(user: Any, case: Any) -> bool:
    """The grid worker of the case's grid."""
    return case is not None and covers(user, FIELD, case.territory_path)


@rules.predicate
def is_reporter(user: Any, case: Any) -> bool:
    """The person who reported the case (directly, or as the verified resident behind it)."""
    if case is None or not user.is_authenticated:
        return False
    if case.reporter_user_id == user.pk:
        return True
    person_id = reach(user).person_id
    return person_id is not None and case.reporter_person_id == person_id


@rules.predicate
def is_resident_reporter(user: Any, case: Any) -> bool:
    """The verified resident who reported the case through the resident channel: they may
    answer the revisit (是否解决, 是否满意) themselves instead of waiting for the call."""
    if case is None or not user.is_authenticated:
        return False
    person_id = reach(user).person_id
    return (
        person_id is not None
        and case.channel == "resident"
        and case.reporter_person_id == person_id
    )


@rules.predicate
def is_handler(user: Any, case: Any) -> bool:
    """A member of the lead organization; for a case with no owner (属地兜底) or led by a street
    office, the street's officials."""
    if case is None:
        return False
    r = reach(user)
    if r.everything:
        return True
    if case.lead_organization_id and case.lead_organization_id in own_organization_ids(r):
        return True
    lead = case.lead_organization
    fallback = lead is None or lead.kind == "street_office"
    return (
        fallback and case.dispatched_at is not None and covers(user, WHISTLE, case.territory_path)
    )


@rules.predicate
def is_co_handler(user: Any, case: Any) -> bool:
    if case is None:
        return False
    ids = own_organization_ids(reach(user))
    return bool(ids) and case.co_handlers.filter(pk__in=ids).exists()


@rules.predicate
def can_view_case(user: Any, case: Any) -> bool:
    if case is None:
        return False
    if covers(user, VIEW, case.territory_path) or is_reporter(user, case) or is_handler(user, case):
        return True
    return bool(is_co_handler(user, case))


def resident_community_paths(user: Any) -> list[str]:
    """The communities of the user's households (a resident reports in their own community)."""
    from cogov.territory.models import Household, Level, Node

    r = reach(user)
    if not r.household_ids:
        return []
    grid_ids = set(
        Household.objects.filter(pk__in=sorted(r.household_ids)).values_list(
            "building__grid_id", flat=True
        )
    )
    communities = set()
    for grid in Node.objects.filter(pk__in=grid_ids):
        community = grid.ancestor_of_level(Level.COMMUNITY)
        if community is not None:
            communities.add(community.path)
    return sorted(communities)


@rules.predicate
def is_neighbour(user: Any, case: Any) -> bool:
    """A resident of the case's community (who may have met the same problem)."""
    if case is None or not user.is_authenticated:
        return False
    return any(case.territory_path.startswith(p) for p in resident_community_paths(user))


@rules.predicate
def can_follow_case(user: Any, case: Any) -> bool:
    """Those who see the case, and the residents of its community, may follow it (the action
    adds: only an open original, not a merged duplicate)."""
    return bool(is_neighbour(user, case)) or bool(can_view_case(user, case))


@rules.predicate
def can_report(user: Any, node: Any = None) -> bool:
    """Anyone with a role or a verified resident record may report a problem."""
    if not user.is_authenticated:
        return False
    r = reach(user)
    return bool(r.grants) or r.person_id is not None


@rules.predicate
def is_street_official_over(user: Any, node: Any) -> bool:
    """Whistle power over a street (or any node under it)."""
    return node is not None and covers(user, WHISTLE, node.path)


@rules.predicate
def is_whistle_street(user: Any, whistle: Any) -> bool:
    return whistle is not None and covers(user, WHISTLE, whistle.street_path)


@rules.predicate
def is_invited_department(user: Any, report: Any) -> bool:
    """Staff of the department a whistle report row is for."""
    if report is None:
        return False
    r = reach(user)
    return r.everything or report.department_id in own_organization_ids(r)


@rules.predicate
def is_platform_admin(user: Any) -> bool:
    """The category tree is platform-wide configuration: global roles only."""
    return reach(user).everything
