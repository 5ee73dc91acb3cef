"""In a real browser, the 四议两公开 walkthrough: a resident proposes a topic, two neighbours
co-sign, the party secretary accepts it, a community worker runs the meetings (notice, sign-in
with the live quorum, motion, vote through the voting app, minutes), publishes the resolution
and the results, and the public notice board shows them without login. Screenshots in
test-results/.

Run with `pytest -m browser tests/browser`. Uses Debian's Chromium; never `playwright install`.
The notice periods are shortened by moving the recorded notice back (tests do not wait days).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from cogov.deliberation.models import Meeting, Procedure, Resolution, Topic
from tests.deliberation.conftest import delib, let_notice_run  # noqa: F401  (fixture)

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _login(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit].btn")
    page.wait_for_url(base + "/")
    return page


def _shot(page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"four_deliberations_{name}.png"), full_page=True)


def _run_meeting(page, base: str, topic: Topic) -> None:
    page.goto(f"{base}/deliberation/topics/{topic.uuid}/")
    page.click("[data-testid=schedule-meeting]")
    starts = (timezone.localtime() + dt.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#title", "议事会议")
    page.fill("#starts_at", starts)
    page.fill("#place", "社区会议室")
    page.click("[data-testid=meeting-form] button[type=submit]")
    page.wait_for_selector("[data-testid=give-notice]")
    page.click("[data-testid=give-notice]")
    page.wait_for_selector("[data-testid=open-meeting]")
    meeting = Meeting.objects.filter(topic=topic).latest("pk")
    let_notice_run(meeting)
    page.click("[data-testid=open-meeting]")
    page.wait_for_selector("[data-testid=close-meeting]")
    count = meeting.participants.count()
    for participant in meeting.participants.order_by("pk"):
        page.click(f"[data-testid=sign-in-{participant.pk}]")  # htmx swaps the row
        page.wait_for_selector(f"#p-{participant.pk} [data-testid=signed-in]")
    # The quorum fragment polls every 5 s; wait for it to show everyone present.
    page.wait_for_function(
        f"document.querySelector('[data-testid=present]').textContent.trim() === '{count}'",
        timeout=12_000,
    )
    if meeting.rule:
        quorum = page.inner_text("#quorum")
        assert "出席" in quorum or "present" in quorum  # the live count, in either language
        page.fill("textarea[name=text]", "同意本议题")
        page.click("[data-testid=move]")
        if page.locator("[data-testid=second]").count():
            page.click("[data-testid=second]")
        page.click("[data-testid=put-to-vote]")
        for select in page.locator("[data-testid=hands] select").all():
            select.select_option("for")
        page.click("[data-testid=hands] button[type=submit]")
        page.click("[data-testid=close-vote]")
        page.wait_for_selector("[data-testid=motion-result]")
    _shot(page, f"meeting_{meeting.topic_step.step.key}")
    page.click("[data-testid=close-meeting]")
    page.fill("textarea[name=minutes]", "纪要：与会人员一致同意。")
    page.click("[data-testid=save-minutes]")
    page.wait_for_selector("[data-testid=minutes]")
    page.goto(f"{base}/deliberation/topics/{topic.uuid}/")
    page.click("[data-testid=complete-step]")
    page.wait_for_load_state()


@pytest.fixture
def builtin_procedures(transactional_db):  # type: ignore[no-untyped-def]
    """Browser tests run on a transactional database, which earlier live-server tests flush,
    data migrations included: put the shipped procedures back (the migration is idempotent)."""
    from importlib import import_module

    from django.apps import apps

    import_module("cogov.deliberation.migrations.0002_builtin_procedures").forward(apps, None)


@pytest.mark.browser
@pytest.mark.slow
def test_resident_proposal_to_published_results(
    live_server,
    builtin_procedures,
    delib,  # noqa: F811
    browser,
):
    w = delib
    base = live_server.url

    resident = _login(browser, base, "resident")
    resident.goto(base + "/deliberation/")
    resident.click("[data-testid=propose]")
    resident.fill("#title", "加装电梯")
    resident.fill("#description", "1号楼老人多，请议加装电梯。")
    resident.click("[data-testid=topic-form] button[type=submit]")
    resident.wait_for_selector("[data-testid=cosign-count]")
    _shot(resident, "proposed")
    topic = Topic.objects.get(title="加装电梯")

    for neighbour in ("neighbour1", "neighbour2"):
        page = _login(browser, base, neighbour)
        page.goto(f"{base}/deliberation/topics/{topic.uuid}/")
        page.click("[data-testid=cosign]")
        page.wait_for_load_state()
        page.close()
    topic.refresh_from_db()
    assert topic.status == "submitted"

    secretary = _login(browser, base, "party_secretary")
    secretary.goto(f"{base}/deliberation/topics/{topic.uuid}/")
    procedure = Procedure.objects.get(key="four-deliberations-two-disclosures")
    secretary.select_option("#procedure", str(procedure.uuid))
    secretary.click("[data-testid=accept]")
    secretary.wait_for_selector("[data-testid=steps]")
    _shot(secretary, "accepted")

    worker = _login(browser, base, "community_worker")
    for _ in range(4):
        _run_meeting(worker, base, topic)
    topic.refresh_from_db()
    assert topic.status == "decided"

    worker.goto(f"{base}/deliberation/topics/{topic.uuid}/")
    worker.fill("[data-testid=resolution-form] input[name=title]", "关于加装电梯的决议")
    worker.fill("[data-testid=resolution-form] textarea[name=text]", "同意1号楼加装电梯。")
    worker.click("[data-testid=resolution-form] button[type=submit]")
    worker.click("[data-testid=publish-resolution]")
    worker.wait_for_selector("[data-testid=task-form]")
    worker.fill("[data-testid=task-form] input[name=title]", "招标施工")
    worker.fill(
        "[data-testid=task-form] input[name=due_on]",
        (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    )
    worker.click("[data-testid=task-form] button[type=submit]")
    worker.fill("[data-testid=tasks] input[name=report]", "已完成招标")
    worker.click("[data-testid=task-done]")
    worker.fill("textarea[name=results]", "电梯已安装并通过验收。")
    worker.click("[data-testid=publish-results]")
    worker.wait_for_selector("[data-testid=results]")
    _shot(worker, "results")

    resolution = Resolution.objects.get(topic=topic)
    public = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    public.goto(f"{base}/notices/{w.C1.uuid}/")
    assert "关于加装电梯的决议" in public.inner_text("[data-testid=board]")
    public.goto(f"{base}/notices/{w.C1.uuid}/{resolution.uuid}/")
    assert "电梯已安装并通过验收" in public.inner_text("[data-testid=board-results]")
    _shot(public, "board")
    public.emulate_media(media="print")
    assert public.locator(".topbar").is_hidden()
    topic.refresh_from_db()
    assert topic.status == "closed"
