"""Notices: the workflow, the secrecy check and personal data, the masked table, the done-means
case (a quarterly disclosure not published on time is late on the compliance view and in the
metric), withdrawal, objections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cogov.core.errors import ActionError, InvalidTransition, NotAllowed
from cogov.core.metrics import Period, compute
from cogov.disclosure import actions, scheduling, selectors
from cogov.disclosure.metrics import timeliness_counts
from cogov.disclosure.models import Notice, NoticeEvent, Obligation
from cogov.lib import idnumber

from .conftest import CHECKLIST, at, draft, publish, quarterly, through_approval

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Memberships start when the world is built (today), so time is not frozen here: the story
# happens in 2025, in the past whatever day the tests run.
Q4 = Period(dt.date(2025, 10, 1), dt.date(2026, 1, 1))


def _only_quarterly(world: Any) -> None:
    """Schedule 2025-Q3 and keep only the working-funds obligations, so that counts are exact."""
    scheduling.schedule(dt.date(2025, 10, 1))
    Obligation.objects.exclude(item_code="working_funds").delete()
    Obligation.objects.filter(period_key="2025-Q4").delete()


def test_quarterly_not_published_on_time_is_late_and_lowers_the_metric(world: Any) -> None:
    _only_quarterly(world)
    c1, c2 = quarterly(world, "C1", "2025-Q3"), quarterly(world, "C2", "2025-Q3")
    # Q3 ends Tue 30 Sep 2025; 1–8 Oct are days off, Sat 11 Oct a make-up working day
    assert c1.due_on == dt.date(2025, 10, 21)
    # C2 publishes on the due date; C1 has published nothing and the due date has passed
    publish(world, draft(world, c2), when=at(2025, 10, 21, 17))
    view = selectors.compliance(world.users["street_official"], world.nodes["S1"])
    states = {(o.community.code, o.state) for o in view.obligations}
    assert states == {("440111001001", "overdue"), ("440111001002", "on_time")}
    assert compute("disclosure.timeliness", world.nodes["S1"], Q4) == Decimal("0.5")
    assert compute("disclosure.timeliness", world.nodes["C1"], Q4) == 0
    assert compute("disclosure.timeliness", world.nodes["C2"], Q4) == 1
    # C1 publishes a week late: late on the view, still not on time in the metric
    publish(world, draft(world, c1), when=at(2025, 10, 28))
    c1.refresh_from_db()
    assert c1.fulfilled_on == dt.date(2025, 10, 28)
    view = selectors.compliance(world.users["street_official"], world.nodes["S1"])
    assert {o.community.code: o.state for o in view.obligations} == {
        "440111001001": "late",
        "440111001002": "on_time",
    }
    assert view.totals["late"] == 1 and view.totals["on_time"] == 1
    per = {r["community__code"]: r for r in view.per_community}
    assert per["440111001001"]["late"] == 1 and per["440111001001"]["rate"] == 0
    assert compute("disclosure.timeliness", world.nodes["S1"], Q4) == Decimal("0.5")
    # the district sees C3's obligation still missing
    district = compute("disclosure.timeliness", world.nodes["D"], Q4)
    assert district == Decimal("0.3333")


def test_not_yet_due_is_not_judged(world: Any) -> None:
    _only_quarterly(world)
    before = dt.date(2025, 10, 12)
    assert timeliness_counts(world.nodes["C1"], Q4, today=before) == (0, 0)
    view = selectors.compliance(world.users["party_secretary"], world.nodes["C1"], today=before)
    assert [o.state for o in view.obligations] == ["not_due"]
    publish(world, draft(world, quarterly(world, "C1", "2025-Q3")), when=at(2025, 10, 12))
    assert timeliness_counts(world.nodes["C1"], Q4, today=before) == (1, 1)
    assert compute("disclosure.timeliness", world.nodes["C1"], Q4) == 1


def test_workflow_writes_an_event_per_step(world: Any) -> None:
    notice = draft(world)
    publish(world, notice)
    notice.refresh_from_db()
    assert notice.status == "published"
    steps = list(NoticeEvent.objects.filter(subject=notice).values_list("from_status", "to_status"))
    assert steps == [
        ("", "draft"),
        ("draft", "in_review"),
        ("in_review", "in_review"),  # the secrecy check, with its reviewer
        ("in_review", "approved"),
        ("approved", "published"),
    ]
    check = NoticeEvent.objects.get(subject=notice, from_status="in_review", to_status="in_review")
    assert check.actor == world.users["party_secretary"]
    assert check.evidence["secrecy_check"]["no_secrets"] is True
    assert notice.posting_ends_at - notice.posting_starts_at == dt.timedelta(days=7)
    with pytest.raises(ActionError):  # the minimum posting period is not over
        actions.archive(actor=world.users["community_worker"], notice=notice)


def test_cannot_skip_review_or_approve_unchecked(world: Any) -> None:
    notice = draft(world)
    with pytest.raises(InvalidTransition):
        actions.publish(actor=world.users["community_worker"], notice=notice)
    actions.submit(actor=world.users["community_worker"], notice=notice)
    with pytest.raises(ActionError) as exc:
        actions.approve(actor=world.users["party_secretary"], notice=notice)
    assert exc.value.field == "secrecy_check"
    with pytest.raises(ActionError) as exc:
        actions.review(
            actor=world.users["party_secretary"],
            notice=notice,
            checklist={**CHECKLIST, "no_secrets": False},
        )
    assert exc.value.field == "no_secrets"


def test_secrecy_check_blocks_identity_numbers(world: Any) -> None:
    number = idnumber.make("440111", dt.date(1960, 5, 4), 17)
    notice = draft(world, body=f"困难补助:王小明,身份证号 {number},补助 500 元。")
    actions.submit(actor=world.users["community_worker"], notice=notice)
    notice.refresh_from_db()
    assert notice.pii_findings[0]["kind"] == "id_number"
    assert number not in str(notice.pii_findings)  # findings are stored masked
    for justification in ("", "本人同意"):
        with pytest.raises(ActionError) as exc:
            actions.review(
                actor=world.users["party_secretary"],
                notice=notice,
                checklist=CHECKLIST,
                justification=justification,
            )
        assert exc.value.code == "personal_data"
        assert "440111" in exc.value.message and number not in exc.value.message
    # masked in the draft, the check passes
    actions.return_to_draft(actor=world.users["party_secretary"], notice=notice, note="请脱敏")
    actions.edit_notice(
        actor=world.users["community_worker"],
        notice=notice,
        title=notice.title,
        body="困难补助:王××,补助 500 元。",
    )
    through_approval(world, notice)
    assert notice.status == "approved"


def test_mobile_numbers_need_a_justification(world: Any) -> None:
    notice = draft(world, body="值班电话 139-1234-5678,欢迎来电。")
    actions.submit(actor=world.users["community_worker"], notice=notice)
    with pytest.raises(ActionError):
        actions.review(actor=world.users["party_secretary"], notice=notice, checklist=CHECKLIST)
    actions.review(
        actor=world.users["party_secretary"],
        notice=notice,
        checklist=CHECKLIST,
        justification="居委会公开的值班电话",
    )
    actions.approve(actor=world.users["party_secretary"], notice=notice)
    actions.publish(actor=world.users["community_worker"], notice=notice)


def test_low_income_table_keeps_name_and_amount_masked(world: Any) -> None:
    scheduling.schedule(dt.date(2026, 10, 1))
    ob = Obligation.objects.get(
        community=world.nodes["C1"], item_code="low_income", period_key="2026-09"
    )
    notice = draft(world, ob, title="2026年9月低保对象名单", body="名单如下。")
    assert notice.mask_personal_data and notice.objection_days == 7
    number = idnumber.make("440111", dt.date(1950, 1, 1), 3)
    actions.attach_table(
        actor=world.users["community_worker"],
        notice=notice,
        columns=["姓名", "身份证号", "地址", "金额"],
        rows=[["张三丰", number, "1号楼101", "980"], ["李四", number, "2号楼", "1,100"]],
    )
    notice.refresh_from_db()
    assert notice.table["columns"] == ["姓名", "金额"]
    assert notice.table["rows"] == [["张××", "980"], ["李×", "1,100"]]
    assert number not in str(notice.table)
    with pytest.raises(ActionError) as exc:
        actions.attach_table(
            actor=world.users["community_worker"],
            notice=notice,
            columns=["姓名", "金额"],
            rows=[["张三"], ["李四", "1"]],
        )
    assert exc.value.message.startswith("row 1:") and exc.value.field == "rows"
    with pytest.raises(ActionError) as exc:
        actions.attach_table(
            actor=world.users["community_worker"],
            notice=notice,
            columns=["姓名", "地址"],
            rows=[["张三", "x"]],
        )
    assert "金额" in exc.value.message


def test_withdrawn_notice_no_longer_fulfils(world: Any) -> None:
    scheduling.schedule(dt.date(2026, 10, 1))
    ob = quarterly(world)
    notice = publish(world, draft(world, ob), when=at(2026, 10, 9))
    ob.refresh_from_db()
    assert ob.fulfilled_on == dt.date(2026, 10, 9)
    with pytest.raises(ActionError):
        actions.withdraw(actor=world.users["community_worker"], notice=notice, reason=" ")
    actions.withdraw(actor=world.users["community_worker"], notice=notice, reason="数据有误")
    ob.refresh_from_db()
    assert ob.fulfilled_on is None and ob.fulfilled_by is None


def test_escalation_goes_to_the_street(world: Any) -> None:
    notice = draft(world)
    actions.submit(actor=world.users["community_worker"], notice=notice)
    actions.review(actor=world.users["party_secretary"], notice=notice, checklist=CHECKLIST)
    actions.escalate(actor=world.users["party_secretary"], notice=notice, note="涉及街道资金")
    with pytest.raises(NotAllowed):
        actions.approve(actor=world.users["party_secretary"], notice=notice)
    with pytest.raises(NotAllowed):
        actions.approve(actor=world.users["street_official_s2"], notice=notice)
    actions.approve(actor=world.users["street_official"], notice=notice)
    assert Notice.objects.get(pk=notice.pk).status == "approved"


def test_objections_during_the_window(world: Any) -> None:
    scheduling.schedule(dt.date(2026, 10, 1))
    ob = quarterly(world)  # working funds: a 7-day objection window
    notice = publish(world, draft(world, ob), when=timezone.now() - dt.timedelta(days=2))
    objection = actions.object_to(actor=world.users["resident"], notice=notice, body="支出明细?")
    with pytest.raises(NotAllowed):  # lives in another community
        actions.object_to(actor=world.users["community_worker_c2"], notice=notice, body="?")
    with pytest.raises(NotAllowed):
        actions.answer_objection(actor=world.users["resident"], objection=objection, answer="x")
    actions.answer_objection(
        actor=world.users["community_worker"], objection=objection, answer="明细见附表"
    )
    old = publish(world, draft(world, ob), when=timezone.now() - dt.timedelta(days=8))
    with pytest.raises(NotAllowed):  # its 7-day window has closed
        actions.object_to(actor=world.users["resident"], notice=old, body="又一个")


def test_scheduler_archives_ended_postings(world: Any) -> None:
    notice = publish(world, draft(world), when=timezone.now() - dt.timedelta(days=8))
    result = scheduling.schedule()
    assert result.archived == 1
    notice.refresh_from_db()
    assert notice.status == "archived"
