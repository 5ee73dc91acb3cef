"""Predicates of participatory budgeting (docs/budgeting.md, "Permissions").

- Residents, owners, volunteers and the organizations based in the area (groups, units)
  submit proposals; community staff may enter a proposal handed in on paper.
- Community staff (roles with `verify` over the round's community: party secretary, community
  workers) run the round: phases, screening, the vote, progress reports, and they record the
  residents' representatives' acceptance.
- The community party secretary records the residents' council's review (the council is
  convened by the party organization: 党委主导).
- Street officials over the round's area approve (立项) and commit the money.
- Residents vote through cogov.voting (`voting.cast_ballot`: the vote's electoral roll).
"""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.predicates import capability_over
from cogov.accounts.roles import VERIFY
from cogov.accounts.scopes import Reach, reach

is_round_staff = capability_over(VERIFY)


def _node(obj: Any) -> Any:
    """The round's area for a round, a proposal, or a node itself."""
    if obj is None:
        return None
    if hasattr(obj, "level") and hasattr(obj, "path"):
        return obj
    if hasattr(obj, "round_id"):
        return obj.round.node
    return getattr(obj, "node", None)


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _org_paths(r: Reach) -> list[str]:
    from cogov.organizations.models import Organization

    if not r.organization_ids:
        return []
    cached = getattr(r, "_budgeting_org_paths", None)
    if cached is None:
        cached = [
            p
            for p in Organization.objects.filter(pk__in=r.organization_ids).values_list(
                "node__path", flat=True
            )
            if p
        ]
        r._budgeting_org_paths = cached  # type: ignore[attr-defined]
    return list(cached)


@rules.predicate
def reaches_area(user: Any, obj: Any) -> bool:
    """A territorial scope overlapping the round's area (above or below it), or an
    organization based in or above it."""
    node = _node(obj)
    r = reach(user)
    if r.everything:
        return True
    if node is None:
        return False
    return any(_overlaps(node.path, p) for p in r.node_paths + _org_paths(r))


@rules.predicate
def may_propose(user: Any, obj: Any) -> bool:
    """Residents' roles (residents, owners, volunteers), community and grid staff in the area,
    and organizations based in the area (not district departments)."""
    node = _node(obj)
    r = reach(user)
    if r.everything:
        return True
    if node is None:
        return False
    for g in r.grants:
        if (
            g.node_path
            and g.node_level in ("community", "grid", "household")
            and _overlaps(node.path, g.node_path)
        ):
            return True
    return any(p.startswith(node.path) for p in _org_paths(r))


def _role_over(role_key: str) -> rules.Predicate:
    def check(user: Any, obj: Any = None) -> bool:
        node = _node(obj)
        r = reach(user)
        if r.everything:
            return True
        if node is None:
            return False
        return any(
            g.role.key == role_key and g.node_path and node.path.startswith(g.node_path)
            for g in r.grants
        )

    return rules.predicate(check, name=f"is_{role_key}_over")


is_council_recorder = _role_over("party_secretary")
is_street_approver = _role_over("street_official")
