"""The four deliberation metrics, computed from events and rows after a full path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cogov.core.metrics import Period, compute
from cogov.deliberation import actions as a

from .test_four_deliberations_path import run_to_decision

pytestmark = pytest.mark.django_db


def test_metrics_after_a_decision(delib) -> None:
    w = delib
    topic = run_to_decision(w)
    period = Period.year(timezone.localdate().year)
    assert compute("deliberation.resolution_share", w.C1, period) == 1
    participation = compute("deliberation.participation_rate", w.C1, period)
    assert participation is not None and participation == 1  # every one signed in
    days = compute("deliberation.days_to_decision", w.C1, period)
    assert days is not None and days >= 0
    # a second topic accepted but not decided halves the share
    other = a.propose_topic(
        actor=w.party_secretary, node=w.C1, title="另一议题", description="d", source="party"
    )
    from .conftest import four_deliberations

    a.accept_topic(actor=w.party_secretary, topic=other, procedure=four_deliberations())
    assert str(compute("deliberation.resolution_share", w.C1, period)) == "0.5000"
    # implementation: one task done on time, one overdue and open
    resolution = a.draft_resolution(
        actor=w.community_worker, topic=topic, title="决议", text_of_resolution="正文"
    )
    a.publish_resolution(actor=w.community_worker, resolution=resolution)
    today = timezone.localdate()
    done = a.add_task(
        actor=w.community_worker,
        resolution=resolution,
        title="t1",
        owner=w.community_worker,
        due_on=today,
    )
    a.complete_task(actor=w.community_worker, task=done, report="ok")
    a.add_task(
        actor=w.community_worker,
        resolution=resolution,
        title="t2",
        owner=w.community_worker,
        due_on=today - dt.timedelta(days=1),
    )
    if today.timetuple().tm_yday > 1:
        assert str(compute("deliberation.implementation_rate", w.C1, period)) == "0.0000"
    assert compute("deliberation.resolution_share", w.C2, period) is None
