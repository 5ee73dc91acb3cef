"""Reads that are more than a QuerySet method: case trends suggested as needs, fund balances,
a unit's record, and who of the five took part in what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from cogov.core.policies import get_policy

from .models import (
    DONE_STATUSES,
    CharityFund,
    LedgerEntry,
    Need,
    ParticipantRole,
    Project,
    ProjectParticipant,
    ProjectResource,
    Resource,
    Wish,
)


@dataclass(frozen=True)
class CaseTrend:
    code: str
    name: str
    count: int
    days: int
    already_raised: bool = False


def case_trends(community: Any, now: dt.datetime | None = None) -> list[CaseTrend]:
    """Case categories with at least `min_cases` cases in the community over the last `days`
    (policy cooperation.case_trends), most frequent first: the platform's suggestions for
    the needs list. Read through the cases app's QuerySet (in_region)."""
    from cogov.cases.models import Case

    rules = get_policy("cooperation.case_trends", community)
    since = (now or timezone.now()) - dt.timedelta(days=rules.days)
    rows = (
        Case.objects.in_region(community)
        .filter(reported_at__gte=since)
        .exclude(status="void")
        .values("category__code", "category__name")
        .annotate(n=Count("pk"))
        .filter(n__gte=rules.min_cases)
        .order_by("-n", "category__code")
    )
    raised = set(
        Need.objects.filter(community=community, source="case_trend")
        .exclude(status__in=("met", "rejected", "withdrawn"))
        .values_list("source_ref", flat=True)
    )
    return [
        CaseTrend(
            r["category__code"],
            r["category__name"],
            r["n"],
            rules.days,
            r["category__code"] in raised,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Balance:
    money: Decimal
    goods: Decimal
    money_in: Decimal
    money_out: Decimal
    goods_in: Decimal
    goods_out: Decimal


def fund_balance(fund: CharityFund) -> Balance:
    """Derived from the ledger, never stored."""
    totals = {
        (d, k): v or Decimal(0)
        for d, k, v in LedgerEntry.objects.filter(fund=fund)
        .values_list("direction", "in_kind")
        .annotate(s=Sum("amount"))
        .values_list("direction", "in_kind", "s")
    }
    mi, mo = totals.get(("in", False), Decimal(0)), totals.get(("out", False), Decimal(0))
    gi, go = totals.get(("in", True), Decimal(0)), totals.get(("out", True), Decimal(0))
    return Balance(mi - mo, gi - go, mi, mo, gi, go)


@dataclass(frozen=True)
class UnitRecord:
    delivered: int
    average_rating: Decimal | None


def unit_records(org_ids: list[int]) -> dict[int, UnitRecord]:
    """Delivered projects and mean rating per lead organization (for matching). One query."""
    rows = (
        Project.objects.filter(lead_organization_id__in=org_ids, status__in=DONE_STATUSES)
        .values("lead_organization_id")
        .annotate(n=Count("pk"), r=Avg("rating"))
    )
    return {
        row["lead_organization_id"]: UnitRecord(
            row["n"], None if row["r"] is None else Decimal(str(row["r"])).quantize(Decimal("0.01"))
        )
        for row in rows
    }


@dataclass
class UnitPage:
    resources: list[Any]
    offered_capacity: int
    used_capacity: int
    needs_claimed: list[Any]
    projects: list[Any]
    delivered: int
    average_rating: Decimal | None
    wishes_fulfilled: int
    participations: list[Any]


def unit_page(org: Any) -> UnitPage:
    """What a unit pledged (resources offered, needs claimed) and delivered (projects led or
    joined, wishes fulfilled, ratings)."""
    resources = list(
        Resource.objects.filter(organization=org).with_committed().select_related("community")
    )
    used = (
        ProjectResource.objects.filter(
            resource__organization=org, project__status__in=DONE_STATUSES
        ).aggregate(s=Sum("quantity"))["s"]
        or 0
    )
    projects = list(
        Project.objects.filter(Q(lead_organization=org) | Q(participants__organization=org))
        .distinct()
        .select_related("community")
        .order_by("-created_at")
    )
    led_done = [
        p for p in projects if p.lead_organization_id == org.pk and p.status in DONE_STATUSES
    ]
    ratings = [p.rating for p in led_done if p.rating is not None]
    return UnitPage(
        resources=resources,
        offered_capacity=sum(
            r.capacity for r in resources if r.status not in ("offered", "declined")
        ),
        used_capacity=int(used),
        needs_claimed=list(Need.objects.filter(claimed_by=org).order_by("-claimed_at")),
        projects=projects,
        delivered=len(led_done),
        average_rating=(sum(ratings, Decimal(0)) / len(ratings)).quantize(Decimal("0.01"))
        if ratings
        else None,
        wishes_fulfilled=Wish.objects.filter(
            claimant_organization=org, status__in=("fulfilled", "acknowledged")
        ).count(),
        participations=list(
            ProjectParticipant.objects.filter(organization=org).select_related("project")
        ),
    )


def linkage_overview(projects: Any) -> list[dict[str, Any]]:
    """Per project: who of the five took part (community = the project's own community;
    social organizations, social workers, volunteer teams, charitable funds, units)."""
    projects = list(projects)
    by_project: dict[int, dict[str, list[Any]]] = {
        p.pk: {r: [] for r in ParticipantRole.values} for p in projects
    }
    for part in ProjectParticipant.objects.filter(project__in=projects).select_related(
        "organization", "certification__person", "fund"
    ):
        by_project[part.project_id][part.role].append(part)
    return [{"project": p, "roles": by_project[p.pk]} for p in projects]
