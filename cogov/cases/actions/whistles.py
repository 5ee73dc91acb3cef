"""街乡吹哨、部门报到: the street calls departments, each must report by a deadline; no-shows
are recorded by the deadline sweep and count in the department's scorecard (metrics.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cogov.accounts.models import Membership
from cogov.core import deadlines as core_deadlines
from cogov.core.errors import ActionError
from cogov.core.metrics import touched
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.organizations.models import Organization

from .. import deadlines
from ..models import Case, DepartmentRating, Whistle, WhistleCategory, WhistleReport, WhistleStatus
from ..policy_kinds import Span
from ..predicates import CASE_ROLES, WHISTLE
from ..workflow import Status, move
from .common import require
from .loop import start_clocks


def _members(org_ids: Sequence[int]) -> list[Any]:
    from django.contrib.auth import get_user_model

    ids = Membership.objects.current().filter(organization_id__in=org_ids).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def _street_officials(whistle: Whistle) -> list[Any]:
    from django.contrib.auth import get_user_model

    roles = [k for k, caps in CASE_ROLES.items() if WHISTLE in caps]
    ids = (
        Membership.objects.current()
        .filter(role__in=roles, node_id=whistle.street_id)
        .values("user_id")
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def blow_whistle(
    *,
    actor: Any,
    street: Any,
    category: str,
    subject: str,
    lead_department: Organization,
    invited: Sequence[Organization] = (),
    case: Case | None = None,
    report_within: Span | None = None,
) -> Whistle:
    """The street calls the lead department and the invited ones (街乡吹哨). Each must report
    (报到) within the `cases.deadlines` whistle_report limit (or `report_within`). An escalated
    case is dispatched to the lead department with the invited ones as co-handlers."""
    require(actor, "cases.blow_whistle", street)
    if street.level != "street":
        raise ActionError("a whistle is blown by a street", field="street")
    if category not in WhistleCategory.values:
        raise ActionError("unknown whistle category", field="category")
    subject = (subject or "").strip() or (case.description[:200] if case else "")
    if not subject:
        raise ActionError("say what the whistle is for", field="subject")
    departments = [lead_department, *[d for d in invited if d.pk != lead_department.pk]]
    if any(not d.active for d in departments):
        raise ActionError("an invited organization is not active", field="invited")
    if case is not None and not case.territory_path.startswith(street.path):
        raise ActionError("the case is not in this street", field="case")
    span = report_within or get_policy("cases.deadlines", street).whistle_report
    with transaction.atomic():
        now = timezone.now()
        due = deadlines.due_for(span, now, street)
        whistle = Whistle.objects.create(
            category=category,
            case=case,
            street=street,
            street_path=street.path,
            subject=subject[:200],
            lead_department=lead_department,
            blown_by=actor,
            blown_at=now,
            report_due_at=due.at,
        )
        touched("cases", street.path, [now])
        for department in departments:
            report = WhistleReport.objects.create(
                whistle=whistle,
                department=department,
                is_lead=department.pk == lead_department.pk,
                due_at=due.at,
            )
            core_deadlines.schedule(report, deadlines.WHISTLE_REPORT, due, node=street, start=now)
        if case is not None and case.status == Status.ESCALATED:
            first = case.dispatched_at is None
            move(
                case,
                Status.DISPATCHED,
                actor=actor,
                kind="whistle",
                note=subject,
                organization=lead_department,
                evidence={
                    "whistle": str(whistle.uuid),
                    "co_handlers": [d.pk for d in departments[1:]],
                },
                lead_organization=lead_department,
                **({"dispatched_at": now} if first else {}),
            )
            case.co_handlers.set(departments[1:])
            start_clocks(case, now, first=first)
        recipients = _members([d.pk for d in departments])
        if recipients:
            notify(
                recipients,
                "cases.whistle",
                f"吹哨: {whistle.subject}",
                body=f"report by {timezone.localtime(due.at):%Y-%m-%d %H:%M}",
                via=("sms",),
            )
    return whistle


def department_report(*, actor: Any, report: WhistleReport, note: str = "") -> WhistleReport:
    """The department reports to the street (部门报到)."""
    require(actor, "cases.report_to_whistle", report)
    with transaction.atomic():
        now = timezone.now()
        done = WhistleReport.objects.filter(
            pk=report.pk, reported_at__isnull=True, no_show=False
        ).update(reported_at=now, reported_by=actor, note=note)
        if not done:
            report.refresh_from_db()
            raise ActionError("already reported" if report.reported_at else "recorded as a no-show")
        core_deadlines.meet(report, deadlines.WHISTLE_REPORT, now)
        report.refresh_from_db()
    return report


def record_no_shows(
    *, actor: Any, whistle: Whistle, now: dt.datetime | None = None, only: Q | None = None
) -> int:
    """Record every department that has not reported by the deadline as a no-show. Run by the
    deadline sweep (actor None) or by the street. Each no-show is recorded and told once."""
    if actor is not None:
        require(actor, "cases.record_no_shows", whistle)
    now = now or timezone.now()
    marked = 0
    with transaction.atomic():
        pending = WhistleReport.objects.filter(
            whistle=whistle, reported_at__isnull=True, no_show=False, due_at__lt=now
        ).filter(only or Q())
        for report in pending.select_related("department"):
            won = WhistleReport.objects.filter(
                pk=report.pk, no_show=False, reported_at__isnull=True
            ).update(no_show=True, no_show_recorded_at=now)
            if not won:
                continue
            marked += 1
            recipients = _street_officials(whistle) + _members([report.department_id])
            if recipients:
                notify(
                    recipients, "cases.no_show", f"未报到: {report.department} · {whistle.subject}"
                )
    return marked


def rate_department(
    *,
    actor: Any,
    whistle: Whistle,
    department: Organization,
    response_speed: int,
    cooperation: int,
    implementation: int,
    note: str = "",
) -> DepartmentRating:
    """The street rates a department's work on a whistle (街道评议部门), 0–100 per item."""
    require(actor, "cases.rate_department", whistle)
    if not whistle.reports.filter(department=department).exists():
        raise ActionError("this department was not called", field="department")
    for field, value in (
        ("response_speed", response_speed),
        ("cooperation", cooperation),
        ("implementation", implementation),
    ):
        if not 0 <= value <= 100:
            raise ActionError("a score from 0 to 100", field=field)
    if DepartmentRating.objects.filter(whistle=whistle, department=department).exists():
        raise ActionError("already rated", field="department")
    with transaction.atomic():
        return DepartmentRating.objects.create(
            whistle=whistle,
            department=department,
            street=whistle.street,
            response_speed=response_speed,
            cooperation=cooperation,
            implementation=implementation,
            note=note,
            rated_by=actor,
        )


def close_whistles_of(case: Case) -> None:
    Whistle.objects.filter(case=case, status=WhistleStatus.BLOWN).update(
        status=WhistleStatus.CLOSED, closed_at=timezone.now()
    )
