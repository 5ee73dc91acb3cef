"""The REST API under /api/budgeting/, the pages, and the metric."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from cogov.budgeting.models import Proposal, Round
from cogov.core.metrics import Period, compute

from .conftest import make_round, propose

pytestmark = pytest.mark.django_db


def post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


def test_api_round_lifecycle_to_screening(world, client_for):
    staff = client_for("community_worker")
    now = timezone.now()
    response = post(
        staff,
        "/api/budgeting/",
        {
            "node": str(world.nodes["C1"].uuid),
            "year": 2026,
            "title": "API 轮次",
            "budget": "80000",
            "collect_opens_at": (now - dt.timedelta(hours=1)).isoformat(),
            "collect_closes_at": (now + dt.timedelta(hours=1)).isoformat(),
            "vote_opens_at": (now + dt.timedelta(hours=2)).isoformat(),
            "vote_closes_at": (now + dt.timedelta(days=2)).isoformat(),
            "tie_rule": "lottery",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["budget"] == "80000.00" and len(body["seed"]) == 32
    uuid = body["uuid"]
    assert post(staff, f"/api/budgeting/{uuid}/phase/open", {}).json()["status"] == "collecting"

    resident = client_for("resident")
    response = post(
        resident,
        f"/api/budgeting/{uuid}/proposals",
        {
            "title": "楼道扶手",
            "description": "老人上下楼",
            "category": "goods",
            "items": [
                {"description": "扶手", "quantity": "20", "unit": "米", "unit_price": "150"},
                {"description": "安装", "unit_price": "1000"},
            ],
            "beneficiaries": 120,
        },
    )
    assert response.status_code == 201, response.content
    proposal = response.json()
    assert proposal["reference"] == "P-001" and proposal["cost"] == "4000.00"
    assert [i["amount"] for i in proposal["items"]] == ["3000.00", "1000.00"]

    bad = post(
        resident,
        f"/api/budgeting/{uuid}/proposals",
        {"title": "x", "description": "y", "category": "goods", "items": []},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "items"

    refused = post(resident, f"/api/budgeting/{uuid}/phase/close-collection", {"note": "x"})
    assert refused.status_code == 403
    assert Round.objects.get(uuid=uuid).status == "collecting"
    early = post(staff, f"/api/budgeting/{uuid}/phase/close-collection", {})
    assert early.status_code == 400 and early.json()["field"] == "note"
    moved = post(staff, f"/api/budgeting/{uuid}/phase/close-collection", {"note": "提前结束"})
    assert moved.json()["status"] == "screening"

    no_reason = post(
        staff, f"/api/budgeting/proposals/{proposal['uuid']}/screen", {"eligible": False}
    )
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    screened = post(
        staff,
        f"/api/budgeting/proposals/{proposal['uuid']}/screen",
        {"eligible": False, "reason": "与政府投资项目重复"},
    )
    assert screened.json()["status"] == "rejected"
    listed = staff.get(f"/api/budgeting/{uuid}/proposals").json()
    assert listed[0]["rejection_reason"] == "与政府投资项目重复"
    assert client_for("community_worker_c2").get(f"/api/budgeting/{uuid}").status_code == 404
    public = client_for("outsider").get(f"/api/budgeting/{uuid}/results").json()
    assert public["proposals"][0]["status"] == "rejected" and public["commitments"] == []


def test_pages_render_for_staff_and_residents(world, client_for):
    round = make_round(world)
    p = propose(world, round, "口袋公园", "30000", location="3号楼旁")
    staff = client_for("community_worker")
    assert staff.get("/budgeting/").status_code == 200
    assert staff.get("/budgeting/new/").status_code == 200
    assert client_for("resident").get("/budgeting/new/").status_code == 404
    detail = staff.get(f"/budgeting/{round.uuid}/").content.decode()
    assert "P-001" in detail and "Close collection, start screening" in detail
    page = client_for("resident").get(f"/budgeting/{round.uuid}/propose/")
    assert page.status_code == 200
    response = client_for("resident").post(
        f"/budgeting/{round.uuid}/propose/",
        {
            "title": "路灯",
            "description": "夜间照明",
            "category": "works",
            "proposer_kind": "resident",
            "item-1-description": "LED 路灯",
            "item-1-quantity": "6",
            "item-1-unit_price": "1200",
        },
    )
    assert response.status_code == 302
    created = Proposal.objects.get(round=round, number=2)
    assert created.cost == Decimal("7200.00") and created.items.count() == 1
    missing = client_for("resident").post(
        f"/budgeting/{round.uuid}/propose/",
        {"title": "x", "description": "y", "category": "works", "proposer_kind": "resident"},
    )
    assert missing.status_code == 200 and "at least one cost item" in missing.content.decode()
    assert client_for("resident").get(f"/budgeting/proposal/{p.uuid}/").status_code == 200


def test_proposals_per_1000(world):
    round = make_round(world)
    propose(world, round, "A", "1000")
    propose(world, round, "B", "1000")
    today = timezone.localdate()
    period = Period.year(today.year)
    # C1 has 8 residents in the test world: 2 × 1000 / 8 = 250
    assert compute("budgeting.proposals_per_1000", world.nodes["C1"], period) == Decimal("250.00")
    # S1 has C1 (8 residents) and C2 (4): 2 × 1000 / 12
    assert compute("budgeting.proposals_per_1000", world.nodes["S1"], period) == Decimal("166.67")
    assert compute("budgeting.proposals_per_1000", world.nodes["C3"], period) == Decimal("0.00")
    last_year = Period.year(today.year - 1)
    assert compute("budgeting.proposals_per_1000", world.nodes["C1"], last_year) == Decimal("0.00")


def test_pages_cost_a_fixed_number_of_queries(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    round = make_round(world)
    propose(world, round, "A", "1000")
    staff = client_for("community_worker")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(url).status_code == 200
        return len(ctx.captured_queries)

    detail, public = count(f"/budgeting/{round.uuid}/"), count(f"/budgeting/{round.uuid}/results/")
    listing = count("/budgeting/")
    for i in range(6):
        propose(world, round, f"项目{i}", "1000")
        make_round(world, title=f"轮次{i}")
    assert count(f"/budgeting/{round.uuid}/") == detail
    assert count(f"/budgeting/{round.uuid}/results/") == public
    assert count("/budgeting/") == listing


def test_proposals_per_1000_counts_by_beijing_time_at_the_period_boundary(world):
    import zoneinfo

    round = make_round(world)
    early = propose(world, round, "A", "1000")
    late = propose(world, round, "B", "1000")
    beijing = zoneinfo.ZoneInfo("Asia/Shanghai")
    # 00:30 on 1 January in Beijing is still 31 December in UTC: it belongs to the new year
    Proposal.objects.filter(pk=early.pk).update(
        submitted_at=dt.datetime(2026, 1, 1, 0, 30, tzinfo=beijing)
    )
    Proposal.objects.filter(pk=late.pk).update(
        submitted_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=beijing)
    )
    c1 = world.nodes["C1"]
    assert compute("budgeting.proposals_per_1000", c1, Period.year(2026)) == Decimal("125.00")
    assert compute("budgeting.proposals_per_1000", c1, Period.year(2025)) == Decimal("125.00")
