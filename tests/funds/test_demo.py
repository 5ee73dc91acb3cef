"""The demo's year of community funds reconciles to the cent (tiny scale): every community of
the demo district has last year's funds, spent and closed, and this year's, carried over."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cogov.demo.builder import build
from cogov.funds.ledger import verify
from cogov.funds.models import Fund, JournalEntry
from cogov.funds.selectors import balances
from cogov.territory.models import Node

pytestmark = pytest.mark.django_db


def test_the_demo_ledger_reconciles_to_the_cent(db: Any) -> None:
    report = build("tiny", seed=2)
    assert report.counts["fund_entries"] > 0
    year = timezone.localdate().year
    district = Node.objects.filter(level="district").order_by("code").first()
    assert district is not None
    communities = Node.objects.filter(level="community", path__startswith=district.path)
    for community in communities:
        last = Fund.objects.get(community=community, kind="micro_project", year=year - 1)
        assert last.status == "closed"
        b = balances(last)
        assert b.available == 0 and b.spent > 0 and b.carried_out > 0 and b.reconciles
        current = Fund.objects.get(community=community, kind="party_service", year=year)
        assert current.carried_from is not None
        assert balances(current).by_source.get("carryover", 0) > 0
    assert list(verify()) == []
    out = StringIO()
    call_command("verify-funds", stdout=out)
    assert "reconciles to the cent" in out.getvalue()
    # The same seed tells the same story. The demo's budgeting round (activity_budgeting.py)
    # commits its winners after the funds activity: those entries are not in its count.
    from_budgeting = JournalEntry.objects.filter(budget__source_app="budgeting")
    assert from_budgeting.exists()
    assert report.counts["fund_entries"] == JournalEntry.objects.count() - from_budgeting.count()
