"""The objects the role-matrix test checks the budgeting permissions against: published
rounds of the world's three communities (both streets) and of the other district."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cogov.budgeting.models import Round


def _round(node: Any) -> Round:
    now = timezone.now()
    return Round.objects.create(
        node=node,
        year=2026,
        title="民生微实事",
        budget=Decimal("100000"),
        collect_opens_at=now,
        collect_closes_at=now + dt.timedelta(days=30),
        vote_opens_at=now + dt.timedelta(days=40),
        vote_closes_at=now + dt.timedelta(days=47),
        status="collecting",
    )


def budgeting_objects(world: Any, elsewhere: dict[str, Any], persona: str) -> dict[str, list[Any]]:
    rounds = [_round(world.nodes[k]) for k in ("C1", "C2", "C3")] + [_round(elsewhere["C"])]
    return {
        "budgeting.view_round": rounds,
        "budgeting.submit_proposal": rounds,
        "budgeting.manage_round": rounds,
        "budgeting.review_council": rounds,
        "budgeting.approve_round": rounds,
    }
