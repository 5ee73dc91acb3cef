"""In a real browser: a community worker signs in through the login form, opens the community
page and sees one polygon per grid on the Leaflet map; a click on a grid opens its page.

Run with `pytest -m browser tests/browser`. Uses Debian's Chromium; never `playwright install`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cogov.territory.models import Level, Node

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.mark.browser
def test_community_worker_sees_grid_polygons(live_server, world, browser):
    community = world.C1
    expected = Node.objects.active().within(community).of_level(Level.GRID).count()
    assert expected == 2

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    page.fill("#id_login", "community_worker")
    page.fill("#id_password", "pw-community_worker")
    page.click("button[type=submit].btn")
    page.wait_for_url(live_server.url + "/")
    assert "幸福社区" in page.inner_text("main")

    # From the home page, the community's card leads to its page.
    page.click(f"[data-testid=scope-node] a[href='/territory/{community.uuid}/']")
    page.wait_for_url(f"{live_server.url}/territory/{community.uuid}/")
    page.wait_for_selector("#grid-map[data-ready='1']", timeout=10_000)
    paths = page.locator("#grid-map .leaflet-overlay-pane svg path")
    assert paths.count() == expected
    labels = page.locator("#grid-map .leaflet-tooltip").all_inner_texts()
    assert any("幸福一网格" in label and "440111001001001" in label for label in labels)

    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "login_map.png"), full_page=True)

    # A click on a polygon opens that grid's page.
    paths.first.click(force=True)
    page.wait_for_url(f"{live_server.url}/territory/*/")
    assert page.url != f"{live_server.url}/territory/{community.uuid}/"
    assert "网格" in page.inner_text("h1")
    page.close()


def _login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit].btn")
    page.wait_for_url(base + "/")


@pytest.mark.browser
def test_reveal_and_mark_read_through_htmx(live_server, world, browser):
    from cogov.core.models import AuditLog, Notification

    person = world.people["G11-1-101-户主"]
    note = Notification.objects.create(
        recipient=world.community_worker, kind="t", title="请核实新住户"
    )
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    _login(page, live_server.url, "community_worker")

    page.goto(f"{live_server.url}/people/{person.uuid}/")
    assert person.id_number not in page.content()
    page.click("[data-testid=reveal]")
    page.wait_for_selector("[data-testid=revealed]")
    assert person.id_number in page.inner_text("[data-testid=revealed]")
    assert (
        page.url == f"{live_server.url}/people/{person.uuid}/"
    )  # swapped in place, not in the URL
    assert AuditLog.objects.filter(action="pii.reveal").count() == 1

    page.goto(f"{live_server.url}/inbox/")
    assert page.inner_text("#unread-badge") == "1"
    page.click(f"#n-{note.uuid} button")
    page.wait_for_selector(f"#n-{note.uuid}:not(.unread)")
    note.refresh_from_db()
    assert note.read_at is not None
    assert page.locator("#unread-badge").is_hidden()
    page.close()
