"""Reads of the points app used by views and the API (a fixed number of queries each)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from cogov.core.metrics import Period

from .models import Account, AccountKind, Activity, EntryKind, Signup, SignupStatus


def parse_month(text: str | None) -> tuple[int, int]:
    """ "2026-05" → (2026, 5); empty → this month; anything else → 404."""
    if not text:
        today = timezone.localdate()
        return today.year, today.month
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise Http404("bad month")
    return int(match[1]), int(match[2])


def calendar(user: Any, year: int, month: int) -> QuerySet[Activity]:
    """The activities of a month the user can see, with counts of places taken."""
    return (
        Activity.objects.visible_to(user)
        .in_month(year, month)
        .select_related("community", "organizer")
        .annotate(
            n_confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
            n_waitlisted=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        )
        .order_by("starts_at", "pk")
    )


def my_signup(user: Any, activity: Activity) -> Signup | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Signup.objects.filter(activity=activity, person__user=user)
        .exclude(status=SignupStatus.CANCELLED)
        .select_related("activity", "person")
        .first()
    )


def roster(activity: Activity) -> QuerySet[Signup]:
    return (
        activity.signups.exclude(status=SignupStatus.CANCELLED)
        .select_related("person", "activity")
        .order_by("status", "created_at", "pk")
    )


@dataclass
class Row:
    display_name: str
    balance: Decimal


def leaderboard(community: Any, limit: int = 50) -> list[Row]:
    """Points earned this year in the community, by those who opted in (default off)."""
    lo, hi = Period.year(timezone.localdate().year).bounds()
    qs = (
        Account.objects.filter(
            community__path__startswith=community.path,
            kind=AccountKind.POINTS,
            leaderboard_opt_in=True,
        )
        .annotate(
            earned=Sum(
                "entries__amount",
                filter=Q(
                    entries__kind=EntryKind.EARN,
                    entries__occurred_at__gte=lo,
                    entries__occurred_at__lt=hi,
                ),
            )
        )
        .select_related("person")
        .order_by("-earned", "pk")[:limit]
    )
    return [Row(a.person.name, a.earned or Decimal(0)) for a in qs]


def month_nav(year: int, month: int) -> dict[str, str]:
    first = dt.date(year, month, 1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return {"prev": f"{prev:%Y-%m}", "next": f"{nxt:%Y-%m}", "this": f"{first:%Y-%m}"}
