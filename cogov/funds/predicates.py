"""Who may do what with community funds.

Money work is a matter of the role and of the community: FUNDS_ROLES says which funds
capabilities a territorial role carries, the scope of the membership says where. Every signed-in
user sees a community's fund summary (balances and budget lines: money is public in 居务公开);
the journal with payees and vouchers is for the roles with VIEW.
"""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.scopes import Reach, reach

VIEW = "view"  # the journal with payees, exports
CREATE = "create"  # open a fund for a community and year
ALLOCATE = "allocate"  # record money received from the sources
COMMIT = "commit"  # open budget lines, commit money
PAY = "pay"  # payments and refunds
RELEASE = "release"  # release committed money
REVERSE = "reverse"  # reverse an entry (a correction)
CLOSE = "close"  # year-end close

FUNDS_ROLES: dict[str, frozenset[str]] = {
    "evaluator": frozenset({VIEW}),
    "street_official": frozenset({VIEW, CREATE, ALLOCATE, COMMIT, RELEASE, REVERSE, CLOSE}),
    "party_secretary": frozenset({VIEW, CREATE, ALLOCATE, COMMIT, PAY, RELEASE, REVERSE, CLOSE}),
    "community_worker": frozenset({VIEW, CREATE, ALLOCATE, COMMIT, PAY, RELEASE}),
}


def funds_paths(r: Reach, capability: str) -> list[str]:
    """Territory paths where the user's roles carry a funds capability."""
    return r.paths_in_table(FUNDS_ROLES, capability)


def _path(obj: Any) -> str | None:
    """The community path of a node, a fund, a budget line or an entry."""
    if obj is None:
        return None
    if hasattr(obj, "level") and hasattr(obj, "path"):
        return str(obj.path)
    if getattr(obj, "community_id", None):
        return str(obj.community.path)
    if getattr(obj, "fund_id", None):
        return _path(obj.fund)
    return None


def covers(user: Any, capability: str, obj: Any) -> bool:
    return reach(user).covers_path(FUNDS_ROLES, capability, _path(obj))


def _predicate(capability: str, doc: str) -> Any:
    def check(user: Any, obj: Any = None) -> bool:
        return covers(user, capability, obj)

    check.__name__ = f"funds_{capability}"
    check.__doc__ = doc
    return rules.predicate(check)


can_view_journal = _predicate(VIEW, "Reads a fund's journal over the community of `obj`.")
can_create = _predicate(CREATE, "Opens funds in the community `obj`.")
can_allocate = _predicate(ALLOCATE, "Records allocations into the fund.")
can_commit = _predicate(COMMIT, "Opens budget lines and commits money.")
can_pay = _predicate(PAY, "Records payments and refunds.")
can_release = _predicate(RELEASE, "Releases committed money.")
can_reverse = _predicate(REVERSE, "Reverses an entry.")
can_close = _predicate(CLOSE, "Closes a fund's year.")


@rules.predicate
def signed_in(user: Any, obj: Any = None) -> bool:
    """A signed-in user holding any role (an account without one sees nothing)."""
    return bool(reach(user).grants)


def funds_cell(capability: str, *, everyone: bool = False) -> Any:
    """A `rule(role)` for cogov.accounts.matrix.permission."""
    from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE

    def rule(role: Any) -> str:
        if role.scope == "global" or everyone:
            return ALLOWED
        if capability in FUNDS_ROLES.get(role.key, frozenset()):
            return OWN_SCOPE
        return DENIED

    return rule
