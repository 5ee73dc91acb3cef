"""The default system "党建引领社区治理": party-building effectiveness and governance effectiveness.

Indicators bind to registered metrics (or are manual inputs); a bound metric no app registers
yet stays in the tree and is reported as "metric not available" by every round that uses it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cogov.core import metrics as registry

from .models import Indicator, IndicatorSystem, Kind, SystemVersion

PARTY = "党建引领成效"  # party-building effectiveness
GOVERNANCE = "基层治理成效"  # governance effectiveness

# A leaf is a registered metric key, or ("manual", name, unit) for an evaluator's score.
Leaf = str | tuple[str, str, str]
DEFAULT_TREE: dict[str, list[Leaf]] = {
    PARTY: [
        "organizations.grid_party_coverage",  # coverage
        "organizations.building_party_coverage",
        "organizations.dual_report_rate",  # 双报到 activity
        "organizations.in_service_activity_rate",
        "points.active_party_member_share",  # party points
        ("manual", "党群服务阵地达标", "分"),  # service sites up to standard (inspection)
    ],
    GOVERNANCE: [
        "cases.response_rate",  # the three rates
        "cases.resolution_rate",
        "cases.satisfaction_rate",
        "cases.on_time_closure_rate",
        "deliberation.participation_rate",
        "deliberation.implementation_rate",
        "points.hours_per_1000_residents",  # volunteer hours
        "funds.execution_rate",  # fund execution: the funds app registers it
        ("manual", "居民满意度测评", "分"),  # satisfaction survey
    ],
}
# Names for bound metrics that may not be registered yet (their app not installed): the
# indicator is created anyway and reads "metric not available" until the app lands.
FALLBACK_NAMES = {
    "funds.execution_rate": "资金执行率",
    "funds.resident_decided_share": "居民决定资金占比",
    "budgeting.proposals_per_1000": "每千人参与式预算提案数",
    "disclosure.timeliness": "公开及时率",
}


@transaction.atomic
def install_default_system(key: str = "party-led-governance") -> tuple[SystemVersion, list[str]]:
    """Create (or return) version 1 of the default system; returns it and the bound metric
    keys no app registers yet (their indicators exist and are reported as not available)."""
    system, _ = IndicatorSystem.objects.get_or_create(
        key=key, defaults={"name": "党建引领社区治理评价"}
    )
    existing = system.versions.order_by("number").first()
    if existing:
        return existing, []
    version = SystemVersion.objects.create(system=system, number=1, params={})
    goal = Indicator.objects.create(version=version, kind=Kind.GOAL, name="党建引领社区治理")
    missing: list[str] = []
    for i, (block, leaves) in enumerate(DEFAULT_TREE.items()):
        crit = Indicator.objects.create(
            version=version, parent=goal, kind=Kind.CRITERION, name=block, order=i, weight=0.5
        )
        for j, leaf in enumerate(leaves):
            if isinstance(leaf, tuple):
                _kind, name, unit = leaf
                Indicator.objects.create(
                    version=version, parent=crit, kind=Kind.INDICATOR, name=name, order=j,
                    manual=True, unit=unit,
                )  # fmt: skip
                continue
            try:
                m = registry.get(leaf)
                name, direction, unit = str(m.label), m.direction, str(m.unit)
            except KeyError:
                missing.append(leaf)
                name, direction, unit = FALLBACK_NAMES.get(leaf, leaf), "benefit", ""
            Indicator.objects.create(
                version=version, parent=crit, kind=Kind.INDICATOR, name=name, order=j,
                metric_key=leaf, direction=direction, unit=unit,
            )  # fmt: skip
    return version, missing


def block_analysis(
    results: list[Any], names: dict[int, str], snapshot: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Pearson and Spearman correlation of the first two blocks (top-level criteria) across
    units, and the units whose blocks diverge: one block at or above its mean and the other
    below (quadrants II and IV of the chart), strongest divergence first."""
    import numpy as np

    keys = sorted({k for r in results for k in r.blocks}, key=lambda k: (len(k), k))
    block_names = {}
    for ind in (snapshot or {}).get("indicators", []):
        block_names[str(ind.get("block"))] = ind.get("block_name") or ""
    if len(keys) < 2 or not results:
        return {"pearson": None, "spearman": None, "points": [], "diverging": [], "mean": [0, 0],
                "blocks": [block_names.get(k, k) for k in keys]}  # fmt: skip
    a = np.array([r.blocks.get(keys[0], 0.0) for r in results])
    b = np.array([r.blocks.get(keys[1], 0.0) for r in results])

    def corr(x: Any, y: Any) -> float | None:
        if len(x) < 3 or x.std() == 0 or y.std() == 0:  # no correlation below three units
            return None
        return float(np.corrcoef(x, y)[0, 1])

    def ranks(x: Any) -> Any:
        order = x.argsort()
        r = np.empty(len(x))
        r[order] = np.arange(len(x))
        for v in np.unique(x):  # average ranks for ties
            r[x == v] = r[x == v].mean()
        return r

    ma, mb = a.mean(), b.mean()
    points: list[dict[str, Any]] = [
        {
            "name": names.get(r.unit_id, str(r.unit_id)),
            "x": float(a[i]),
            "y": float(b[i]),
            "diverges": bool((a[i] >= ma) != (b[i] >= mb)),
            "gap": float(abs((a[i] - ma) - (b[i] - mb))),
        }
        for i, r in enumerate(results)
    ]
    diverging = [
        p["name"] for p in sorted((p for p in points if p["diverges"]), key=lambda p: -p["gap"])
    ]
    return {
        "pearson": corr(a, b),
        "spearman": corr(ranks(a), ranks(b)),
        "points": points,
        "mean": [float(ma), float(mb)],
        "diverging": diverging,
        "party_strong": [p["name"] for p in points if p["diverges"] and p["x"] >= ma],
        "governance_strong": [p["name"] for p in points if p["diverges"] and p["y"] >= mb],
        "blocks": [block_names.get(k, k) for k in keys[:2]],
    }
