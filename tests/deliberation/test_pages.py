"""Pages and API beyond the main path: recurring-case suggestions, surveys, procedures, the
API's refusals, and the topic board's fixed query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.core.models import Policy
from cogov.deliberation import actions as a
from cogov.deliberation.models import Procedure, Survey, Topic
from tests.cases.factories import report

pytestmark = pytest.mark.django_db


def test_recurring_cases_are_suggested(delib, client_for) -> None:
    w = delib
    Policy.objects.create(
        kind="deliberation.recurring_cases",
        node=w.C1,
        effective_from=dt.date(2020, 1, 1),
        value={"min_cases": 3, "period_days": 90},
    )
    for _ in range(3):
        report(w, persona="resident", code="0101", x=0.5, y=0.3)  # grid G11
    report(w, persona="resident", code="0101", x=1.5, y=0.3)  # grid G12
    page = client_for("community_worker").get("/deliberation/suggestions/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "幸福一网格" in html and "幸福二网格" not in html  # 3 in G11, 1 in G12
    assert "source=cases" in html
    assert client_for("resident").get("/deliberation/suggestions/").status_code == 404


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_survey_pages(delib, client_for) -> None:
    w = delib
    staff = client_for("community_worker")
    response = staff.post(
        "/deliberation/surveys/new/",
        {
            "community": w.C1.uuid,
            "title": "停车意见",
            "kind": "survey",
            "questions": "scale | 满意吗 | 1-5\n"
            "single | 继续吗 | 是;否\n"
            "multiple | 哪些 | 甲;乙;丙",
        },
    )
    assert response.status_code == 302
    survey = Survey.objects.get(title="停车意见")
    assert [q.kind for q in survey.questions.order_by("order")] == ["scale", "single", "multiple"]
    url = f"/deliberation/surveys/{survey.uuid}/"
    staff.post(url, {"action": "open"})
    resident = client_for("resident")
    qs = list(survey.questions.order_by("order"))
    resident.post(url, {f"q{qs[0].pk}": "4", f"q{qs[1].pk}": "是", f"q{qs[2].pk}": ["甲", "丙"]})
    assert survey.responses.count() == 1
    assert (
        "Thank you" in resident.get(url).content.decode()
        or "感谢" in resident.get(url).content.decode()
    )
    assert client_for("community_worker_c2").get(url).status_code == 404


def test_compose_procedure_page(delib, client_for) -> None:
    w = delib
    staff = client_for("community_worker")
    response = staff.post(
        "/deliberation/procedures/new/",
        {
            "community": w.C1.uuid,
            "key": "c1-pets",
            "name": "养犬议事",
            "steps": "meeting | consultation |  | 协商会\n"
            "resolution | residents_committee |  | 公示\n"
            "results | residents_committee |  | 结果公开",
        },
    )
    assert response.status_code == 302
    assert Procedure.objects.get(key="c1-pets").steps.count() == 3
    assert "养犬议事" in staff.get("/deliberation/procedures/").content.decode()
    assert client_for("resident").get("/deliberation/procedures/new/").status_code == 404


def test_api_refusals(delib, client_for) -> None:
    w = delib
    resident = client_for("resident")
    created = resident.post(
        "/api/deliberation/topics",
        {"community": w.C1.code, "title": "垃圾分类", "description": "请议"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "collecting"
    uuid = created.json()["uuid"]
    assert resident.post(f"/api/deliberation/topics/{uuid}/cosign").status_code == 403
    Topic.objects.filter(uuid=uuid).update(status="submitted")
    secretary = client_for("party_secretary")
    no_reason = secretary.post(
        f"/api/deliberation/topics/{uuid}/decline", {"reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    assert client_for("outsider").get(f"/api/deliberation/topics/{uuid}").status_code == 404
    ok = secretary.post(
        f"/api/deliberation/topics/{uuid}/accept",
        {"procedure": "six-step-consultation"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["current_step"] == "propose"


def test_topic_board_query_count_is_fixed(delib, client_for) -> None:
    w = delib
    client = client_for("resident")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/deliberation/").status_code == 200
        return len(ctx.captured_queries)

    a.propose_topic(actor=w.party_secretary, node=w.C1, title="一", description="d", source="party")
    first = count()
    for i in range(5):
        t = a.propose_topic(
            actor=w.party_secretary, node=w.C1, title=f"议题{i}", description="d", source="party"
        )
        a.accept_topic(
            actor=w.party_secretary,
            topic=t,
            procedure=Procedure.objects.get(key="six-step-consultation"),
        )
    assert count() == first


def test_admin_is_read_only(delib) -> None:
    from django.test import Client

    w = delib
    w.admin.is_staff = True
    w.admin.is_superuser = True
    w.admin.save()
    client = Client()
    client.force_login(w.admin)
    assert client.get("/admin/deliberation/procedure/").status_code == 200
    procedure = Procedure.objects.get(key="six-step-consultation")
    page = client.get(f"/admin/deliberation/procedure/{procedure.pk}/change/")
    assert page.status_code == 200 and "纳入决策" in page.content.decode()
    assert client.get("/admin/deliberation/topic/add/").status_code == 403
