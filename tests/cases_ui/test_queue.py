"""The queue, its query count, exports and bulk dispatch."""

from __future__ import annotations

import importlib
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.cases import actions
from cogov.cases.models import Case
from cogov.cases.workflow import Status

from ..cases.factories import report

pytestmark = pytest.mark.django_db


def filed(world: Any, **kwargs: Any) -> Case:
    case = report(world, **kwargs)
    cw = world.users["community_worker"]
    actions.verify_case(actor=cw, case=case)
    actions.file_case(actor=cw, case=case)
    return case


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_queue_lists_what_waits_for_the_user(world: Any, client_for: Any, english: Any) -> None:
    mine = report(world, x=0.5)
    elsewhere = report(world, "community_worker_c2", x=2.5)
    body = client_for("community_worker").get("/cases/").content.decode()
    assert mine.number in body and elsewhere.number not in body
    assert client_for("community_worker_c2").get("/cases/").status_code == 200
    # The resident sees their own reports, not a work queue.
    resident = client_for("resident").get("/cases/")
    assert resident.status_code == 200
    assert mine.number in resident.content.decode()
    assert "Report a problem" in resident.content.decode()


def test_queue_filters(world: Any, client_for: Any) -> None:
    a = report(world, x=0.5)
    b = report(world, x=1.5)
    Case.objects.filter(pk=b.pk).update(overdue=True)
    client = client_for("community_worker")
    by_grid = client.get("/cases/", {"grid": str(world.nodes["G12"].uuid)}).content.decode()
    assert b.number in by_grid and a.number not in by_grid
    overdue = client.get("/cases/", {"overdue": "on"}).content.decode()
    assert b.number in overdue and a.number not in overdue
    closed = client.get("/cases/", {"view": "all", "status": "closed"}).content.decode()
    assert a.number not in closed


def test_queue_costs_the_same_queries_for_3_or_20_cases(world: Any, client_for: Any) -> None:
    client = client_for("community_worker")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/cases/", {"view": "all"}).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        filed(world)
    few = count()
    for i in range(17):
        filed(world, x=0.1 + i * 0.05)
    assert count() == few


@pytest.mark.usefixtures("english")  # asserts on English text
def test_the_total_is_counted_up_to_a_cap(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting millions of visible cases took a second per page (bench/b_lists.py): above
    COUNT_CAP the page says "more than" instead of scanning them all."""
    queue_view = importlib.import_module("cogov.cases.views.queue")  # the package exports the view

    for i in range(3):
        report(world, x=0.2 + i * 0.1)
    client = client_for("community_worker")
    exact = client.get("/cases/", {"view": "all"})
    assert (exact.context["total"], exact.context["total_capped"]) == (3, False)
    assert "3 cases" in exact.content.decode()
    monkeypatch.setattr(queue_view, "COUNT_CAP", 2)
    capped = client.get("/cases/", {"view": "all"})
    assert (capped.context["total"], capped.context["total_capped"]) == (2, True)
    assert "more than 2 cases" in capped.content.decode()
    assert len(capped.context["cases"]) == 3  # the page itself is not capped


def test_keyset_pagination(world: Any, client_for: Any) -> None:
    cases = [report(world, x=0.05 + i * 0.03) for i in range(27)]
    client = client_for("community_worker")
    first = client.get("/cases/", {"view": "all"})
    assert first.context["next_url"]
    second = client.get("/cases/" + first.context["next_url"])
    shown = [c.number for c in first.context["cases"]] + [c.number for c in second.context["cases"]]
    assert sorted(shown) == sorted(c.number for c in cases)
    assert second.context["next_url"] is None


def test_exports(world: Any, client_for: Any) -> None:
    import openpyxl

    case = report(world, "community_worker", caller_phone="13912345678", x=0.5)
    client = client_for("community_worker")
    csv = client.get("/cases/export.csv", {"view": "all"})
    assert csv.status_code == 200
    assert csv.content.startswith(b"\xef\xbb\xbf")
    text = csv.content.decode("utf-8-sig")
    assert case.number in text and "工单编号" in text and "13912345678" not in text
    xlsx = client.get("/cases/export.xlsx", {"view": "all"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.active.cell(2, 1).value == case.number
    assert client_for("resident").get("/cases/export.csv").status_code == 404


def test_bulk_dispatch(world: Any, client_for: Any) -> None:
    one, two = filed(world, x=0.5), filed(world, x=1.5)
    not_ready = report(world, x=0.6)
    client = client_for("community_worker")
    response = client.post(
        "/cases/dispatch/",
        {
            "case": [str(one.uuid), str(two.uuid), str(not_ready.uuid)],
            "lead": str(world.orgs["property"].uuid),
            "note": "请尽快处理",
        },
    )
    assert response.status_code == 200
    results = {r["number"]: r for r in response.context["results"]}
    assert results[one.number]["ok"] and results[two.number]["ok"]
    assert not results[not_ready.number]["ok"]
    for case in (one, two):
        case.refresh_from_db()
        assert case.status == Status.DISPATCHED
        assert case.lead_organization == world.orgs["property"]
        assert case.events.get(kind="dispatch").note == "请尽快处理"
    not_ready.refresh_from_db()
    assert not_ready.status == Status.REPORTED


def test_bulk_dispatch_is_for_dispatchers_only(world: Any, client_for: Any) -> None:
    case = filed(world, x=0.5)
    for persona in ("grid_worker", "resident", "org_staff"):
        response = client_for(persona).post("/cases/dispatch/", {"case": [str(case.uuid)]})
        assert response.status_code == 404
    # Another community's worker cannot dispatch it (it is not theirs to see).
    other = client_for("community_worker_c2").post("/cases/dispatch/", {"case": [str(case.uuid)]})
    assert other.status_code == 200 and not other.context["results"][0]["ok"]
    case.refresh_from_db()
    assert case.status == Status.FILED


def test_handling_organization_sees_its_cases_and_only_the_links_it_may_use(
    world: Any, client_for: Any
) -> None:
    case = filed(world, x=0.5)
    actions.dispatch_case(
        actor=world.users["community_worker"], case=case, lead=world.orgs["property"]
    )
    response = client_for("org_staff").get("/cases/")
    body = response.content.decode()
    assert case.number in body
    assert not response.context["can_dispatch"]
    assert 'name="case"' not in body  # no dispatch checkboxes
    assert "/cases/map/" not in body and "/cases/ranking/" not in body
    evaluator = client_for("evaluator").get("/cases/").content.decode()
    assert "/cases/map/" in evaluator and "/cases/ranking/" in evaluator
