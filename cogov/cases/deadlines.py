"""Deadlines of the case loop: scheduled from the `cases.deadlines` policy, met by the actions,
breached by the core sweep (exactly once per deadline, whatever the number of workers).

Deadline kinds: "cases.<stage>" on a Case for each stage of policy_kinds.STAGES, and
"cases.whistle_report" on a WhistleReport.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db.models import Q
from django.utils import timezone

from cogov.core import deadlines as core_deadlines
from cogov.core.calendar import SHANGHAI, Due, due_after
from cogov.core.models import Deadline
from cogov.core.notifications import notify
from cogov.core.policies import get_policy

from .policy_kinds import STAGES, CaseDeadlines, Span

log = logging.getLogger(__name__)

WHISTLE_REPORT = "cases.whistle_report"


def kind(stage: str) -> str:
    return f"cases.{stage}"


def policy_for(case: Any) -> CaseDeadlines:
    return get_policy("cases.deadlines", case.grid or case.community or case.street)


def due_for(span: Span, start: dt.datetime, node: Any = None) -> Due:
    """When `span` runs out from `start`, on the working-day calendar of `node` when it says
    working days."""
    if span.working_days:
        return due_after(start, working_days=span.working_days, node=node)
    due = due_after(start, calendar_days=span.calendar_days, hours=span.hours, node=node)
    if not span.minutes:
        return due
    return Due(
        at=due.at + dt.timedelta(minutes=span.minutes),
        basis={**due.basis, "minutes": span.minutes},
        warnings=due.warnings,
    )


def end_of_day(day: dt.date) -> Due:
    at = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)
    return Due(at=at, basis={"committed_date": day.isoformat()})


def schedule_stage(case: Any, stage: str, start: dt.datetime | None = None) -> dt.datetime | None:
    """Schedule the deadline of `stage` for `case`; None when the policy sets no limit."""
    start = start or timezone.now()
    category = case.category
    codes = [category.code] + ([category.parent.code] if category.parent_id else [])
    span = getattr(policy_for(case).stages(codes, case.urgency), stage)
    if span is None:
        return None
    node = case.grid or case.community
    due = due_for(span, start, node)
    core_deadlines.schedule(case, kind(stage), due, node=node, start=start)
    return due.at


def schedule_at(case: Any, stage: str, due: Due) -> dt.datetime:
    core_deadlines.schedule(case, kind(stage), due, node=case.grid or case.community)
    return due.at


def meet(case: Any, *stages: str) -> None:
    for stage in stages:
        core_deadlines.meet(case, kind(stage))


def cancel(case: Any, *stages: str) -> None:
    for stage in stages or STAGES:
        core_deadlines.cancel(case, kind(stage))


def _breached_case(deadline: Deadline, stage: str) -> None:
    from .actions import audience
    from .models import Case, CaseEvent

    case = (
        Case.objects.select_related("category", "grid", "lead_organization")
        .filter(pk=int(deadline.object_id))
        .first()
    )
    if case is None:
        return
    rule = policy_for(case).on_breach.get(stage)
    updates: dict[str, Any] = {"overdue": True}
    if rule is not None and rule.escalate:
        updates["supervised"] = True
    Case.objects.filter(pk=case.pk).update(**updates)
    CaseEvent.objects.create(
        subject=case,
        kind="overdue",
        from_status=case.status,
        to_status=case.status,
        note=f"{stage} deadline passed",
        evidence={
            "stage": stage,
            "due_at": deadline.due_at.isoformat(),
            "escalated": bool(updates.get("supervised")),
        },
    )
    groups = list(rule.notify) if rule else ["managers"]
    if rule is not None and rule.escalate and "street" not in groups:
        groups.append("street")
    recipients = audience(case, *groups)
    if recipients:
        notify(
            recipients,
            "cases.overdue",
            f"{case.number}: {stage} overdue",
            url=f"/cases/{case.uuid}/",
        )


def _handler(stage: str) -> Any:
    def handle(deadline: Deadline) -> None:
        _breached_case(deadline, stage)

    handle.__name__ = f"breach_{stage}"
    return handle


for _stage in STAGES:
    core_deadlines.on_breach(kind(_stage))(_handler(_stage))


@core_deadlines.on_breach(WHISTLE_REPORT)
def _whistle_report_breached(deadline: Deadline) -> None:
    """A department did not report by the whistle's deadline: record the no-show."""
    from .actions import record_no_shows
    from .models import WhistleReport

    report = (
        WhistleReport.objects.select_related("whistle").filter(pk=int(deadline.object_id)).first()
    )
    if report is not None:
        record_no_shows(
            actor=None, whistle=report.whistle, now=deadline.breached_at, only=Q(pk=report.pk)
        )
