"""Reads of deliberation that pages and other apps use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from cogov.core.policies import get_policy


@dataclass(frozen=True)
class CaseSuggestion:
    category_code: str
    category_name: str
    node_name: str
    node_code: str
    level: str
    cases: int
    since: dt.date

    @property
    def source_ref(self) -> str:
        return f"case-category:{self.category_code}@{self.node_code}"


def recurring_case_suggestions(user: Any, community: Any) -> list[CaseSuggestion]:
    """Case categories with many cases in a grid or in the community over the policy's period:
    candidates for a topic. Read-only, through the cases app's QuerySets (what the user may see)."""
    from cogov.cases.models import Case

    policy = get_policy("deliberation.recurring_cases", community)
    since = timezone.localdate() - dt.timedelta(days=policy.period_days)
    start = dt.datetime.combine(since, dt.time(), tzinfo=timezone.get_current_timezone())
    cases = Case.objects.visible_to(user).in_region(community).filter(reported_at__gte=start)
    found: list[CaseSuggestion] = []
    for row in (
        cases.values("category__code", "category__name", "grid__name", "grid__code")
        .annotate(n=Count("pk"))
        .filter(n__gte=policy.min_cases)
        .order_by("-n")
    ):
        if row["grid__code"]:
            found.append(
                CaseSuggestion(
                    row["category__code"],
                    row["category__name"],
                    row["grid__name"],
                    row["grid__code"],
                    "grid",
                    row["n"],
                    since,
                )
            )
    for row in (
        cases.values("category__code", "category__name")
        .annotate(n=Count("pk"))
        .filter(n__gte=policy.min_cases)
        .order_by("-n")
    ):
        found.append(
            CaseSuggestion(
                row["category__code"],
                row["category__name"],
                community.name,
                community.code,
                "community",
                row["n"],
                since,
            )
        )
    return found
