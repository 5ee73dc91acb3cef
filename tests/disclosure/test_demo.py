"""The demo's year of disclosure: obligations for the first street, notices in the first
community, some published late, one missing, a masked 低保 list, a notice in review."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cogov.demo.builder import build
from cogov.disclosure.models import Notice, Objection, Obligation

pytestmark = pytest.mark.django_db


def test_demo_year_has_late_and_missing(db: Any) -> None:
    report = build("tiny", seed=1)
    assert report.counts["disclosure_notices"] > 0
    notice = Notice.objects.filter(status__in=("published", "archived")).first()
    assert notice is not None
    first = notice.community
    states = Obligation.objects.filter(community=first).with_state()
    found = set(states.values_list("state", flat=True))
    today = timezone.localdate()
    if today.month > 1:  # a quarter has ended: something is on time and one is missing
        assert "on_time" in found and "overdue" in found
        missing = states.filter(state="overdue", item_code="working_funds")
        assert missing.count() >= 1
    lists = Notice.objects.filter(community=first, item_code="low_income").exclude(table={})
    for n in lists:
        assert n.table["columns"] == ["姓名", "金额"]
        assert all(row[0][1:] == "×" * (len(row[0]) - 1) for row in n.table["rows"])
    assert Notice.objects.filter(status="in_review").count() == 1
    assert Objection.objects.filter(answered_at__isnull=False).count() <= 1
