"""In a real browser, on a phone: the party secretary opens a budget line in the community's
fund, records a payment through the line's form, sees the journal with its running balances,
and a resident sees the fund's summary without the journal. Screenshots in test-results/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cogov.funds.selectors import balances
from tests.browser.test_owners_vote import PHONE, _login, browser  # noqa: F401
from tests.funds.conftest import make_fund

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.mark.browser
def test_budget_line_payment_and_public_summary(live_server: Any, world: Any, browser: Any) -> None:  # noqa: F811
    fund = make_fund(world, amount="2000000")
    base = live_server.url
    page = _login(browser, base, "party_secretary", "pw-party_secretary", PHONE)
    page.goto(f"{base}/funds/{fund.uuid}/")
    page.click("[data-testid=budget-form] summary")
    page.fill("#bl-title", "楼道照明改造")
    page.select_option("#bl-kind", "works")
    page.fill("#bl-amount", "180000")
    page.check("input[name=decided_by_residents]")
    page.click("[data-testid=budget-form] button[type=submit]")
    page.wait_for_selector("[data-testid=budget]")
    row = page.locator("[data-testid=budget]").first
    row.locator("summary").click()
    row.locator("input[name=amount]").first.fill("60000.50")
    row.locator("input[name=payee]").fill("某建筑工程有限公司")
    row.locator("input[name=voucher_no]").fill("付-2025-001")
    row.locator("button", has_text="支付").click()
    page.wait_for_selector(".msg-success")
    assert page.locator("[data-testid=spent]").inner_text() == "60,000.50"
    assert page.locator("[data-testid=entry]").count() == 3
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "funds_secretary.png"), full_page=True)
    b = balances(fund)
    assert (b.committed, b.spent) == (Decimal("119999.50"), Decimal("60000.50"))
    assert b.reconciles
    resident = _login(browser, base, "resident", "pw-resident", PHONE)
    resident.goto(f"{base}/funds/{fund.uuid}/")
    assert "楼道照明改造" in resident.content()
    assert resident.locator("[data-testid=entry]").count() == 0
    resident.screenshot(path=str(RESULTS / "funds_resident.png"), full_page=True)
