"""Predicates of assessment: evaluators and administrators manage, metrics holders view."""

from __future__ import annotations

from typing import Any

import rules

from cogov.accounts.scopes import reach


def _node(obj: Any) -> Any:
    return getattr(obj, "scope", None) or getattr(obj, "node", None) or obj


@rules.predicate
def manages_assessment(user: Any, obj: Any = None) -> bool:
    """Administrator, or an evaluator whose district contains the round's scope."""
    r = reach(user)
    if r.everything:
        return True
    node = _node(obj)
    paths = [g.node_path for g in r.grants if g.role.key == "evaluator" and g.node_path]
    if node is None:
        return bool(paths)
    return any(node.path.startswith(p) for p in paths)


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
