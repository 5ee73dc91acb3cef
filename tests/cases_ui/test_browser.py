"""In a real browser, on a phone: a resident taps the map of their community's grids, is shown
a likely duplicate (htmx), then sends a report and lands on the case page.

Run with `pytest -m browser tests/cases_ui`. Uses Debian's Chromium; never `playwright install`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cogov.cases import actions
from cogov.cases.models import Case, Category

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def default_categories(transactional_db: Any) -> None:
    """Browser tests run on a transactional database, which earlier live-server tests flush,
    data migrations included: put the shipped category tree back when it is gone."""
    if not Category.objects.filter(code="0101").exists():
        from importlib import import_module

        from django.apps import apps

        import_module("cogov.cases.migrations.0002_default_categories").forwards(apps, None)


@pytest.mark.browser
def test_resident_reports_from_the_map_and_sees_a_duplicate(
    live_server: Any, default_categories: None, world: Any, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
    page.goto(live_server.url + "/accounts/login/?next=/cases/report/")
    page.fill("#id_login", "resident")
    page.fill("#id_password", "pw-resident")
    page.press("#id_password", "Enter")
    page.wait_for_url(live_server.url + "/cases/report/")
    assert page.locator("#picker .leaflet-overlay-pane svg path").count() == 2  # G11, G12

    page.select_option("#id_category", "0101")
    box = page.locator("#picker").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    lon = float(page.input_value("#id_lon"))
    lat = float(page.input_value("#id_lat"))
    # Someone reports the same thing at the same place meanwhile; the next change shows it.
    existing = actions.report_case(
        actor=world.users["grid_worker"],
        category=Category.objects.get(code="0101"),
        description="垃圾",
        lon=lon,
        lat=lat,
    )
    page.select_option("#id_category", "0102")
    page.select_option("#id_category", "0101")
    page.wait_for_selector("[data-testid=duplicates]", timeout=10_000)
    assert existing.number in page.inner_text("#duplicates")

    page.fill("#id_description", "垃圾还在，没有人清理")
    page.click("[data-testid=submit-report]")
    page.wait_for_url(f"{live_server.url}/cases/*/")
    case = Case.objects.exclude(pk=existing.pk).get()
    assert case.grid == world.nodes["G11"]
    assert case.number in page.inner_text("h1")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "cases_resident_report.png"), full_page=True)
    page.close()
