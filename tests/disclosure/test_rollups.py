"""Cached disclosure.timeliness stays correct: publishing, withdrawing and an obligation's due
date passing (the daily run's overdue claim) tell the rollups, which recompute on the next read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cogov.assessment import rollups
from cogov.assessment.models import Rollup
from cogov.core.metrics import Period, cacheable
from cogov.disclosure import actions, scheduling
from cogov.disclosure.models import Obligation

from .conftest import at, draft, publish, quarterly, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _dirty(node: Any, period: Period) -> bool:
    return Rollup.objects.get(
        metric="disclosure.timeliness", node=node, period_start=period.start,
        period_end=period.end,
    ).dirty  # fmt: skip


def test_timeliness_rollup_is_dirtied_and_recomputed(world: Any, freeze: Any) -> None:
    assert cacheable("disclosure.timeliness")
    today = timezone.localdate()
    scheduling.schedule(today)
    key = scheduling.period_of("quarterly", today).key
    Obligation.objects.exclude(item_code="working_funds", period_key=key).delete()
    c1, c2 = quarterly(world, "C1", key), quarterly(world, "C2", key)
    assert c1.due_on == c2.due_on > today
    s1, month = world.nodes["S1"], Period.month(c1.due_on.year, c1.due_on.month)
    assert rollups.value("disclosure.timeliness", s1, month) is None  # nothing judged yet

    notice = publish(world, draft(world, c1))
    assert _dirty(s1, month)
    assert rollups.value("disclosure.timeliness", s1, month) == 1  # C1 on time, C2 not due
    assert not _dirty(s1, month)

    # C2's due date passes unpublished: the daily run claims it for the overdue reminder and
    # tells the rollups, so the street's value now judges it (one of two on time)
    later = c2.due_on + dt.timedelta(days=3)
    freeze(dt.datetime.combine(later, dt.time(9), tzinfo=at(2026, 1, 1).tzinfo))
    assert scheduling.remind_overdue(later) == 2  # C2 and the other street's community
    assert _dirty(s1, month)
    assert float(rollups.value("disclosure.timeliness", s1, month)) == 0.5

    actions.withdraw(actor=staff(world, notice)[1], notice=notice, reason="数据有误,重新公开")
    assert _dirty(s1, month)
    assert float(rollups.value("disclosure.timeliness", s1, month)) == 0.0
