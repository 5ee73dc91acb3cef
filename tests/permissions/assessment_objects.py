"""The objects the role-matrix test checks the assessment permissions against: rounds over each
of the world's three communities and over the other district's community, and one indicator
system (systems are shared by every district)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cogov.assessment.models import IndicatorSystem, Round, SystemVersion


def assessment_objects(world: Any, elsewhere: dict[str, Any], persona: str) -> dict[str, list[Any]]:
    system = IndicatorSystem.objects.create(key=f"matrix-{persona}", name="体系")
    version = SystemVersion.objects.create(system=system, number=1)
    rounds = [
        Round.objects.create(
            name="考评",
            version=version,
            scope=node,
            level="grid",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2027, 1, 1),
        )
        for node in [world.nodes[k] for k in ("C1", "C2", "C3")] + [elsewhere["C"]]
    ]
    return {
        "assessment.view_round": rounds,
        "assessment.manage_round": rounds,
        "assessment.score_round": rounds,
        "assessment.manage_system": [system],
    }
