"""Reads for progress, findings and the close-out report: GROUP BYs over CampaignHousehold,
a fixed number of queries whatever the size of the campaign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from .models import Campaign, CampaignHousehold, Finding, Visit

LEVEL_FIELD = {"grid": "grid", "community": "community", "street": "street"}


@dataclass
class Row:
    node_id: int
    uuid: Any
    name: str
    code: str
    total: int
    visited: int
    pending: int
    overdue: int

    @property
    def coverage(self) -> float:
        return self.visited / self.total if self.total else 0.0


def progress(campaign: Campaign, entries: QuerySet[CampaignHousehold], level: str) -> list[Row]:
    """Households visited, pending and overdue per grid, community or street (of `entries`,
    usually the visible rows of the campaign). Overdue: pending after the visit deadline."""
    from cogov.territory.models import Node

    field = LEVEL_FIELD[level]
    overdue_now = campaign.visit_due_at is not None and timezone.now() > campaign.visit_due_at
    rows = (
        entries.filter(campaign=campaign)
        .values(field)
        .annotate(total=Count("id"), visited=Count("id", filter=Q(visited_at__isnull=False)))
        .order_by(field)
    )
    counts = {r[field]: r for r in rows}
    nodes = Node.objects.in_bulk([k for k in counts if k is not None])
    out = []
    for node_id, r in counts.items():
        node = nodes.get(node_id)
        if node is None:
            continue
        pending = r["total"] - r["visited"]
        out.append(
            Row(
                node_id,
                node.uuid,
                node.name,
                node.code,
                r["total"],
                r["visited"],
                pending,
                pending if overdue_now else 0,
            )
        )
    return sorted(out, key=lambda row: row.code)


def totals(rows: list[Row]) -> dict[str, int]:
    return {
        "total": sum(r.total for r in rows),
        "visited": sum(r.visited for r in rows),
        "pending": sum(r.pending for r in rows),
        "overdue": sum(r.overdue for r in rows),
    }


def full_coverage_at(campaign: Campaign) -> dt.datetime | None:
    """When the last household was first visited, if every household has been."""
    agg = CampaignHousehold.objects.filter(campaign=campaign).aggregate(
        total=Count("id"),
        pending=Count("id", filter=Q(visited_at__isnull=True)),
        last=Max("visited_at"),
    )
    if not agg["total"] or agg["pending"]:
        return None
    return agg["last"]


def time_to_coverage(campaign: Campaign) -> dt.timedelta | None:
    done = full_coverage_at(campaign)
    if done is None or campaign.activated_at is None:
        return None
    return done - campaign.activated_at


def vulnerable_households(
    campaign: Campaign, entries: QuerySet[CampaignHousehold]
) -> dict[int, set[str]]:
    """Household id → reasons: checklist fields flagged "vulnerable" on visits, and the
    vulnerable tags (cogov.people) of the people living there."""
    from cogov.people.models import VULNERABLE_TAGS, Person

    found: dict[int, set[str]] = {}
    for household_id, label in Finding.objects.filter(
        campaign=campaign, kind="vulnerable", entry__in=entries
    ).values_list("entry__household_id", "label"):
        found.setdefault(household_id, set()).add(label)
    ids = entries.filter(campaign=campaign).values("household_id")
    for household_id, tags in (
        Person.objects.filter(household_id__in=ids)
        .exclude(tags=[])
        .values_list("household_id", "tags")
    ):
        hits = VULNERABLE_TAGS & set(tags or [])
        if hits:
            found.setdefault(household_id, set()).update(str(t) for t in hits)
    return found


def who_did_what(campaign: Campaign, entries: QuerySet[CampaignHousehold]) -> list[dict[str, Any]]:
    """Per participant: households assigned, visited (first visits), revisits, findings."""
    from django.contrib.auth import get_user_model

    assigned = dict(
        entries.filter(campaign=campaign, assignee__isnull=False)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
    )
    visits = Visit.objects.filter(campaign=campaign, entry__in=entries)
    made = dict(visits.values_list("visitor_id").annotate(n=Count("id")))
    firsts = dict(
        entries.filter(campaign=campaign, first_visit__isnull=False)
        .values_list("first_visit__visitor_id")
        .annotate(n=Count("id"))
    )
    found = dict(
        Finding.objects.filter(campaign=campaign, entry__in=entries)
        .values_list("visit__visitor_id")
        .annotate(n=Count("id"))
    )
    ids = set(assigned) | set(made)
    users = get_user_model().objects.in_bulk(list(ids))
    rows = []
    for uid in sorted(ids, key=lambda i: str(users[i]) if i in users else ""):
        rows.append(
            {
                "user": users.get(uid),
                "assigned": assigned.get(uid, 0),
                "visited": firsts.get(uid, 0),
                "revisits": made.get(uid, 0) - firsts.get(uid, 0),
                "findings": found.get(uid, 0),
            }
        )
    return rows
