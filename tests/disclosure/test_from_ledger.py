"""Notices filled from the funds ledger: the quarter's statement of the working funds lists
exactly the quarter's payments, persons among the payees are masked, and only those who may
propose the notice can fill it (actions, API, pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from cogov.core.errors import ActionError, NotAllowed
from cogov.disclosure import actions, privacy, scheduling
from cogov.disclosure.models import Notice

from ..funds.conftest import YEAR
from ..funds.test_statement import ledger
from .conftest import draft, quarterly

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

KEY = f"{YEAR}-Q3"


def _setup(world: Any) -> Notice:
    ledger(world)
    scheduling.schedule(dt.date(YEAR, 10, 1))
    return draft(world, quarterly(world, "C1", KEY), body="待填写")


def _payments(notice: Notice) -> list[list[str]]:
    cols = notice.table["columns"]
    movement = cols.index("Movement")
    return [r for r in notice.table["rows"] if r[movement].startswith("Payment")]


def test_the_filled_notice_lists_exactly_the_quarters_payments_with_persons_masked(world):
    notice = _setup(world)
    filled = actions.fill_from_ledger(actor=world.users["community_worker"], notice=notice)
    notice.refresh_from_db()
    assert notice.table == filled.table and notice.status == "draft"
    cols = notice.table["columns"]
    assert cols == ["Fund", "Date", "Movement", "Budget line", "Payee", "Amount (yuan)",
                    "Voucher no."]  # fmt: skip
    rows = _payments(notice)
    assert [(r[1], r[6], r[5]) for r in rows] == [
        (f"{YEAR}-07-01", "7-1", "12,000.33"),
        (f"{YEAR}-07-20", "7-2", "1,200.50"),
        (f"{YEAR}-08-05", "8-5", "300.00"),
        (f"{YEAR}-08-06", "8-5", "-300.00"),
        (f"{YEAR}-09-30", "9-30", "800.00"),
    ]  # not June's, October's, nor the micro-project fund's
    assert rows[3][2] == "Payment (reversal)"
    payees = [r[4] for r in rows]
    assert payees == ["上海明亮照明有限公司", "张××", "李×", "李×", "王××"]
    text = notice.body + repr(notice.table)
    for name in ("张三丰", "李四", "王小明", "赵六"):
        assert name not in text
    assert "Opening balance 89,999.90" in notice.body
    assert "Allocations received 20,000.07" in notice.body
    assert "Refunds 0.33" in notice.body
    assert "  重阳节敬老活动: 2,000.50\n" in notice.body
    closing = 89999.90 + 20000.07 + 0.33 - 12000.33 - 2000.50
    assert f"Closing balance {closing:,.2f}" in notice.body
    kinds = [r[2] for r in notice.table["rows"]]
    assert kinds.count("Allocation") == 1 and kinds.count("Refund") == 1
    assert privacy.scan(notice.title, notice.body, notice.table) == []
    # the staff member still edits before the review step
    actions.edit_notice(actor=world.users["community_worker"], notice=notice,
                        title=notice.title, body=notice.body + "\n经办人:社区居委会")  # fmt: skip
    actions.submit(actor=world.users["community_worker"], notice=notice)


def test_mask_payee_keeps_organisations_and_masks_persons():
    assert privacy.mask_payee("上海明亮照明有限公司") == "上海明亮照明有限公司"
    assert privacy.mask_payee("幸福社区居委会") == "幸福社区居委会"
    assert privacy.mask_payee("老王修车店") == "老王修车店"
    assert privacy.mask_payee("欧阳娜娜") == "欧×××"
    assert privacy.mask_payee("Li Wei") == "L×××××"
    assert privacy.mask_payee("") == ""


def test_only_those_who_may_propose_can_fill(world):
    notice = _setup(world)
    for persona in ("community_worker_c2", "grid_worker", "resident", "volunteer",
                    "street_official_s2"):  # fmt: skip
        with pytest.raises(NotAllowed):
            actions.fill_from_ledger(actor=world.users[persona], notice=notice)
    assert actions.fill_from_ledger(actor=world.users["party_secretary"], notice=notice).table
    # an ad hoc notice (no ledger-bound item) cannot be filled
    ad_hoc = draft(world)
    with pytest.raises(ActionError):
        actions.fill_from_ledger(actor=world.users["community_worker"], notice=ad_hoc)
    # only a draft
    actions.submit(actor=world.users["community_worker"], notice=notice)
    with pytest.raises(ActionError):
        actions.fill_from_ledger(actor=world.users["community_worker"], notice=notice)


def test_api_and_pages(world, api_for):
    notice = _setup(world)
    path = f"notices/{notice.uuid}/fill-from-ledger"
    assert api_for("resident").post(path).status_code in (403, 404)
    assert api_for("community_worker_c2").post(path).status_code in (403, 404)
    notice.refresh_from_db()
    assert notice.table == {}
    answer = api_for("community_worker").post(path)
    assert answer.status_code == 200, answer.content
    assert len([r for r in answer.json()["table"]["rows"] if r[2].startswith("Payment")]) == 5

    worker = Client()
    worker.force_login(world.users["community_worker"])
    page = worker.get(f"/disclosure/notices/{notice.uuid}/")
    assert b'data-testid="fill-form"' in page.content
    assert worker.post(f"/disclosure/notices/{notice.uuid}/fill/").status_code == 302
    # the new-notice form: "Fill from the ledger" creates the filled draft in one step
    obligation = quarterly(world, "C1", KEY)
    form = worker.get("/disclosure/new/", {"obligation": str(obligation.uuid)})
    assert b'data-testid="fill-from-ledger"' in form.content
    made = worker.post("/disclosure/new/", {"obligation": str(obligation.uuid), "fill": "1"})
    assert made.status_code == 302
    new = Notice.objects.filter(obligation=obligation).latest("pk")
    assert new.pk != notice.pk and new.title == f"{obligation.item_label}({KEY})"
    assert len(_payments(new)) == 5
    # C2 has no working fund: a clear error, no draft
    c2 = quarterly(world, "C2", KEY)
    other = Client()
    other.force_login(world.users["community_worker_c2"])
    refused = other.post("/disclosure/new/", {"obligation": str(c2.uuid), "fill": "1"})
    assert refused.status_code == 200 and b"no fund of this kind" in refused.content
    assert not Notice.objects.filter(obligation=c2).exists()
