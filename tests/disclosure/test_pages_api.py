"""Pages, the public board (no login, only published, no personal data) and the REST API."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from cogov.disclosure import actions, scheduling
from cogov.disclosure.models import Notice, Obligation
from cogov.lib import idnumber

from .conftest import CHECKLIST, draft, publish, quarterly

pytestmark = pytest.mark.django_db

C1 = "440111001001"


def _board_world(world: Any) -> dict[str, Notice]:
    scheduling.schedule(dt.date(2026, 10, 1))
    low = Obligation.objects.get(
        community=world.nodes["C1"], item_code="low_income", period_key="2026-09"
    )
    listed = draft(world, low, title="9月低保名单", body="名单如下。")
    actions.attach_table(
        actor=world.users["community_worker"],
        notice=listed,
        columns=["姓名", "身份证号", "金额"],
        rows=[["张三丰", idnumber.make("440111", dt.date(1950, 1, 1), 3), "980"]],
    )
    publish(world, listed)
    shown = publish(world, draft(world, quarterly(world)))
    hidden = draft(world, title="草稿:尚未审核的事项")
    review = draft(world, title="审核中的事项")
    actions.submit(actor=world.users["community_worker"], notice=review)
    gone = publish(world, draft(world, title="已撤回的事项"))
    actions.withdraw(actor=world.users["community_worker"], notice=gone, reason="有误")
    return {"listed": listed, "shown": shown, "hidden": hidden, "review": review, "gone": gone}


def test_public_board_shows_only_published_without_personal_data(world: Any) -> None:
    n = _board_world(world)
    anon = Client()
    page = anon.get(f"/public/{C1}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert n["shown"].title in html and n["listed"].title in html
    for key in ("hidden", "review", "gone"):
        assert n[key].title not in html
        assert anon.get(f"/public/{C1}/{n[key].uuid}/").status_code == 404
    item = anon.get(f"/public/{C1}/{n['listed'].uuid}/").content.decode()
    assert "张××" in item and "张三丰" not in item and "身份证号" not in item
    assert "980" in item
    assert 'lang="zh-hans"' in item  # Chinese by default
    assert "disclosure.css" in item  # the A4 print stylesheet
    # another community's board does not show C1's notices
    assert n["shown"].title not in anon.get("/public/440111001002/").content.decode()
    assert anon.get(f"/public/440111001002/{n['shown'].uuid}/").status_code == 404
    assert anon.get("/public/999999/").status_code == 404


def test_residents_object_on_the_board_when_signed_in(world: Any, client_for: Any) -> None:
    n = _board_world(world)
    url = f"/public/{C1}/{n['shown'].uuid}/"
    assert Client().post(url, {"body": "x"}).status_code == 404
    resident = client_for("resident")
    assert 'data-testid="object-form"' in resident.get(url).content.decode()
    resident.post(url, {"body": "请公布支出明细"})
    assert n["shown"].objections.get().body == "请公布支出明细"


def test_staff_pages(world: Any, client_for: Any) -> None:
    n = _board_world(world)
    worker = client_for("community_worker")
    assert worker.get("/disclosure/").status_code == 200
    assert n["hidden"].title in worker.get("/disclosure/").content.decode()
    assert worker.get(f"/disclosure/notices/{n['hidden'].uuid}/").status_code == 200
    assert worker.get("/disclosure/new/").status_code == 200
    catalogue = worker.get("/disclosure/catalogue/").content.decode()
    assert "最低生活保障对象名单" in catalogue and "社区党组织书记" in catalogue
    page = worker.get("/disclosure/compliance/")
    assert page.status_code == 200 and 'data-testid="obligations"' in page.content.decode()
    # the full workflow through the pages
    resp = worker.post(
        "/disclosure/new/",
        {
            "community": str(world.nodes["C1"].uuid),
            "category": "party",
            "title": "党费收缴情况",
            "body": "全年收缴 3,200 元。",
        },
    )
    notice = Notice.objects.get(title="党费收缴情况")
    assert resp.status_code == 302
    base = f"/disclosure/notices/{notice.uuid}/"
    worker.post(base + "submit/")
    secretary = client_for("party_secretary")
    secretary.post(base + "review/", {k: "1" for k in CHECKLIST})
    secretary.post(base + "approve/")
    worker.post(base + "publish/")
    notice.refresh_from_db()
    assert notice.status == "published"
    # others' communities: 404 like a missing one
    assert client_for("community_worker_c2").get(base).status_code == 404
    assert client_for("resident").get("/disclosure/").status_code == 404


def test_compliance_for_a_street_with_counts_and_export(world: Any, client_for: Any) -> None:
    scheduling.schedule(dt.date(2025, 10, 1))
    street = client_for("street_official")
    page = street.get("/disclosure/compliance/", {"period": "2025-Q4", "state": "overdue"})
    html = page.content.decode()
    assert 'data-testid="per-community"' in html
    assert "幸福社区" in html and "和平社区" in html and "光明社区" not in html
    assert street.get("/disclosure/compliance/", {"period": "2025-Q9"}).status_code == 200
    export = street.get("/disclosure/compliance/", {"period": "2025-Q4", "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) > 1 and {r[1] for r in rows[1:]} <= {C1, "440111001002"}
    assert client_for("resident").get("/disclosure/compliance/").status_code == 404


def test_api(world: Any, api_for: Any) -> None:
    scheduling.schedule(dt.date(2025, 10, 1))
    worker, secretary = api_for("community_worker"), api_for("party_secretary")
    c1 = world.nodes["C1"]
    cat = worker.get(f"catalogue/{c1.uuid}").json()
    assert cat["source"] == "default" and any(i["code"] == "low_income" for i in cat["items"])
    obligations = worker.get("obligations", period="2025-Q4", state="overdue").json()
    assert obligations and all(o["community"] == C1 for o in obligations)
    assert worker.get("obligations", period="bad").status_code == 400
    ob = next(o for o in obligations if o["item_code"] == "working_funds")
    made = worker.post("notices", {"obligation": ob["uuid"], "title": "三季度经费", "body": "明细"})
    assert made.status_code == 200, made.content
    uuid = made.json()["uuid"]
    bad = worker.post(
        "notices", {"community": str(c1.uuid), "category": "x", "title": "t", "body": "b"}
    )
    assert bad.status_code == 400 and bad.json()["field"] == "category"
    assert worker.post(f"notices/{uuid}/approve").status_code == 403
    assert worker.post(f"notices/{uuid}/submit").json()["status"] == "in_review"
    refused = secretary.post(f"notices/{uuid}/review", {"checklist": {"no_secrets": True}})
    assert refused.status_code == 400 and refused.json()["field"] == "necessary"
    assert secretary.post(f"notices/{uuid}/review", {"checklist": CHECKLIST}).status_code == 200
    assert secretary.post(f"notices/{uuid}/approve").json()["status"] == "approved"
    published = worker.post(f"notices/{uuid}/publish").json()
    assert published["status"] == "published"
    assert api_for("resident").post(f"notices/{uuid}/objections", {"body": "?"}).status_code == 200
    objection = worker.get(f"notices/{uuid}/objections").json()[0]
    assert (
        worker.post(f"objections/{objection['uuid']}/answer", {"answer": "见附表"}).status_code
        == 200
    )
    assert len(worker.get(f"notices/{uuid}/events").json()) == 5
    compliance = api_for("street_official").get(f"compliance/{world.nodes['S1'].uuid}").json()
    assert compliance["totals"]["late"] == 1  # published today, long after 21 Oct 2025
    assert api_for("community_worker_c2").get(f"notices/{uuid}").status_code == 404
    assert api_for("resident").get(f"compliance/{world.nodes['S1'].uuid}").status_code == 404
    event = worker.post(
        "events", {"community": str(c1.uuid), "trigger": "fundraising_started", "ref": "A-1"}
    )
    assert event.status_code == 200 and event.json()[0]["item_code"] == "fundraising"
    assert (
        worker.post("events", {"community": str(c1.uuid), "trigger": "x", "ref": "1"}).status_code
        == 400
    )
    assert timezone.now()  # keep the import used


def test_lists_cost_a_fixed_number_of_queries(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    """The board and the compliance view do not grow with the number of notices/obligations."""
    scheduling.schedule(dt.date(2026, 11, 22), since=dt.date(2025, 1, 1))
    for o in list(Obligation.objects.filter(community=world.nodes["C1"]))[:6]:
        publish(world, draft(world, o))
    street = client_for("street_official")
    street.get("/disclosure/compliance/")  # warm caches (content types, sessions)
    with django_assert_max_num_queries(20):
        assert street.get("/disclosure/compliance/").status_code == 200
    anon = Client()
    anon.get(f"/public/{C1}/")
    with django_assert_max_num_queries(6):
        assert anon.get(f"/public/{C1}/").status_code == 200


def test_the_community_page_links_to_its_board(world: Any, client_for: Any) -> None:
    c1 = world.nodes["C1"]
    page = client_for("community_worker").get(f"/territory/{c1.uuid}/").content.decode()
    assert f"/public/{C1}/" in page
