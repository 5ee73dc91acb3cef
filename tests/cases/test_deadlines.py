"""Deadlines from the cases.deadlines policy: working days across National Day 2026, breaches
handled exactly once, whistle no-shows recorded by the sweep."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from cogov.cases import actions
from cogov.cases import deadlines as case_deadlines
from cogov.cases.metrics import department_scorecard
from cogov.cases.models import Case, CaseEvent, WhistleReport
from cogov.core import deadlines as core_deadlines
from cogov.core.calendar import SHANGHAI
from cogov.core.metrics import Period
from cogov.core.models import Deadline, Notification, Policy
from cogov.core.policies import get_kind
from cogov.organizations.models import Organization, OrgKind

from .factories import dispatched, report


def _policy(node, **changes):  # type: ignore[no-untyped-def]
    value = get_kind("cases.deadlines").default_value().model_dump(mode="json", exclude_none=True)
    value.update(changes)
    return Policy.objects.create(
        kind="cases.deadlines", node=node, effective_from=dt.date(2020, 1, 1), value=value
    )


def test_working_days_across_national_day_2026_and_its_make_up_saturday(world):
    # Community C1 gives 物业管理 (04) cases three working days to reply.
    _policy(world.nodes["C1"], by_category={"04": {"general": {"feedback": {"working_days": 3}}}})
    case = report(world, code="0402")  # 楼道照明, child of 04
    start = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    due = case_deadlines.schedule_stage(case, "feedback", start)
    # Oct 1–7 are holidays; Oct 8 (Thu), Oct 9 (Fri) and Saturday Oct 10 (调休, a working day).
    assert due == dt.datetime(2026, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)
    row = Deadline.objects.get(kind="cases.feedback", object_id=str(case.pk))
    assert row.basis["working_days"] == 3 and row.basis["last_day"] == "2026-10-10"


def test_the_policy_is_per_territory_and_urgency(world):
    _policy(world.nodes["C2"], by_category={"04": {"general": {"feedback": {"working_days": 3}}}})
    case = report(world, code="0402")  # in C1: the C2 policy does not apply
    start = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    assert case_deadlines.schedule_stage(case, "feedback", start) == start + dt.timedelta(days=7)
    emergency = report(world, code="0305")  # 燃气故障: life safety, two hours
    assert case_deadlines.schedule_stage(emergency, "feedback", start) == start + dt.timedelta(
        hours=2
    )
    assert case_deadlines.schedule_stage(emergency, "dispatch", start) == start + dt.timedelta(
        hours=1
    )


def test_a_feedback_breach_marks_notifies_and_escalates_once(world):
    case = dispatched(world)
    assert case.reply_due_at is not None
    later = case.reply_due_at + dt.timedelta(minutes=1)
    assert core_deadlines.sweep(now=later) >= 1
    assert core_deadlines.sweep(now=later) == 0  # a second worker finds nothing left
    case.refresh_from_db()
    assert case.overdue and case.supervised
    overdue = CaseEvent.objects.filter(subject=case, kind="overdue", evidence__stage="feedback")
    assert overdue.count() == 1
    street = world.users["street_official"]
    assert (
        Notification.objects.filter(
            recipient=street, kind="cases.overdue", title__contains="feedback"
        ).count()
        == 1
    )


def test_approved_postponement_moves_the_reply_deadline(world):
    case = dispatched(world)
    staff, cw = world.users["org_staff"], world.users["community_worker"]
    actions.sign_case(actor=staff, case=case)
    actions.contact_requester(actor=staff, case=case)
    due = case.reply_due_at
    actions.request_postponement(actor=staff, case=case, days=5, reason="需采购配件")
    actions.decide_postponement(actor=cw, case=case, approve=True)
    case.refresh_from_db()
    assert case.reply_due_at == due + dt.timedelta(days=5)
    open_rows = Deadline.objects.filter(
        kind="cases.feedback", object_id=str(case.pk), cancelled_at__isnull=True
    )
    assert [r.due_at for r in open_rows] == [case.reply_due_at]


def test_a_department_that_does_not_report_is_a_no_show_once(world, api, client_for):
    street = api("street_official")
    response = street.post(
        "whistles",
        {
            "street": str(world.nodes["S1"].uuid),
            "category": "enforcement",
            "subject": "背街小巷违建拆除",
            "lead_department": str(world.orgs["dept"].uuid),
            "report_within_minutes": 30,
        },
    )
    assert response.status_code == 201, response.content
    whistle = response.json()
    assert whistle["reports"][0]["no_show"] is False
    report_row = WhistleReport.objects.get(whistle__uuid=whistle["uuid"])

    # Nobody from the department reports; the sweep runs on two workers after the deadline.
    after = report_row.due_at + dt.timedelta(minutes=1)
    before = Notification.objects.filter(kind="cases.no_show").count()
    assert core_deadlines.sweep(now=after) == 1
    assert core_deadlines.sweep(now=after) == 0
    report_row.refresh_from_db()
    assert report_row.no_show and report_row.reported_at is None
    told = Notification.objects.filter(kind="cases.no_show").count() - before
    assert told == 2  # the street official and the department's staff, once each

    # Reporting now is too late; the department's scorecard shows the no-show.
    late = api("department_staff").post(f"whistles/{whistle['uuid']}/report", {"note": "到了"})
    assert late.status_code == 400
    period = Period.parse(f"{timezone.localdate():%Y-%m}")
    card = department_scorecard(world.orgs["dept"], period)
    assert (card.called, card.no_shows, card.on_time, card.punctuality) == (1, 1, 0, 0)
    seen = client_for("department_staff").get(
        f"/api/cases/departments/{world.orgs['dept'].uuid}/scorecard",
        {"period": period.start.strftime("%Y-%m")},
    )
    assert seen.json()["no_shows"] == 1


def test_a_department_that_reports_in_time_meets_its_deadline(world, api):
    whistle = actions.blow_whistle(
        actor=world.users["street_official"],
        street=world.nodes["S1"],
        category="emergency",
        subject="水管爆裂",
        lead_department=world.orgs["dept"],
    )
    response = api("department_staff").post(f"whistles/{whistle.uuid}/report", {"note": "已到场"})
    assert response.status_code == 200
    assert response.json()["reports"][0]["reported_at"] is not None
    assert core_deadlines.sweep(now=timezone.now() + dt.timedelta(hours=2)) == 0
    assert not WhistleReport.objects.filter(no_show=True).exists()
    rating = api("street_official").post(
        f"whistles/{whistle.uuid}/ratings",
        {
            "department": str(world.orgs["dept"].uuid),
            "response_speed": 90,
            "cooperation": 80,
            "implementation": 70,
        },
    )
    assert rating.status_code == 200
    card = department_scorecard(world.orgs["dept"], Period.parse(f"{timezone.localdate():%Y}"))
    assert card.punctuality == 1 and str(card.average_rating) == "80.00"


def test_escalated_case_whistled_to_a_department(world):
    case = dispatched(world)
    cw, so = world.users["community_worker"], world.users["street_official"]
    actions.escalate_to_street(actor=cw, case=case, reason="涉及违建，社区无执法权")
    case.refresh_from_db()
    assert Case.objects.queue_for(so).filter(pk=case.pk).exists()
    actions.blow_whistle(
        actor=so,
        street=world.nodes["S1"],
        category="enforcement",
        subject="违建",
        lead_department=world.orgs["dept"],
        case=case,
    )
    case.refresh_from_db()
    assert case.status == "dispatched" and case.lead_organization == world.orgs["dept"]
    assert Case.objects.visible_to(world.users["department_staff"]).filter(pk=case.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_record_each_no_show_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so sweeps cannot race there")
    departments = [world.orgs["dept"]] + [
        Organization.objects.create(
            kind=OrgKind.DEPARTMENT, name=f"区部门{i}", node=world.nodes["D"]
        )
        for i in range(3)
    ]
    whistle = actions.blow_whistle(
        actor=world.users["street_official"],
        street=world.nodes["S1"],
        category="emergency",
        subject="道路塌陷",
        lead_department=departments[0],
        invited=departments[1:],
    )
    after = whistle.report_due_at + dt.timedelta(minutes=1)
    workers = 4
    barrier = threading.Barrier(workers)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(core_deadlines.sweep(now=after, batch=1))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sum(results) == len(departments)
    assert WhistleReport.objects.filter(whistle=whistle, no_show=True).count() == len(departments)
    # The street official is told once per department, not once per worker.
    street = world.users["street_official"]
    assert Notification.objects.filter(recipient=street, kind="cases.no_show").count() == len(
        departments
    )
