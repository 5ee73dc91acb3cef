"""Metrics of the organizations app: coverage of party organizations (buildings, grids,
non-public enterprises, social organizations), 双报到 and activity rates of in-service members,
and service hours. Units' contributions as a scorecard: `unit_scorecard`.

Coverage is a state, read as it is now; the rates over members use the period.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from cogov.core.metrics import Period, ratio, register
from cogov.territory.models import Building, Level, Node

from .models import (
    PARTY_KINDS,
    BuildingParty,
    Organization,
    OrgKind,
    PostClaim,
    Report,
    ReportStatus,
    ServiceRecord,
)

ENTERPRISE_KINDS = (OrgKind.PROPERTY_COMPANY,)
SOCIAL_KINDS = (OrgKind.SOCIAL_ORG,)


@register(
    "organizations.building_party_coverage",
    _("Buildings with a party group or building head"),
    unit="%",
)
def building_party_coverage(node: Any, period: Period) -> Decimal | None:
    buildings = Building.objects.filter(grid__path__startswith=node.path)
    covered = BuildingParty.objects.filter(building__in=buildings).filter(
        Q(party_group__active=True) | Q(head__isnull=False)
    )
    return ratio(covered.count(), buildings.count())


@register(
    "organizations.grid_party_coverage",
    _("Grids with a party branch or group"),
    unit="%",
    levels=("district", "street", "community"),
)
def grid_party_coverage(node: Any, period: Period) -> Decimal | None:
    grids = Node.objects.filter(path__startswith=node.path, level=Level.GRID, valid_to__isnull=True)
    covered = grids.filter(
        Exists(
            Organization.objects.filter(
                node=OuterRef("pk"),
                active=True,
                kind__in=(OrgKind.PARTY_BRANCH, OrgKind.PARTY_GROUP),
            )
        )
    )
    return ratio(covered.count(), grids.count())


def _org_coverage(node: Any, kinds: tuple[str, ...]) -> Decimal | None:
    orgs = Organization.objects.filter(
        node__path__startswith=node.path, kind__in=kinds, active=True
    )
    covered = orgs.filter(
        Q(party_organization__active=True)
        | Exists(
            Organization.objects.filter(parent=OuterRef("pk"), kind__in=PARTY_KINDS, active=True)
        )
    )
    return ratio(covered.count(), orgs.count())


@register(
    "organizations.enterprise_party_coverage",
    _("Non-public enterprises with a party organization"),
    unit="%",
    levels=("district", "street", "community"),
)
def enterprise_party_coverage(node: Any, period: Period) -> Decimal | None:
    return _org_coverage(node, ENTERPRISE_KINDS)


@register(
    "organizations.social_org_party_coverage",
    _("Social organizations with a party organization"),
    unit="%",
    levels=("district", "street", "community"),
)
def social_org_party_coverage(node: Any, period: Period) -> Decimal | None:
    return _org_coverage(node, SOCIAL_KINDS)


def _in_service_residents(node: Any) -> Any:
    from cogov.people.models import PartyMember

    return PartyMember.objects.filter(in_service=True, person__grid__path__startswith=node.path)


def _reported(node: Any, period: Period) -> Any:
    """In-service members living in the node with a registration confirmed by the period's end
    and not ended before it began."""
    return _in_service_residents(node).filter(
        Exists(
            Report.objects.filter(
                member=OuterRef("pk"),
                status__in=(ReportStatus.CONFIRMED, ReportStatus.ENDED),
                confirmed_on__lt=period.end,
            ).exclude(ended_on__lt=period.start)
        )
    )


@register(
    "organizations.dual_report_rate",
    _("In-service party members who reported to their community (双报到)"),
    unit="%",
)
def dual_report_rate(node: Any, period: Period) -> Decimal | None:
    return ratio(_reported(node, period).count(), _in_service_residents(node).count())


@register(
    "organizations.in_service_activity_rate",
    _("Reported in-service members who served in the period"),
    unit="%",
)
def in_service_activity_rate(node: Any, period: Period) -> Decimal | None:
    reported = _reported(node, period)
    active = reported.filter(
        Exists(
            ServiceRecord.objects.confirmed()
            .between(period.start, period.end)
            .filter(member=OuterRef("pk"))
        )
    )
    return ratio(active.count(), reported.count())


@register(
    "organizations.service_hours",
    _("Confirmed service hours of in-service members"),
    unit=_("hours"),
)
def service_hours(node: Any, period: Period) -> Decimal | None:
    total = (
        ServiceRecord.objects.confirmed()
        .between(period.start, period.end)
        .filter(community__path__startswith=node.path)
        .aggregate(h=Sum("hours"))["h"]
    )
    return Decimal(total or 0)


def unit_scorecard(community: Any, period: Period) -> list[dict[str, Any]]:
    """Each employer's contribution in a community over a period: confirmed hours of its
    members, posts claimed, members who served. Two queries."""
    hours: dict[Any, Any] = {
        row["employer"]: row
        for row in ServiceRecord.objects.confirmed()
        .between(period.start, period.end)
        .filter(community=community, employer__isnull=False)
        .values("employer")
        .annotate(hours=Sum("hours"), members=Count("member", distinct=True))
    }
    lo, hi = period.bounds()
    claims = dict(
        PostClaim.objects.filter(
            post__community=community, employer__isnull=False, claimed_at__gte=lo, claimed_at__lt=hi
        )
        .values_list("employer")
        .annotate(n=Count("pk"))
        .values_list("employer", "n")
    )
    ids = set(hours) | set(claims)
    names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [
        {
            "employer_id": pk,
            "name": names.get(pk, ""),
            "hours": Decimal(hours.get(pk, {}).get("hours") or 0),
            "members": hours.get(pk, {}).get("members", 0),
            "posts_claimed": claims.get(pk, 0),
        }
        for pk in ids
    ]
    rows.sort(key=lambda r: (-r["hours"], -r["posts_claimed"], r["name"]))
    return rows
