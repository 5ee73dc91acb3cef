"""Five-society linkage, the campaigns hand-off target, case trends, the API round trip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cogov.cooperation import actions, selectors
from cogov.cooperation.models import LedgerEntry, Need, NeedStatus
from cogov.core.actions import set_policy
from cogov.core.errors import ActionError

pytestmark = pytest.mark.django_db


def test_fund_ledger_balances_are_derived(world):
    secretary = world.users["party_secretary"]
    fund = actions.open_fund(
        actor=secretary, community=world.nodes["C1"], name="幸福社区基金", kind="community_fund"
    )
    actions.record_donation(actor=secretary, fund=fund, amount="1000", donor_name="区人民医院")
    actions.record_donation(
        actor=secretary, fund=fund, amount="300", in_kind=True, item="大米", quantity=30
    )
    actions.record_spending(actor=secretary, fund=fund, amount="400", note="助老餐")
    balance = selectors.fund_balance(fund)
    assert (balance.money, balance.goods) == (Decimal("600.00"), Decimal("300.00"))
    with pytest.raises(ActionError) as exc:
        actions.record_spending(actor=secretary, fund=fund, amount="601")
    assert exc.value.code == "insufficient"
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(fund=fund).update(amount=1)
    with pytest.raises(ActionError):
        actions.record_donation(actor=world.users["resident"], fund=fund, amount="5")


def test_who_of_the_five_took_part(coop, client_for):
    w = coop
    secretary = w.users["party_secretary"]
    actions.set_social_org_profile(
        actor=secretary,
        organization=w.orgs["socialorg"],
        stage="incubated",
        standing="filed",
        service_fields=["elderly"],
    )
    with pytest.raises(ActionError):
        actions.set_social_org_profile(
            actor=secretary, organization=w.orgs["unit"], stage="incubated", standing="filed"
        )
    cert = actions.record_certification(
        actor=secretary,
        person=w.people["G12-1-102-户主"],
        level="social_worker",
        certificate_no="SW2024-001",
        issued_on=dt.date(2024, 6, 1),
        organization=w.orgs["socialorg"],
    )
    fund = actions.open_fund(
        actor=secretary, community=w.nodes["C1"], name="慈善基金", kind="community_fund"
    )
    need = actions.raise_need(
        actor=secretary, community=w.nodes["C1"], title="独居老人探访", category="elderly"
    )
    actions.list_need(actor=secretary, need=need)
    res = actions.offer_resource(
        actor=w.users["social_worker"],
        kind="skills",
        title="社工探访",
        capacity=20,
        capacity_unit="小时",
        categories=["elderly"],
    )
    actions.list_resource(actor=secretary, resource=res)
    project = actions.propose_project(
        actor=secretary, title="探访计划", needs=[need], resources=[(res, 10)]
    )
    actions.add_participant(
        actor=secretary, project=project, role="social_worker", certification=cert, hours=6
    )
    actions.add_participant(
        actor=secretary,
        project=project,
        role="volunteer_team",
        organization=w.orgs["volunteers"],
        hours=12,
    )
    actions.add_participant(actor=secretary, project=project, role="charity", fund=fund)
    with pytest.raises(ActionError):
        actions.add_participant(
            actor=secretary, project=project, role="social_org", organization=w.orgs["unit"]
        )
    rows = client_for("party_secretary").get("/api/cooperation/linkage").json()
    roles = rows[0]["roles"]
    assert (
        roles["social_worker"]
        and roles["volunteer_team"] == ["幸福志愿服务队"]
        and roles["charity"] == ["慈善基金"]
    )
    page = client_for("resident").get("/cooperation/linkage/").content.decode()
    assert "探访计划" in page and "幸福志愿服务队" in page


def test_campaign_hand_off_target_registered(world):
    from cogov.campaigns.handoff import targets

    target = targets()["need"]
    household = world.households["G12-1-101"]
    finding = SimpleNamespace(
        entry=SimpleNamespace(household=household),
        campaign=SimpleNamespace(title="人口普查"),
        label="需要助餐",
        detail="腿脚不便",
        uuid="f-1",
    )
    ref = target.send(world.users["grid_worker"], finding)
    need = Need.objects.get(uuid=ref)
    assert (
        need.source == "grid_visit"
        and need.grid == world.nodes["G12"]
        and need.status == NeedStatus.COLLECTED
    )
    assert target.resolved([ref]) == set()


def test_case_trends_suggest_needs(world, client_for):
    from cogov.cases import actions as case_actions
    from cogov.cases.models import Category

    set_policy(
        actor=world.users["admin"],
        kind="cooperation.case_trends",
        node=world.nodes["C1"],
        value={"days": 30, "min_cases": 2},
        effective_from=timezone.localdate(),
    )
    category = (
        Category.objects.filter(active=True, parent__isnull=False).first()
        or Category.objects.filter(active=True).first()
    )
    building = world.households["G11-1-101"].building
    for text in ("垃圾堆放", "垃圾又堆了"):
        case_actions.report_case(
            actor=world.users["resident"], category=category, description=text, building=building
        )
    trends = selectors.case_trends(world.nodes["C1"])
    assert [(t.code, t.count) for t in trends] == [(category.code, 2)]
    assert selectors.case_trends(world.nodes["C2"]) == []
    need = actions.raise_need_from_case_trend(
        actor=world.users["party_secretary"],
        community=world.nodes["C1"],
        category_code=category.code,
    )
    assert need.source == "case_trend" and need.people_affected == 2
    with pytest.raises(ActionError):
        actions.raise_need_from_case_trend(
            actor=world.users["party_secretary"],
            community=world.nodes["C1"],
            category_code=category.code,
        )
    assert category.name in client_for("party_secretary").get("/cooperation/").content.decode()


def test_api_round_trip(coop, client_for):
    w = coop
    resident, liaison, secretary = (
        client_for("resident"),
        client_for("unit_liaison"),
        client_for("party_secretary"),
    )
    j = "application/json"
    need = resident.post(
        "/api/cooperation/needs",
        {"title": "儿童托管", "category": "culture", "community": str(w.nodes["C1"].uuid)},
        content_type=j,
    )
    assert need.status_code == 201, need.content
    uuid = need.json()["uuid"]
    assert (
        secretary.post(f"/api/cooperation/needs/{uuid}/list", {}, content_type=j).json()["status"]
        == "listed"
    )
    res = liaison.post(
        "/api/cooperation/resources",
        {
            "kind": "venue",
            "title": "活动室",
            "capacity": 20,
            "capacity_unit": "座",
            "categories": ["culture"],
        },
        content_type=j,
    )
    assert res.status_code == 201, res.content
    rid = res.json()["uuid"]
    assert (
        liaison.post(f"/api/cooperation/resources/{rid}/list", {}, content_type=j).status_code
        == 403
    )
    assert (
        secretary.post(f"/api/cooperation/resources/{rid}/list", {}, content_type=j).status_code
        == 200
    )
    assert (
        liaison.post(f"/api/cooperation/needs/{uuid}/claim", {}, content_type=j).json()["status"]
        == "claimed"
    )
    project = secretary.post(
        "/api/cooperation/projects",
        {"title": "托管班", "needs": [uuid], "resources": [{"resource": rid, "quantity": 20}]},
        content_type=j,
    )
    assert project.status_code == 201, project.content
    pid = project.json()["uuid"]
    step = secretary.post(
        f"/api/cooperation/projects/{pid}/vote",
        {"organization": str(w.orgs["committee"].uuid)},
        content_type=j,
    )
    assert step.json()["status"] == "deliberating" and step.json()["vote"]["status"] == "open"
    secretary.post(f"/api/cooperation/projects/{pid}/ballot", {"choice": "for"}, content_type=j)
    assert (
        secretary.post(f"/api/cooperation/projects/{pid}/decide", {}, content_type=j).json()[
            "status"
        ]
        == "approved"
    )
    assert (
        liaison.post(f"/api/cooperation/projects/{pid}/claim", {}, content_type=j).json()["status"]
        == "claimed"
    )
    liaison.post(f"/api/cooperation/projects/{pid}/start", {}, content_type=j)
    done = liaison.post(
        f"/api/cooperation/projects/{pid}/deliver",
        {"outputs": "每周两次", "evidence": ["x.jpg"]},
        content_type=j,
    )
    assert done.json()["status"] == "delivered"
    assert (
        liaison.post(
            f"/api/cooperation/projects/{pid}/rate", {"score": 5}, content_type=j
        ).status_code
        == 403
    )
    assert (
        resident.post(
            f"/api/cooperation/projects/{pid}/rate", {"score": 4}, content_type=j
        ).status_code
        == 200
    )
    assert (
        secretary.post(f"/api/cooperation/projects/{pid}/evaluate", {}, content_type=j).json()[
            "rating"
        ]
        == "4.00"
    )
    unit = liaison.get(f"/api/cooperation/units/{w.orgs['unit'].uuid}").json()
    assert unit["delivered"]["projects"] == 1 and unit["contribution"]["projects_delivered"] == 1
    part = secretary.post(
        f"/api/cooperation/projects/{pid}/participants",
        {"role": "volunteer_team", "organization": str(w.orgs["volunteers"].uuid), "hours": "8"},
        content_type=j,
    )
    assert part.status_code == 201, part.content
    assert client_for("outsider").get(f"/api/cooperation/projects/{pid}").status_code == 404
