"""In a real browser: staff create an owners' vote on the page, two owners cast their ballots
on phones (390×844), staff close and tally it, and the results page shows every threshold.

Run with `pytest -m browser tests/browser`. Uses Debian's Chromium; never `playwright install`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cogov.people.models import Person
from cogov.voting.models import Vote
from tests.voting.conftest import make_estate

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Any:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _login(browser: Any, base: str, username: str, password: str, viewport: dict) -> Any:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].btn")
    page.wait_for_url(base + "/")
    return page


@pytest.mark.browser
def test_owners_vote_on_phones(live_server: Any, world: Any, browser: Any) -> None:
    estate = make_estate(world, ["100", "100", "50"])
    for i, person in enumerate(estate.owners[:2]):
        user = type(world.users["admin"]).objects.create_user(f"owner{i}", password=f"pw-owner{i}")
        Person.objects.filter(pk=person.pk).update(user=user)
    base = live_server.url

    staff = _login(browser, base, "admin", "pw-admin", {"width": 1280, "height": 900})
    staff.goto(f"{base}/voting/new/?community={estate.community.uuid}")
    staff.fill("#id_title", "更换电梯")
    staff.fill("#id_questions", "是否使用维修资金更换2号电梯")
    staff.select_option("#id_electorate", "owners")
    staff.select_option("#id_matter", "major")
    closes = timezone.localtime() + dt.timedelta(days=7)
    staff.fill("#id_closes_at", closes.strftime("%Y-%m-%dT%H:%M"))
    staff.click("[data-testid=create-vote]")
    staff.wait_for_url(f"{base}/voting/*/")
    vote = Vote.objects.get()
    assert (vote.status, vote.electorate, vote.matter) == ("open", "owners", "major")

    RESULTS.mkdir(exist_ok=True)
    for i in range(2):
        phone = _login(browser, base, f"owner{i}", f"pw-owner{i}", PHONE)
        phone.goto(f"{base}/voting/{vote.uuid}/")
        # The ballot fits the phone: no sideways scrolling, big tap targets.
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        option = phone.locator(".ballot-option").first
        assert option.bounding_box()["height"] >= 44
        if i == 0:
            phone.screenshot(path=str(RESULTS / "owners_vote_ballot.png"), full_page=True)
        phone.check("input[name=choice][value=for]")
        phone.click("form[action$='/cast/'] button[type=submit]")
        phone.wait_for_selector(".notice")
        phone.context.close()

    staff.goto(f"{base}/voting/{vote.uuid}/")
    staff.click("form[action$='/step/close/'] button")
    staff.click("form[action$='/step/tally/'] button")
    staff.goto(f"{base}/voting/{vote.uuid}/results/")
    rows = staff.locator("[data-testid=thresholds] tr[data-threshold]")
    names = {rows.nth(i).get_attribute("data-threshold") for i in range(rows.count())}
    assert names == {
        "participation_area",
        "participation_owners",
        "approval_area",
        "approval_owners",
    }
    # Two of three owners with 200 of 250 m² took part and both approved: passed.
    assert "✘" not in staff.inner_text("[data-testid=thresholds]")
    staff.wait_for_selector(f"#results-chart-{vote.uuid} canvas", timeout=10_000)
    staff.screenshot(path=str(RESULTS / "owners_vote_results.png"), full_page=True)
    vote.refresh_from_db()
    assert vote.status == "tallied" and vote.result["outcome"] == "passed"
