"""budgeting.proposals_per_1000 is never stale: submitting a proposal tells the metric caches
(cogov.core.metrics.touched) for the submission date; budgeting does not declare `notifies`
(its denominator, residents, changes through cogov.people, which sends no notice), so the
rollups compute its value afresh on every read instead of caching it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cogov.assessment import rollups
from cogov.assessment.models import Rollup
from cogov.core import metrics
from cogov.core.metrics import Period, cacheable
from cogov.people.selectors import count_residents

from .conftest import make_round, propose

pytestmark = pytest.mark.django_db


def test_a_submitted_proposal_notifies_and_the_rollup_is_fresh(world: Any) -> None:
    heard: list[tuple[str, str, Any]] = []

    def listen(app: str, path: str, days: Any) -> None:
        heard.append((app, path, days))

    metrics.on_touched(listen)
    try:
        c1 = world.nodes["C1"]
        period = Period.year(timezone.localdate().year)
        round = make_round(world)
        residents = count_residents(c1)
        assert residents
        before = rollups.value("budgeting.proposals_per_1000", c1, period)
        assert float(before) == 0
        propose(world, round, "楼道扶手", "3000")
        today = timezone.localdate()
        assert ("budgeting", c1.path, (today,)) in heard
        assert float(rollups.value("budgeting.proposals_per_1000", c1, period)) == pytest.approx(
            1000 / residents, abs=0.01
        )
        assert not cacheable("budgeting.proposals_per_1000")
        assert not Rollup.objects.filter(metric__startswith="budgeting.").exists()
    finally:
        metrics._LISTENERS.remove(listen)
