"""The whole loop through the REST API, and the three rates of the community moving with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cogov.cases.models import Case, CaseEvent
from cogov.core.metrics import Period, compute
from cogov.core.models import Deadline, Notification

from .conftest import report_body


def _rates(node):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=1), today + dt.timedelta(days=2))
    return {
        key: compute(f"cases.{key}", node, period)
        for key in (
            "volume",
            "response_rate",
            "resolution_rate",
            "satisfaction_rate",
            "closure_rate",
            "composite_score",
        )
    }


def test_resident_report_to_closure_through_the_api(world, api):
    resident, grid_worker, cw, staff = (
        api(p) for p in ("resident", "grid_worker", "community_worker", "org_staff")
    )
    before = _rates(world.nodes["C1"])
    assert before["volume"] == 0 and before["resolution_rate"] is None

    # A resident reports at a point inside grid G11.
    response = resident.post("cases", report_body(caller_phone="13912345678"))
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["status"] == "reported" and case["grid"] == world.nodes["G11"].code
    assert case["community"] == world.nodes["C1"].code
    assert case["number"].startswith(f"G{timezone.localdate().year}-")
    assert case["caller_phone"] == "139××××5678"
    uid = case["uuid"]

    # It waits in the grid worker's and the community's queues, not in another community's.
    assert uid in [c["uuid"] for c in grid_worker.get("cases", queue=True).json()["items"]]
    assert uid in [c["uuid"] for c in cw.get("cases", queue=True).json()["items"]]
    assert api("community_worker_c2").get(f"cases/{uid}").status_code == 404

    assert (
        grid_worker.post(f"cases/{uid}/verify", {"note": "现场属实"}).json()["status"] == "verified"
    )
    assert cw.post(f"cases/{uid}/file").json()["status"] == "filed"
    dispatched = cw.post(f"cases/{uid}/dispatch").json()
    # 暴露垃圾 goes to the property company of the community by default.
    assert dispatched["status"] == "dispatched"
    assert dispatched["lead_organization"]["name"] == world.orgs["property"].name

    # Now it is in the property company's queue.
    assert uid in [c["uuid"] for c in staff.get("cases", queue=True).json()["items"]]
    assert staff.post(f"cases/{uid}/sign").json()["status"] == "signed"
    assert (
        staff.post(f"cases/{uid}/contact", {"note": "已电话联系居民"}).json()["status"]
        == "handling"
    )
    assert staff.post(f"cases/{uid}/reply", {"reply": "垃圾已清运"}).json()["status"] == "replied"
    assert Notification.objects.filter(
        recipient=world.users["resident"], kind="cases.replied"
    ).exists()

    # The resident confirms; the community calls back; the case closes.
    assert uid in [c["uuid"] for c in resident.get("cases", queue=True).json()["items"]]
    assert resident.post(f"cases/{uid}/check", {"passed": True}).json()["status"] == "checked"
    closing_early = cw.post(f"cases/{uid}/close")
    assert closing_early.status_code == 400  # the requester must be called back first
    revisited = cw.post(
        f"cases/{uid}/revisit", {"resolution": "resolved", "satisfaction": "fairly"}
    ).json()
    assert revisited["status"] == "revisited"
    closed = cw.post(f"cases/{uid}/close").json()
    assert closed["status"] == "closed"
    assert [e["kind"] for e in closed["timeline"]] == [
        "report",
        "verify",
        "file",
        "dispatch",
        "sign",
        "contact",
        "reply",
        "check_pass",
        "revisit",
        "close",
    ]

    after = _rates(world.nodes["C1"])
    assert after["volume"] == 1
    assert after["response_rate"] == Decimal("1")
    assert after["resolution_rate"] == Decimal("1")
    assert after["satisfaction_rate"] == Decimal("1")  # 基本满意 counts in full by default
    assert after["composite_score"] == Decimal("100.00")
    assert _rates(world.nodes["C2"])["volume"] == 0
    # Nothing is left ticking on a closed case.
    case_row = Case.objects.get(uuid=uid)
    open_deadlines = Deadline.objects.filter(
        object_id=str(case_row.pk),
        met_at__isnull=True,
        cancelled_at__isnull=True,
        kind__startswith="cases.",
    )
    assert not open_deadlines.exists()


def test_partial_answers_lower_the_rates_by_policy(world, api):
    from .factories import replied

    case = replied(world)
    cw = api("community_worker")
    api("resident").post(f"cases/{case.uuid}/check", {"passed": True})
    cw.post(f"cases/{case.uuid}/revisit", {"resolution": "partly", "satisfaction": "dissatisfied"})
    rates = _rates(world.nodes["C1"])
    assert rates["resolution_rate"] == Decimal("0.5")
    assert rates["satisfaction_rate"] == Decimal("0")
    # 30 × 1 + 35 × 0.5 + 35 × 0 = 47.5
    assert rates["composite_score"] == Decimal("47.50")


def test_unresolved_revisit_reopens_and_rework_is_counted(world, api):
    from .factories import replied

    case = replied(world)
    resident, cw, staff = api("resident"), api("community_worker"), api("org_staff")
    failed = resident.post(
        f"cases/{case.uuid}/check", {"passed": False, "note": "还没清理干净"}
    ).json()
    assert failed["status"] == "handling"
    staff.post(f"cases/{case.uuid}/reply", {"reply": "再次清理"})
    resident.post(f"cases/{case.uuid}/check", {"passed": True})
    reopened = cw.post(
        f"cases/{case.uuid}/revisit", {"resolution": "unresolved", "satisfaction": "dissatisfied"}
    )
    assert reopened.json()["status"] == "handling"
    kinds = list(CaseEvent.objects.filter(subject__uuid=case.uuid).values_list("kind", flat=True))
    assert kinds.count("check_fail") == 1 and kinds[-1] == "reopen"
