"""In a real browser: a resident on a phone reads the community's public disclosure board
without signing in, opens the 低保 list (names masked), and the page prints on A4 without the
navigation or forms. Screenshots and the PDF in test-results/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cogov.disclosure import actions, scheduling
from cogov.disclosure.models import Obligation
from tests.browser.test_owners_vote import PHONE, browser  # noqa: F401
from tests.disclosure.conftest import draft, publish

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.mark.browser
def test_public_board_on_a_phone_and_in_print(live_server: Any, world: Any, browser: Any) -> None:  # noqa: F811
    scheduling.schedule(dt.date(2026, 10, 1))
    ob = Obligation.objects.get(
        community=world.nodes["C1"], item_code="low_income", period_key="2026-09"
    )
    notice = draft(
        world, ob, title="2026年9月低保对象名单", body="名单如下,如有异议请在异议期内反映。"
    )
    actions.attach_table(
        actor=world.users["community_worker"],
        notice=notice,
        columns=["姓名", "金额"],
        rows=[["张三丰", "980"], ["李四", "1100"]],
    )
    publish(world, notice)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/public/440111001001/")
    page.click("text=2026年9月低保对象名单")
    page.wait_for_selector("[data-testid=notice-table]")
    text = page.locator("[data-testid=notice-table]").inner_text()
    assert "张××" in text and "张三丰" not in text
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "disclosure_board_phone.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert page.locator(".print-only").is_visible()  # the community named on the sheet
    assert "幸福社区" in page.locator(".print-only").inner_text()
    page.pdf(path=str(RESULTS / "disclosure_notice_a4.pdf"), format="A4")
    context.close()
