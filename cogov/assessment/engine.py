"""Compute a round: gather inputs (live metrics, manual scores, weights) into a JSON snapshot,
then score the snapshot. `score_snapshot` is a pure function of the snapshot, so recomputing a
published round from its snapshot reproduces it exactly."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from cogov.core import metrics as registry
from cogov.core.metrics import Period
from cogov.core.policies import get_policy

from . import methods
from .models import ORG_LEVELS, Indicator, Kind, Round

DEFAULT_PARAMS: dict[str, Any] = {
    "weighting": "subjective",
    "combine": "multiplicative",
    "alpha": 0.5,
    "ahp_method": "eigenvector",
    "ri_table": "saaty",
    "scoring": "weighted_sum",
    "normalisation": "minmax",
    "rho": 0.5,
    "fuzzy_operator": "M(·,+)",
    "fuzzy_points": [0.2, 0.45, 0.7, 0.9],  # grade centres on the 0-1 normalised scale
    "grade_scores": [50, 67, 82, 95],  # 不称职 → 优秀, low to high
}
GRADES = ("excellent", "competent", "basic", "incompetent")


def local_weights(
    node: Indicator, children: list[Indicator], params: dict[str, Any]
) -> list[float]:
    """AHP over the experts' matrices (group geometric mean) if any, else the given weights."""
    if node.judgements:
        matrix = methods.group_matrix(node.judgements)
        if matrix.shape[0] != len(children):
            raise ValueError(
                _("The judgements of “%(name)s” do not match its children.") % {"name": node.name}
            )
        res = methods.ahp(matrix, method=params["ahp_method"], ri_table=params["ri_table"])
        return [float(w) for w in res.weights]
    given = [c.weight for c in children]
    if all(g is not None for g in given) and sum(given) > 0:  # type: ignore[arg-type]
        total = sum(given)  # type: ignore[arg-type]
        return [float(g) / total for g in given]  # type: ignore[arg-type]
    return [1 / len(children)] * len(children)


