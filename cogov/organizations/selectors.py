"""Reads of the joint committee and 双报到 pages (a fixed number of queries each)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from .models import (
    Agreement,
    JointCommittee,
    Organization,
    PostClaim,
    RotationSlot,
    ServiceRecord,
)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if not 1 <= quarter <= 4:
        raise ValueError("quarter is 1 to 4")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, end


@dataclass
class SheetRow:
    member_uuid: str
    name: str
    branch: str
    community: str
    hours: Decimal
    services: int


@dataclass
class QuarterSheet:
    """The service sheet (服务登记卡) sent to an employer's party organization each quarter:
    exactly the confirmed hours its members served in the quarter, by member and community.
    The employer is the one recorded with each service (at the time it was done)."""

    employer: Organization
    year: int
    quarter: int
    start: dt.date
    end: dt.date  # exclusive
    rows: list[SheetRow] = field(default_factory=list)
    records: list[ServiceRecord] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.hours for r in self.rows), Decimal(0))

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def quarter_sheet(employer: Organization, year: int, quarter: int) -> QuarterSheet:
    start, end = quarter_bounds(year, quarter)
    records = list(
        ServiceRecord.objects.confirmed()
        .between(start, end)
        .filter(employer=employer)
        .select_related("member__person", "member__branch", "community", "post")
        .order_by("member__person__name", "served_on", "pk")
    )
    rows: dict[tuple[int, int], SheetRow] = {}
    for r in records:
        key = (r.member_id, r.community_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SheetRow(
                member_uuid=str(r.member.uuid),
                name=r.member.person.name,
                branch=r.member.branch.name,
                community=r.community.name,
                hours=Decimal(0),
                services=0,
            )
        row.hours += r.hours
        row.services += 1
    return QuarterSheet(employer, year, quarter, start, end, list(rows.values()), records)


def sheet_xlsx(sheet: QuarterSheet) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = f"{sheet.year}Q{sheet.quarter}"
    ws.append([sheet.employer.name, f"{sheet.start:%Y-%m-%d} – {sheet.last_day:%Y-%m-%d}"])
    ws.append(["姓名", "所在党支部", "报到社区", "服务次数", "服务时长（小时）"])
    for row in sheet.rows:
        ws.append([row.name, row.branch, row.community, row.services, float(row.hours)])
    ws.append(["合计", "", "", sum(r.services for r in sheet.rows), float(sheet.total)])
    ws2 = wb.create_sheet("明细")
    ws2.append(["姓名", "社区", "日期", "岗位", "内容", "小时"])
    for r in sheet.records:
        ws2.append(
            [
                r.member.person.name,
                r.community.name,
                r.served_on.isoformat(),
                r.post.title if r.post else "",
                r.description,
                float(r.hours),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def weasyprint_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except Exception:  # ImportError, or OSError for missing system libraries
        return False
    return True


@dataclass
class CalendarMonth:
    slot: RotationSlot
    locked: bool
    current: bool


def rotation_year(committee: JointCommittee, year: int) -> list[CalendarMonth]:
    """The year's calendar rows with "locked" (the period has started) and "current" flags."""
    today = timezone.localdate()
    return [
        CalendarMonth(s, s.starts_on <= today, s.starts_on <= today < s.ends_on)
        for s in committee.rotation.filter(starts_on__year=year)
        .select_related("unit")
        .order_by("starts_on")
    ]


@dataclass
class UnitContribution:
    agreements: list[Agreement]
    pledged_hours: int
    hours: Decimal
    posts_claimed: int
    members_served: int
    chair_periods: list[RotationSlot]


def unit_contribution(unit: Organization, year: int) -> UnitContribution:
    """What a unit pledged (agreements in force in the year) and delivered (its members'
    confirmed hours and posts claimed in the year, the periods it chaired)."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    agreements = list(
        Agreement.objects.filter(unit=unit, starts_on__lt=end, ends_on__gte=start)
        .select_related("committee__organization")
        .prefetch_related("reviews")
    )
    records = ServiceRecord.objects.confirmed().between(start, end).filter(employer=unit)
    agg = records.aggregate(h=Sum("hours"))
    lo = dt.datetime.combine(start, dt.time(), tzinfo=timezone.get_current_timezone())
    hi = dt.datetime.combine(end, dt.time(), tzinfo=timezone.get_current_timezone())
    return UnitContribution(
        agreements=agreements,
        pledged_hours=sum(a.pledged_hours for a in agreements),
        hours=Decimal(agg["h"] or 0),
        posts_claimed=PostClaim.objects.filter(
            employer=unit, claimed_at__gte=lo, claimed_at__lt=hi
        ).count(),
        members_served=records.values("member").distinct().count(),
        chair_periods=list(
            RotationSlot.objects.filter(unit=unit, starts_on__gte=start, starts_on__lt=end)
            .select_related("committee__organization")
            .order_by("starts_on")
        ),
    )


def yearly_party_score(member: Any, year: int) -> Any:
    """The points app's yearly score of a party member, when that app offers it; else None.
    Imported lazily: organizations does not depend on points."""
    try:
        from cogov.points.scoring import yearly_score
    except ImportError:
        return None
    try:
        return yearly_score(member, year)
    except Exception:  # a broken scheme must not take the appraisal page down
        return None


@dataclass
class MeetingPeriod:
    starts_on: dt.date
    ends_on: dt.date
    meetings: int
    past: bool

    @property
    def missed(self) -> bool:
        return self.past and self.meetings == 0


def regular_meetings(committee: JointCommittee, year: int) -> list[MeetingPeriod]:
    """The year cut into meeting periods (policy `meeting_period`, monthly by default) with the
    meetings called or held in each: a period that has ended without one is `missed`."""
    from cogov.core.policies import get_policy

    from .actions.committee import periods
    from .models import MeetingStatus
    from .policy_kinds import JOINT_COMMITTEE, MONTHS

    rules = get_policy(JOINT_COMMITTEE, committee.organization.node, on=dt.date(year, 1, 1))
    ats = [
        timezone.localtime(at).date()
        for at in committee.meetings.exclude(status=MeetingStatus.CANCELLED)
        .filter(at__year=year)
        .values_list("at", flat=True)
    ]
    today = timezone.localdate()
    return [
        MeetingPeriod(start, end, sum(start <= d < end for d in ats), end <= today)
        for start, end in periods(year, MONTHS[rules.meeting_period])
    ]
