"""双报到: registration and confirmation, posts and claims, hours, the employer's quarterly sheet,
the re-report reminder and the appraisal rule."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from cogov.core import deadlines
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import Deadline, Notification
from cogov.organizations import actions
from cogov.organizations.models import (
    Appraisal,
    PostClaim,
    ReportEvent,
    ReportStatus,
    ServicePost,
)
from cogov.organizations.selectors import quarter_sheet, sheet_xlsx

from .helpers import in_service_member, reported

YEAR = 2025  # a past year: service dates must not lie in the future


def _served(world: Any, member: Any, day: dt.date, hours: str, *, confirm: bool = True) -> Any:
    secretary = world.users["party_secretary"]
    rec = actions.log_service(
        actor=secretary,
        member=member,
        community=world.nodes["C1"],
        served_on=day,
        hours=hours,
        description="巡逻",
    )
    if confirm:
        actions.confirm_service(actor=secretary, record_=rec)
    return rec


def test_member_registers_online_and_the_community_confirms(world: Any) -> None:
    member_user = world.users["volunteer"]
    member = in_service_member(world, world.orgs["unit"], user=member_user)
    report = actions.register_member(actor=member_user, member=member, community=world.nodes["C1"])
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(NotAllowed):
        actions.confirm_report(actor=member_user, report=report)
    with pytest.raises(ActionError):  # one live registration per community
        actions.register_member(actor=member_user, member=member, community=world.nodes["C1"])
    actions.confirm_report(actor=world.users["party_secretary"], report=report)
    assert report.status == ReportStatus.CONFIRMED
    assert list(ReportEvent.objects.filter(subject=report).values_list("to_status", flat=True)) == [
        "submitted",
        "confirmed",
    ]
    assert Notification.objects.filter(
        recipient=member_user, kind="organizations.report_confirmed"
    ).exists()
    # Someone else may not report for this member.
    other = in_service_member(world, world.orgs["unit"])
    with pytest.raises(NotAllowed):
        actions.register_member(actor=member_user, member=other, community=world.nodes["C1"])


def test_unit_reports_through_its_liaison(world: Any) -> None:
    report = actions.register_unit(
        actor=world.users["unit_liaison"], unit=world.orgs["unit"], community=world.nodes["C1"]
    )
    with pytest.raises(NotAllowed):
        actions.register_unit(
            actor=world.users["unit_liaison"],
            unit=world.orgs["property"],
            community=world.nodes["C1"],
        )
    actions.confirm_report(actor=world.users["party_secretary"], report=report)
    assert report.confirmed_on is not None


def test_half_yearly_re_report_reminder(world: Any) -> None:
    member_user = world.users["volunteer"]
    member = in_service_member(world, world.orgs["unit"], user=member_user)
    report = reported(world, member)
    deadline = Deadline.objects.get(kind="organizations.re_report", object_id=str(report.pk))
    assert deadline.due_at.date() > report.confirmed_on + dt.timedelta(days=150)
    deadlines.sweep(now=deadline.due_at + dt.timedelta(hours=1))
    assert (
        Notification.objects.filter(
            recipient=member_user, kind="organizations.re_report_due"
        ).count()
        == 1
    )
    assert Notification.objects.filter(
        recipient=world.users["party_secretary"], kind="organizations.re_report_overdue"
    ).exists()
    deadlines.sweep(now=deadline.due_at + dt.timedelta(days=1))  # idempotent
    assert (
        Notification.objects.filter(
            recipient=member_user, kind="organizations.re_report_due"
        ).count()
        == 1
    )
    actions.re_report(actor=member_user, report=report, note="继续服务")
    assert (
        Deadline.objects.filter(kind="organizations.re_report", object_id=str(report.pk)).count()
        == 2
    )


def test_quarterly_sheet_lists_exactly_the_employers_members_hours_in_the_quarter(
    world: Any,
) -> None:
    hospital, property_co = world.orgs["unit"], world.orgs["property"]
    m1 = in_service_member(world, hospital)
    m2 = in_service_member(world, hospital)
    m3 = in_service_member(world, property_co)
    for m in (m1, m2, m3):
        reported(world, m)
    _served(world, m1, dt.date(YEAR, 4, 1), "2")  # first day of Q2
    _served(world, m1, dt.date(YEAR, 6, 30), "1.5")  # last day of Q2
    _served(world, m1, dt.date(YEAR, 3, 31), "8")  # Q1: excluded
    _served(world, m1, dt.date(YEAR, 7, 1), "9")  # Q3: excluded
    _served(world, m2, dt.date(YEAR, 5, 10), "3")
    _served(world, m2, dt.date(YEAR, 5, 11), "4", confirm=False)  # not confirmed: excluded
    _served(world, m3, dt.date(YEAR, 5, 10), "5")  # another employer's member: excluded

    sheet = quarter_sheet(hospital, YEAR, 2)
    by_name = {r.name: r.hours for r in sheet.rows}
    assert by_name == {m1.person.name: Decimal("3.5"), m2.person.name: Decimal("3.0")}
    assert sheet.total == Decimal("6.5")
    assert {r.member_id for r in sheet.records} == {m1.pk, m2.pk}

    # The employer is the one at the time of service: m1 changing jobs does not move the hours.
    m1.employer = property_co
    m1.save()
    assert quarter_sheet(hospital, YEAR, 2).total == Decimal("6.5")

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(sheet_xlsx(sheet)))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][0] == "合计" and rows[-1][-1] == 6.5
    assert {r[0] for r in rows[2:-1]} == {m1.person.name, m2.person.name}


def test_member_who_has_not_reported_cannot_be_rated_qualified(world: Any) -> None:
    secretary = world.users["party_secretary"]
    member = in_service_member(world, world.orgs["unit"])
    for grade in ("qualified", "excellent"):
        with pytest.raises(ActionError) as exc, translation.override("en"):
            actions.appraise_member(
                actor=secretary, member=member, community=world.nodes["C1"], year=YEAR, grade=grade
            )
        assert exc.value.field == "grade"
        assert "has not reported" in exc.value.message
    assert not Appraisal.objects.exists()
    # Below 合格 is allowed.
    actions.appraise_member(
        actor=secretary, member=member, community=world.nodes["C1"], year=YEAR, grade="basic"
    )
    # A member reported by the end of the year may be rated 合格.
    other = in_service_member(world, world.orgs["unit"])
    reported(world, other)
    year = dt.date.today().year
    appraisal = actions.appraise_member(
        actor=secretary, member=other, community=world.nodes["C1"], year=year, grade="qualified"
    )
    assert appraisal.grade == "qualified"
    with pytest.raises(NotAllowed):
        actions.appraise_member(
            actor=world.users["community_worker_c2"],
            member=other,
            community=world.nodes["C1"],
            year=year,
            grade="qualified",
        )


def test_claims_respect_capacity_and_need_a_report(world: Any) -> None:
    secretary = world.users["party_secretary"]
    post = actions.publish_post(
        actor=secretary,
        community=world.nodes["C1"],
        category="safety",
        title="夜间巡逻",
        capacity=1,
    )
    m1, m2 = (
        in_service_member(world, world.orgs["unit"]),
        in_service_member(world, world.orgs["unit"]),
    )
    with pytest.raises(ActionError):
        actions.claim_post(actor=secretary, post=post, member=m1)  # not reported
    reported(world, m1)
    reported(world, m2)
    claim = actions.claim_post(actor=secretary, post=post, member=m1)
    with pytest.raises(ActionError):
        actions.claim_post(actor=secretary, post=post, member=m2)
    actions.withdraw_claim(actor=secretary, claim=claim)
    actions.claim_post(actor=secretary, post=post, member=m2)
    post.refresh_from_db()
    assert post.claimed == 1


@pytest.mark.django_db(transaction=True)
def test_post_capacity_under_concurrent_claims() -> None:
    """Ten members claim a three-place post at once: exactly three get it."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises writers)")
    from tests.world import build_world

    world = build_world()
    secretary = world.users["party_secretary"]
    post = actions.publish_post(
        actor=secretary, community=world.nodes["C1"], category="health", title="义诊", capacity=3
    )
    members = [in_service_member(world, world.orgs["unit"]) for _ in range(10)]
    for m in members:
        reported(world, m)
    barrier = threading.Barrier(len(members))
    results: list[str] = []

    def claim(member: Any) -> None:
        try:
            from cogov.accounts.models import User

            actor = User.objects.get(pk=secretary.pk)
            barrier.wait()
            actions.claim_post(actor=actor, post=ServicePost.objects.get(pk=post.pk), member=member)
            results.append("ok")
        except ActionError:
            results.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["full"] * 7 + ["ok"] * 3
    post.refresh_from_db()
    assert post.claimed == 3
    assert PostClaim.objects.filter(post=post, withdrawn_at__isnull=True).count() == 3