def tree_leaves(version_id: int, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Leaves with their global subjective weight and their top-level block."""
    nodes = list(Indicator.objects.filter(version_id=version_id))
    kids: dict[int | None, list[Indicator]] = {}
    for n in nodes:
        kids.setdefault(n.parent_id, []).append(n)
    for v in kids.values():
        v.sort(key=lambda n: (n.order, n.pk))
    leaves: list[dict[str, Any]] = []

    def walk(node: Indicator, weight: float, block: Indicator | None) -> None:
        children = kids.get(node.pk, [])
        if node.kind == Kind.INDICATOR or not children:
            if node.kind == Kind.INDICATOR:
                leaves.append(
                    {
                        "id": node.pk,
                        "name": node.name,
                        "metric": node.metric_key,
                        "manual": node.manual,
                        "direction": node.direction,
                        "weight": weight,
                        "block": block.pk if block else None,
                        "block_name": block.name if block else "",
                    }
                )
            return
        for child, w in zip(children, local_weights(node, children, params), strict=True):
            walk(child, weight * w, child if node.parent_id is None else block)

    for root in kids.get(None, []):
        walk(root, 1.0, None)
    return leaves


def round_units(rnd: Round) -> list[dict[str, Any]]:
    """The units a round evaluates: territory nodes of its level under its scope, or the active
    departments / party organizations based under its scope (`node`: where their metric
    indicators are read, their own node)."""
    from cogov.organizations.models import Organization
    from cogov.territory.models import Node

    if rnd.level in ORG_LEVELS:
        orgs = (
            Organization.objects.active()
            .of_kind(*ORG_LEVELS[rnd.level])
            .within(rnd.scope)
            .select_related("node")
            .order_by("name", "pk")
        )
        return [
            {"id": o.pk, "name": o.name, "code": f"org-{o.pk}", "kind": "organization",
             "node": o.node}
            for o in orgs
        ]  # fmt: skip
    nodes = Node.objects.within(rnd.scope).of_level(rnd.level).order_by("code")
    return [{"id": n.pk, "name": n.name, "code": n.code, "kind": "node", "node": n} for n in nodes]


def availability(metric_key: str, level: str | None = None) -> str:
    """ "" when the metric can be read (for units of `level`), else why not: "missing" (no app
    registers it: not installed yet) or "level" (not defined for that level)."""
    try:
        metric = registry.get(metric_key)
    except KeyError:
        return "missing"
    if level is not None and level not in ORG_LEVELS and level not in metric.levels:
        return "level"
    return ""


def gather(rnd: Round) -> dict[str, Any]:
    """Read everything the round needs, now, into a JSON-serialisable snapshot."""
    params = {**DEFAULT_PARAMS, **rnd.version.params}
    period = Period(rnd.period_start, rnd.period_end)
    units = round_units(rnd)
    leaves = tree_leaves(rnd.version_id, params)
    manual = {
        (m.unit_id, m.indicator_id): m.value
        for m in rnd.manual_scores.all()  # type: ignore[attr-defined]
    }
    skipped: list[str] = []
    unavailable: list[dict[str, str]] = []
    usable = []
    for leaf in leaves:
        if leaf["manual"]:
            usable.append(leaf)
            continue
        why = availability(leaf["metric"], rnd.level)
        if why:
            skipped.append(leaf["metric"])
            unavailable.append({"indicator": leaf["name"], "metric": leaf["metric"], "why": why})
            continue
        usable.append(leaf)
    # Each metric for all the units' nodes at once (its batched form: a fixed number of queries).
    computed: dict[str, dict[int, Any]] = {}
    nodes = {u["node"].pk: u["node"] for u in units if u["node"] is not None}
    for leaf in usable:
        if leaf["manual"] or leaf["metric"] in computed:
            continue
        levels = registry.get(leaf["metric"]).levels
        computed[leaf["metric"]] = registry.compute_many(
            leaf["metric"], [n for n in nodes.values() if n.level in levels], period
        )
    values: dict[str, dict[str, float | None]] = {}
    for unit in units:
        row: dict[str, float | None] = {}
        for leaf in usable:
            if leaf["manual"]:
                row[str(leaf["id"])] = manual.get((unit["id"], leaf["id"]))
                continue
            node = unit["node"]
            v = None if node is None else computed[leaf["metric"]].get(node.pk)
            row[str(leaf["id"])] = None if v is None else float(v)
        values[str(unit["id"])] = row
    thresholds = get_policy("assessment.grades", rnd.scope, on=rnd.period_end)
    return {
        "period": [rnd.period_start.isoformat(), rnd.period_end.isoformat()],
        "level": rnd.level,
        "units": [{k: u[k] for k in ("id", "name", "code", "kind")} for u in units],
        "indicators": usable,
        "skipped_metrics": skipped,
        "unavailable": unavailable,
        "values": values,
        "params": params,
        "grades": thresholds.model_dump(),
    }


def score_snapshot(snap: dict[str, Any]) -> list[dict[str, Any]]:
    """Scores 0-100, ranks (ties share the better rank), grades and block scores per unit.

    Missing values take the column's worst observed value; a column with no value is dropped.
    """
    params = snap["params"]
    units = snap["units"]
    if not units:
        return []
    cols = []
    for ind in snap["indicators"]:
        column = [snap["values"][str(u["id"])].get(str(ind["id"])) for u in units]
        present = [v for v in column if v is not None]
        if not present:
            continue
        worst = min(present) if ind["direction"] == "benefit" else max(present)
        cols.append((ind, [worst if v is None else v for v in column]))
    n = len(units)
    if not cols:
        scores = np.zeros(n)
        blocks: dict[str, np.ndarray] = {}
    else:
        x = np.array([c[1] for c in cols], dtype=float).T
        dirs = [c[0]["direction"] for c in cols]
        subjective = np.array([c[0]["weight"] for c in cols], dtype=float)
        w = subjective
        if params["weighting"] in ("entropy", "combined") and n >= 2:
            objective = methods.entropy_weights(x, dirs, "minmax")
            if params["weighting"] == "entropy":
                w = objective
            else:
                w = methods.combine_weights(
                    subjective, objective, method=params["combine"], alpha=params["alpha"]
                )
        scores = _score(x, w, dirs, params)
        y = methods.normalise(x, dirs, params["normalisation"])
        blocks = {}
        for key in {str(c[0]["block"]) for c in cols}:
            idx = [i for i, c in enumerate(cols) if str(c[0]["block"]) == key]
            bw = w[idx] if w[idx].sum() > 0 else np.ones(len(idx))
            blocks[key] = 100 * (y[:, idx] @ (bw / bw.sum()))
    order = sorted(range(n), key=lambda i: -scores[i])
    ranks = [0] * n
    for pos, i in enumerate(order):
        prev = order[pos - 1] if pos else None
        same = prev is not None and math.isclose(scores[i], scores[prev], abs_tol=1e-9)
        ranks[i] = ranks[prev] if same and prev is not None else pos + 1
    g = snap["grades"]
    out = []
    for i, u in enumerate(units):
        s = round(float(scores[i]), 6)
        grade = (
            "excellent"
            if s >= g["excellent"]
            else "competent"
            if s >= g["competent"]
            else "basic"
            if s >= g["basic"]
            else "incompetent"
        )
        out.append(
            {
                "unit": u["id"],
                "score": s,
                "rank": ranks[i],
                "grade": grade,
                "blocks": {k: round(float(v[i]), 6) for k, v in blocks.items()},
            }
        )
    return out


def _score(x: np.ndarray, w: np.ndarray, dirs: list[str], params: dict[str, Any]) -> np.ndarray:
    method = params["scoring"]
    if x.shape[0] == 1:
        return np.array([100.0])
    if method == "weighted_sum":
        return 100 * methods.weighted_sum(x, w, dirs, params["normalisation"])
    if method == "topsis":
        return 100 * methods.topsis(x, w, dirs)
    if method == "grey":
        return 100 * methods.grey_relational(x, w, dirs, params["rho"])
    if method == "fuzzy":
        y = methods.normalise(x, dirs, "minmax")
        out = []
        for row in y:
            r = np.array([methods.membership(v, params["fuzzy_points"]) for v in row])
            res = methods.fuzzy_evaluation(r, w, params["grade_scores"], params["fuzzy_operator"])
            out.append(res.score)
        return np.array(out)
    raise ValueError(f"unknown scoring method {method!r}")


def profiles(snap: dict[str, Any]) -> dict[str, Any]:
    """Each unit's indicator values normalised to 0-100 (min-max, higher is better), for the
    radar: {"indicators": [name, ...], "units": {unit id: [value, ...]}}."""
    units = snap.get("units", [])
    cols = []
    for ind in snap.get("indicators", []):
        column = [snap["values"][str(u["id"])].get(str(ind["id"])) for u in units]
        present = [v for v in column if v is not None]
        if present:
            worst = min(present) if ind["direction"] == "benefit" else max(present)
            cols.append((ind, [worst if v is None else v for v in column]))
    if not units or not cols:
        return {"indicators": [], "units": {}}
    x = np.array([c[1] for c in cols], dtype=float).T
    y = 100 * methods.normalise(x, [c[0]["direction"] for c in cols], "minmax")
    return {
        "indicators": [c[0]["name"] for c in cols],
        "units": {str(u["id"]): [round(float(v), 2) for v in y[i]] for i, u in enumerate(units)},
    }
