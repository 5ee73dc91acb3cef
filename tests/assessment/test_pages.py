"""Pages, export, API and the rollup command over HTTP, per persona."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from cogov.assessment import actions
from cogov.assessment.defaults import install_default_system
from cogov.assessment.models import Rollup
from cogov.core.metrics import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    version, _skipped = install_default_system()
    period = Period.year(2026)
    rnd = actions.create_round(
        actor=world.users["evaluator"], version=version, scope=world.nodes["D"],
        level="community", start=period.start, end=period.end, name="2026年度考评",
    )  # fmt: skip
    actions.compute_round(actor=world.users["evaluator"], round=rnd)
    actions.publish_round(actor=world.users["evaluator"], round=rnd)
    return rnd


def test_round_page_per_persona(world, client_for, published):
    url = f"/assessment/rounds/{published.uuid}/"
    page = client_for("evaluator").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(name in html for name in ("幸福社区", "和平社区", "光明社区"))
    street = client_for("street_official").get(url).content.decode()
    assert "幸福社区" in street and "光明社区" not in street  # S2's community is not theirs
    assert client_for("resident").get(url).status_code == 404
    assert client_for("outsider").get("/assessment/").status_code in (200, 302)
    assert "2026年度考评" not in client_for("resident").get("/assessment/").content.decode()


def test_export_xlsx(client_for, published):
    resp = client_for("evaluator").get(f"/assessment/rounds/{published.uuid}/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws.max_row == 4  # header + three communities


def test_api_steps(client_for, published, world):
    api = client_for("evaluator")
    data = api.get(f"/api/assessment/rounds/{published.uuid}").json()
    assert data["status"] == "published" and len(data["results"]) == 3
    resp = api.post(f"/api/assessment/rounds/{published.uuid}/compute")
    assert resp.status_code == 400  # a published round is frozen
    resp = client_for("street_official").post(f"/api/assessment/rounds/{published.uuid}/publish")
    assert resp.status_code == 403


def test_rollup_command_caches_only_metrics_whose_app_notifies(world):
    call_command("rollup", "2026", "--metric", "cases.volume", "--metric", "territory.grids")
    row = Rollup.objects.get(metric="cases.volume", node=world.nodes["C1"])
    assert row.value == 0 and not row.dirty
    # territory does not call touched(): its metrics are computed afresh, never cached
    assert not Rollup.objects.filter(metric="territory.grids").exists()


def test_dashboard_drill_down_reads_rollups(world, client_for):
    district = world.nodes["D"]
    url = f"/assessment/dashboard/{district.uuid}/?metric=cases.volume&period=2026"
    page = client_for("evaluator").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "第一街道" in html and "第二街道" in html
    assert f"/assessment/dashboard/{world.nodes['S1'].uuid}/" in html  # drill down
    assert Rollup.objects.filter(metric="cases.volume", node=world.nodes["S1"]).exists()
    # a street official sees their street's dashboard, not the other street's
    s2 = f"/assessment/dashboard/{world.nodes['S2'].uuid}/"
    assert client_for("street_official").get(s2).status_code == 404
    s1 = client_for("street_official").get(f"/assessment/dashboard/{world.nodes['S1'].uuid}/")
    assert s1.status_code == 200 and "幸福社区" in s1.content.decode()
    assert client_for("resident").get(url).status_code == 404
    # community → its grids (the last level: no further link)
    c1 = client_for("community_worker").get(f"/assessment/dashboard/{world.nodes['C1'].uuid}/")
    assert c1.status_code == 200 and world.nodes["G11"].name in c1.content.decode()
    home = client_for("street_official").get("/assessment/dashboard/")
    assert home.status_code == 302 and str(world.nodes["S1"].uuid) in home["Location"]


def test_radar_profiles_and_print_page(client_for, published):
    from cogov.assessment.engine import profiles

    snap = {
        "units": [{"id": 1}, {"id": 2}],
        "indicators": [{"id": 7, "name": "a", "direction": "cost"}],
        "values": {"1": {"7": 3.0}, "2": {"7": 1.0}},
    }
    assert profiles(snap) == {"indicators": ["a"], "units": {"1": [0.0], "2": [100.0]}}
    page = client_for("evaluator").get(f"/assessment/rounds/{published.uuid}/?print=1")
    assert page.status_code == 200 and "window.print()" in page.content.decode()
    assert (
        'id="radar-data"'
        in client_for("evaluator").get(f"/assessment/rounds/{published.uuid}/").content.decode()
    )


def test_pdf_export(client_for, published):
    resp = client_for("evaluator").get(f"/assessment/rounds/{published.uuid}/export.pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    assert (
        client_for("resident").get(f"/assessment/rounds/{published.uuid}/export.pdf").status_code
        == 404
    )


def test_unavailable_metric_is_shown_not_zeroed(world, client_for):
    """A bound metric no app registers reads 'not available' on the round page and is left out
    of the scores (not a crash, not a silent zero)."""
    from cogov.assessment.models import Indicator, IndicatorSystem, Kind, SystemVersion

    system = IndicatorSystem.objects.create(key="na", name="na")
    v = SystemVersion.objects.create(system=system, number=1)
    goal = Indicator.objects.create(version=v, kind=Kind.GOAL, name="goal")
    Indicator.objects.create(version=v, parent=goal, kind=Kind.INDICATOR, name="资金执行率x",
                             metric_key="nowhere.execution_rate")  # fmt: skip
    Indicator.objects.create(version=v, parent=goal, kind=Kind.INDICATOR, name="量",
                             metric_key="cases.volume")  # fmt: skip
    period = Period.year(2026)
    rnd = actions.create_round(
        actor=world.users["evaluator"], version=v, scope=world.nodes["D"], level="community",
        start=period.start, end=period.end, name="x",
    )  # fmt: skip
    actions.compute_round(actor=world.users["evaluator"], round=rnd)
    assert rnd.snapshot["unavailable"] == [
        {"indicator": "资金执行率x", "metric": "nowhere.execution_rate", "why": "missing"}
    ]
    assert [i["metric"] for i in rnd.snapshot["indicators"]] == ["cases.volume"]
    html = client_for("evaluator").get(f"/assessment/rounds/{rnd.uuid}/").content.decode()
    assert 'data-testid="unavailable"' in html and "nowhere.execution_rate" in html


def test_rollup_command_repairs_dirty_rows_and_refuses_no_period(world):
    from django.core.management.base import CommandError

    from cogov.assessment import rollups

    rollups.value("cases.volume", world.nodes["C1"], Period.year(2026))
    Rollup.objects.update(dirty=True)
    call_command("rollup", "--dirty")
    assert not Rollup.objects.filter(dirty=True).exists()
    with pytest.raises(CommandError, match="period"):
        call_command("rollup")


def test_dashboard_api(world, client_for):
    url = f"/api/assessment/dashboard/{world.nodes['D'].uuid}"
    data = client_for("evaluator").get(url, {"metric": "cases.volume", "period": "2026"}).json()
    assert {c["name"] for c in data["children"]} == {"第一街道", "第二街道"}
    assert len(data["trend"]) == 12
    bad = client_for("evaluator").get(url, {"metric": "nope", "period": "2026"})
    assert bad.status_code == 400 and "metric" in bad.json()["detail"]
    bad = client_for("evaluator").get(url, {"metric": "cases.volume", "period": "26"})
    assert bad.status_code == 400 and "period" in bad.json()["detail"]
    street = client_for("street_official").get(url, {"metric": "cases.volume", "period": "2026"})
    assert [c["name"] for c in street.json()["children"]] == ["第一街道"]
    assert client_for("resident").get(url, {"metric": "cases.volume"}).status_code == 404
