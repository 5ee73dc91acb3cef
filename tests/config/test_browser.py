"""The installed site in a real browser: Debian's Chromium driven by Playwright (no downloads)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cogov.accounts.models import User

CHROMIUM = os.environ.get("COGOV_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium keeps trying to reach Google's services over a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (or set COGOV_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
    # are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="zh-CN")
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def test_log_in_and_reach_the_home_page(live_server, page):
    User.objects.create_user("browser-user", password="a-long-pass-phrase-1")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # anonymous visitors are sent to log in

    stylesheets = []
    page.on(
        "response",
        lambda r: stylesheets.append(r.status) if r.url.endswith(".css") else None,
    )
    page.reload()
    page.fill("input[name=login]", "browser-user")
    page.fill("input[name=password]", "a-long-pass-phrase-1")
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    assert page.url == f"{live_server.url}/"
    assert stylesheets and all(status == 200 for status in stylesheets)


def test_a_wrong_password_is_refused(live_server, page):
    User.objects.create_user("browser-user", password="a-long-pass-phrase-1")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "browser-user")
    page.fill("input[name=password]", "not-the-password")
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
