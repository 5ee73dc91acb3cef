"""In a real browser: a resident submits a micro-project proposal with two cost items on a
phone (390×844); a community worker closes the collection and rejects it on the round page
with a reason; anyone, without an account, reads the reason on the printable results page.

Run with `pytest -m browser tests/browser/test_budgeting.py`. Uses Debian's Chromium.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cogov.budgeting.models import Proposal
from tests.browser.test_owners_vote import PHONE, _login, browser  # noqa: F401
from tests.budgeting.conftest import make_round


@pytest.mark.browser
def test_propose_screen_and_publish(live_server: Any, world: Any, browser: Any) -> None:  # noqa: F811
    round = make_round(world)
    base = live_server.url

    resident = _login(browser, base, "resident", "pw-resident", PHONE)
    resident.goto(f"{base}/budgeting/{round.uuid}/")
    resident.click("[data-testid=propose]")
    resident.fill("#id_title", "楼道扶手")
    resident.fill("#id_description", "三号楼老人上下楼不便")
    resident.select_option("#id_category", "goods")
    resident.fill("[name=item-1-description]", "不锈钢扶手")
    resident.fill("[name=item-1-quantity]", "20")
    resident.fill("[name=item-1-unit_price]", "150")
    resident.fill("[name=item-2-description]", "安装")
    resident.fill("[name=item-2-unit_price]", "1000")
    resident.click("[data-testid=proposal-form] button[type=submit]")
    resident.wait_for_selector("[data-testid=proposal-status]")
    proposal = Proposal.objects.get(round=round)
    assert proposal.cost == Decimal("4000.00") and proposal.items.count() == 2

    staff = _login(
        browser, base, "community_worker", "pw-community_worker", {"width": 1280, "height": 900}
    )
    staff.goto(f"{base}/budgeting/{round.uuid}/")
    staff.fill("[data-testid=phase-actions] input[name=note]", "征集提前结束")
    staff.click("[data-testid=phase-actions] button:has-text('结束征集')")
    staff.wait_for_selector("[data-testid=screening]")
    staff.select_option("[data-testid=screening] select[name=decision]", "out")
    staff.fill("[data-testid=screening] input[name=reason]", "与政府投资项目重复")
    staff.click("[data-testid=screening] button")
    staff.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == "rejected"

    anonymous = browser.new_context(viewport=PHONE).new_page()
    anonymous.goto(f"{base}/budgeting/{round.uuid}/results/")
    assert "与政府投资项目重复" in anonymous.content()
