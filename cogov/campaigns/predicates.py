"""Who may do what in a campaign. Named permissions are composed in rules.py.

Running a campaign (create, activate, assign, call up, close) belongs to the community's
workers and party secretary inside their community and to street officials across their
street; the campaign must lie wholly inside the scope (its `node`). Assigned people see and
visit only the households assigned to them.
"""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.scopes import Reach, reach

RUN_ROLES = frozenset({"community_worker", "party_secretary", "street_official"})
VIEW_ROLES = RUN_ROLES | {"evaluator"}


def role_paths(r: Reach, roles: frozenset[str]) -> list[str]:
    """Territory paths where the user holds one of `roles`."""
    return sorted({g.node_path for g in r.grants if g.node_path and g.role.key in roles})


def runs_over(user: Any, path: str | None) -> bool:
    """Does the user run campaigns over the node at `path` (all of it)?"""
    r = reach(user)
    if r.everything:
        return True
    return bool(path) and any(path.startswith(p) for p in role_paths(r, RUN_ROLES))  # type: ignore[union-attr]


@rules.predicate
def can_create_campaign(user: Any, node: Any = None) -> bool:
    """Create a campaign over `node` (None: anywhere the user runs campaigns)."""
    if node is None:
        r = reach(user)
        return r.everything or bool(role_paths(r, RUN_ROLES))
    return runs_over(user, node.path)


@rules.predicate
def can_run_campaign(user: Any, campaign: Any) -> bool:
    return campaign is not None and runs_over(user, campaign.node.path)


@rules.predicate
def can_view_campaign(user: Any, campaign: Any) -> bool:
    if campaign is None:
        return False
    from .models import Campaign

    return Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists()


@rules.predicate
def can_visit_household(user: Any, entry: Any) -> bool:
    """The household's assignee, or someone who runs campaigns over it."""
    if entry is None or not getattr(user, "is_authenticated", False):
        return False
    return entry.assignee_id == user.pk or runs_over(user, entry.territory_path)


@rules.predicate
def can_manage_household(user: Any, entry: Any) -> bool:
    """Reassign a household: who runs campaigns over it."""
    return entry is not None and runs_over(user, entry.territory_path)


@rules.predicate
def can_hand_off(user: Any, finding: Any) -> bool:
    """Send a finding on: who runs campaigns over the household, or its assignee."""
    if finding is None:
        return False
    entry = finding.entry
    return entry.assignee_id == user.pk or runs_over(user, entry.territory_path)
