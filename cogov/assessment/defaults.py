"""The default system "党建引领社区治理": party-building effectiveness and governance effectiveness.

Indicators bind to registered metrics; keys not registered are skipped (and listed).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cogov.core import metrics as registry

from .models import Indicator, IndicatorSystem, Kind, SystemVersion

PARTY = "Party-building effectiveness"
GOVERNANCE = "Governance effectiveness"

DEFAULT_TREE: dict[str, list[str]] = {
    PARTY: [
        "organizations.grid_party_coverage",
        "organizations.building_party_coverage",
        "organizations.dual_report_rate",
        "organizations.in_service_activity_rate",
        "points.active_party_member_share",
    ],
    GOVERNANCE: [
        "cases.on_time_closure_rate",
        "cases.resolution_rate",
        "cases.satisfaction_rate",
        "cases.rework_rate",
        "deliberation.implementation_rate",
        "cooperation.fulfilment_rate",
        "points.volunteer_participation_rate",
    ],
}


@transaction.atomic
def install_default_system(key: str = "party-led-governance") -> tuple[SystemVersion, list[str]]:
    """Create (or return) version 1 of the default system; returns it and the skipped keys."""
    system, _ = IndicatorSystem.objects.get_or_create(
        key=key, defaults={"name": "党建引领社区治理评价"}
    )
    existing = system.versions.order_by("number").first()
    if existing:
        return existing, []
    version = SystemVersion.objects.create(system=system, number=1, params={})
    goal = Indicator.objects.create(version=version, kind=Kind.GOAL, name="党建引领社区治理")
    skipped: list[str] = []
    for i, (block, keys) in enumerate(DEFAULT_TREE.items()):
        crit = Indicator.objects.create(
            version=version, parent=goal, kind=Kind.CRITERION, name=block, order=i, weight=0.5
        )
        for j, k in enumerate(keys):
            try:
                m = registry.get(k)
            except KeyError:
                skipped.append(k)
                continue
            Indicator.objects.create(
                version=version, parent=crit, kind=Kind.INDICATOR, name=str(m.label), order=j,
                metric_key=k, direction=m.direction, unit=str(m.unit),
            )  # fmt: skip
    return version, skipped


def block_analysis(results: list[Any], names: dict[int, str]) -> dict[str, Any]:
    """Pearson and Spearman correlation of the two blocks across units, and the units whose
    blocks diverge (one above the mean, the other below: quadrants II and IV)."""
    import numpy as np

    keys = sorted({k for r in results for k in r.blocks})
    if len(keys) < 2 or len(results) < 3:
        return {"pearson": None, "spearman": None, "points": [], "diverging": []}
    a = np.array([r.blocks.get(keys[0], 0.0) for r in results])
    b = np.array([r.blocks.get(keys[1], 0.0) for r in results])

    def corr(x: Any, y: Any) -> float | None:
        if x.std() == 0 or y.std() == 0:
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
    points = [
        {"name": names.get(r.node_id, str(r.node_id)), "x": float(a[i]), "y": float(b[i])}
        for i, r in enumerate(results)
    ]
    diverging = [p["name"] for p in points if (p["x"] >= ma) != (p["y"] >= mb)]
    return {
        "pearson": corr(a, b),
        "spearman": corr(ranks(a), ranks(b)),
        "points": points,
        "mean": [float(ma), float(mb)],
        "diverging": diverging,
        "blocks": keys,
    }
