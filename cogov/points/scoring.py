"""A party member's yearly score, computed from the scheme and the records, every item traceable.

    score = yearly_score(member, 2026)
    score.total, score.buckets["task"], [i.evidence for i in score.items]

Buckets (policy `points.party`, in force on 31 December of the year):
- base: starts at `base_points`; approved deductions apply; floor 0;
- task: approved task records plus `volunteer_points_per_activity` for each volunteer activity
  attended (its sign-up and ledger entry are the evidence); each month's sum is cut to
  `task_monthly_cap`, the year's to `task_points`;
- bonus: approved bonus records (evidence and approval), cut to `bonus_points` a year;
- extra: approved extra records, reported beside the total, never in it.

Items are taken in date order; when a cap cuts, the later items lose (`counted` shows what each
item contributed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cogov.core.metrics import Period
from cogov.core.policies import get_policy

from .models import Entry, EntryKind, PartyRecord, RecordStatus, Signup
from .policy_kinds import PARTY

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Evidence:
    kind: str  # "record", "approval", "activity", "signup", "entry", "document"
    ref: str  # a uuid, or a document reference
    label: str = ""


@dataclass
class ScoreItem:
    bucket: str
    code: str
    label: str
    on: dt.date
    points: Decimal  # as the rule gives it
    counted: Decimal = ZERO  # what it contributed after caps and the floor
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Score:
    member: Any
    year: int
    items: list[ScoreItem]
    buckets: dict[str, Decimal]
    total: Decimal
    extra: Decimal


def yearly_score(member: Any, year: int) -> Score:
    scheme = get_policy(PARTY, member.branch.node, on=dt.date(year, 12, 31))
    items = _record_items(member, year) + _volunteer_items(member, year, scheme)
    items.sort(key=lambda i: (i.on, i.bucket, i.code))

    base = Decimal(scheme.base_points)
    for item in (i for i in items if i.bucket == "base"):
        item.counted = max(item.points, -base)  # never below the floor of 0
        base += item.counted

    task_total, by_month = ZERO, dict[int, Decimal]()
    for item in (i for i in items if i.bucket == "task"):
        month_used = by_month.get(item.on.month, ZERO)
        allowed = min(
            item.points,
            max(ZERO, scheme.task_monthly_cap - month_used),
            max(ZERO, scheme.task_points - task_total),
        )
        item.counted = allowed
        by_month[item.on.month] = month_used + allowed
        task_total += allowed

    bonus_total = ZERO
    for item in (i for i in items if i.bucket == "bonus"):
        item.counted = min(item.points, max(ZERO, scheme.bonus_points - bonus_total))
        bonus_total += item.counted

    extra = ZERO
    for item in (i for i in items if i.bucket == "extra"):
        item.counted = item.points
        extra += item.points

    buckets = {"base": base, "task": task_total, "bonus": bonus_total, "extra": extra}
    q = Decimal("0.01")
    for item in items:
        item.counted = Decimal(item.counted).quantize(q)
    buckets = {k: v.quantize(q) for k, v in buckets.items()}
    total = (buckets["base"] + buckets["task"] + buckets["bonus"]).quantize(q)
    return Score(member, year, items, buckets, total, buckets["extra"])


def _record_items(member: Any, year: int) -> list[ScoreItem]:
    records = (
        PartyRecord.objects.filter(
            member=member,
            status=RecordStatus.APPROVED,
            occurred_on__gte=dt.date(year, 1, 1),
            occurred_on__lte=dt.date(year, 12, 31),
        )
        .prefetch_related("events")
        .order_by("occurred_on", "pk")
    )
    items = []
    for r in records:
        evidence = [Evidence("record", str(r.uuid), r.label)]
        for event in r.events.all():
            if event.to_status == RecordStatus.APPROVED:
                evidence.append(Evidence("approval", str(event.pk), event.note))
        for doc in r.evidence:
            evidence.append(Evidence("document", str(doc.get("ref", doc)), doc.get("label", "")))
        items.append(
            ScoreItem(
                r.bucket, r.code, r.label, r.occurred_on, Decimal(r.points), evidence=evidence
            )
        )
    return items


def _volunteer_items(member: Any, year: int, scheme: Any) -> list[ScoreItem]:
    if scheme.volunteer_points_per_activity <= 0:
        return []
    lo, hi = Period.year(year).bounds()
    signups = (
        Signup.objects.attended()
        .filter(person_id=member.person_id, checked_out_at__gte=lo, checked_out_at__lt=hi)
        .select_related("activity")
        .order_by("checked_out_at", "pk")
    )
    entries = {
        e.signup_id: e
        for e in Entry.objects.filter(
            signup__in=signups, kind=EntryKind.EARN, rule__startswith="volunteer:"
        )
    }
    items = []
    for s in signups:
        evidence = [
            Evidence("activity", str(s.activity.uuid), s.activity.title),
            Evidence("signup", str(s.uuid), f"{s.hours} h"),
        ]
        entry = entries.get(s.pk)
        if entry is not None:
            evidence.append(Evidence("entry", str(entry.uuid), f"{entry.amount}"))
        items.append(
            ScoreItem(
                "task",
                "volunteer",
                s.activity.title,
                timezone.localdate(s.checked_out_at),
                Decimal(scheme.volunteer_points_per_activity),
                evidence=evidence,
            )
        )
    return items
