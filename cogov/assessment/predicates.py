"""Predicates of assessment: evaluators and administrators manage, metrics holders view,
appointed evaluators score."""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.scopes import reach

EVALUATOR = "evaluator"


def _node(obj: Any) -> Any:
    """The territory node an object is judged by: a round's scope, a unit's node, a node."""
    for attr in ("scope", "node"):
        value = getattr(obj, attr, None)
        if value is not None:
            return value
    return obj if hasattr(obj, "path") and hasattr(obj, "level") else None


def _evaluator_paths(user: Any) -> list[str]:
    return [g.node_path for g in reach(user).grants if g.role.key == EVALUATOR and g.node_path]


@rules.predicate
def manages_assessment(user: Any, obj: Any = None) -> bool:
    """Administrator, or an evaluator whose district contains the round's scope."""
    r = reach(user)
    if r.everything:
        return True
    paths = _evaluator_paths(user)
    node = _node(obj)
    if node is None:
        return bool(paths)
    return any(node.path.startswith(p) for p in paths)


@rules.predicate
def manages_systems(user: Any, obj: Any = None) -> bool:
    """Indicator systems are shared by every district: administrators and evaluators."""
    r = reach(user)
    return r.everything or bool(_evaluator_paths(user))


@rules.predicate
def is_round_evaluator(user: Any, obj: Any = None) -> bool:
    """Appointed as one of the round's evaluators (manual scores: inspections, surveys)."""
    if obj is None or not hasattr(obj, "evaluators"):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(obj.evaluators.filter(pk=user.pk).exists())


@rules.predicate
def views_assessment(user: Any, obj: Any = None) -> bool:
    """Anyone with the metrics capability over the node, or above/below it (a street official
    sees a district round; results are then limited to their street)."""
    r = reach(user)
    if r.everything:
        return True
    paths = r.paths_with("metrics")
    node = _node(obj)
    if node is None:
        return bool(paths)
    return any(node.path.startswith(p) or p.startswith(node.path) for p in paths)


def cell(*, manage: bool = False, systems: bool = False) -> Any:
    """The role-matrix cell (cogov.accounts.matrix) from the same sets as the predicates."""
    from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE

    def rule(role: Any) -> str:
        if role.scope == "global":
            return ALLOWED
        if systems:
            return ALLOWED if role.key == EVALUATOR else DENIED
        if manage:
            return OWN_SCOPE if role.key == EVALUATOR else DENIED
        return OWN_SCOPE if role.can("metrics") else DENIED

    return rule
