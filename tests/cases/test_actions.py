"""The side roads of the loop: duplicates, consultations, on-the-spot handling, returns,
committed cases, territorial fallback, hotline intake, and the category migration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cogov.cases import actions
from cogov.cases.models import Case, Category
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.metrics import Period, compute
from cogov.core.models import Notification
from cogov.organizations.models import Organization, OrgKind

from .factories import dispatched, report


def _today_period() -> Period:
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=1), today + dt.timedelta(days=30))


def test_default_categories_ship_as_a_tree(db):
    roots = Category.objects.filter(parent__isnull=True).order_by("code")
    assert [c.name for c in roots] == [
        "市容环境",
        "街面秩序",
        "公用设施",
        "物业管理",
        "邻里纠纷",
        "安全隐患",
        "民生服务",
    ]
    assert all(root.children.count() >= 4 for root in roots)
    assert Category.objects.get(code="0305").urgency == "life_safety"


def test_the_category_migration_is_reversible(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cogov.cases.migrations.0002_default_categories")
    count = Category.objects.count()
    migration.backwards(apps, None)
    assert Category.objects.count() == 0
    migration.forwards(apps, None)
    assert Category.objects.count() == count > 35


def test_likely_duplicates_are_found_and_merged(world, api):
    first = report(world, "resident", x=0.5, y=0.3)
    near = report(world, "grid_worker", x=0.502, y=0.3)  # about 20 m away
    report(world, "grid_worker", x=0.9, y=0.9)  # far away
    report(world, "grid_worker", code="0102", x=0.5, y=0.3)  # another category
    assert actions.find_likely_duplicates(near) == [first]
    listed = api("community_worker").get(f"cases/{near.uuid}/duplicates").json()
    assert [c["number"] for c in listed] == [first.number]
    merged = (
        api("community_worker").post(f"cases/{near.uuid}/merge", {"into": str(first.uuid)}).json()
    )
    assert merged["status"] == "void" and merged["duplicate_of"] == first.number
    for persona in ("resident", "grid_worker"):
        assert Notification.objects.filter(
            recipient=world.users[persona], title__contains="merged"
        ).exists()
    assert actions.find_likely_duplicates(first) == []


def test_a_consultation_is_answered_and_closed_at_once(world, api):
    case = report(world, code="0705", work_type="consultation")
    answered = api("community_worker").post(
        f"cases/{case.uuid}/answer", {"answer": "请携带户口本到社区办理"}
    )
    assert answered.json()["status"] == "closed"
    request = report(world)
    refused = api("community_worker").post(f"cases/{request.uuid}/answer", {"answer": "x"})
    assert refused.status_code == 400 and refused.json()["field"] == "work_type"


def test_grid_worker_handles_on_the_spot_with_evidence(world, client_for):
    case = report(world, "grid_worker")
    client = client_for("grid_worker")
    url = f"/api/cases/cases/{case.uuid}/handle-on-spot"
    without = client.post(url, {"note": "已清理"})
    assert without.status_code in (400, 422)
    photo = SimpleUploadedFile("after.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    done = client.post(url, {"note": "已现场清理", "photos": [photo]})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "closed" and body["attachments"][0]["stage"] == "after"
    assert body["timeline"][-1]["kind"] == "on_spot"


def test_a_wrong_dispatch_is_returned_redispatched_and_counted(world, api):
    case = dispatched(world)
    staff, cw = api("org_staff"), api("community_worker")
    returned = staff.post(f"cases/{case.uuid}/return", {"reason": "不属于物业管理范围"}).json()
    assert returned["status"] == "returned" and returned["lead_organization"] is None
    assert staff.get(f"cases/{case.uuid}").status_code == 404  # no longer theirs
    again = cw.post(f"cases/{case.uuid}/dispatch", {"lead": str(world.orgs["rc"].uuid)}).json()
    assert (
        again["status"] == "dispatched"
        and again["lead_organization"]["name"] == world.orgs["rc"].name
    )
    accuracy = compute("cases.dispatch_accuracy", world.nodes["C1"], _today_period())
    assert accuracy == Decimal("0.5")  # two dispatches, one returned


def test_hung_case_commits_to_a_date(world):
    case = dispatched(world)
    staff = world.users["org_staff"]
    actions.sign_case(actor=staff, case=case)
    actions.contact_requester(actor=staff, case=case)
    with pytest.raises(ActionError):
        actions.hang_case(actor=staff, case=case, until=timezone.localdate(), reason="需改造管网")
    until = timezone.localdate() + dt.timedelta(days=60)
    actions.hang_case(actor=staff, case=case, until=until, reason="需改造管网，纳入年度计划")
    case.refresh_from_db()
    assert case.status == "hung" and case.hung_until == until
    assert timezone.localtime(case.reply_due_at).date() == until
    actions.resume_case(actor=staff, case=case)
    assert Case.objects.get(pk=case.pk).status == "handling"


def test_territorial_fallback_goes_to_the_street(world, api):
    case = report(world, code="0102")  # 积存垃圾渣土: no default organization kind
    cw = world.users["community_worker"]
    actions.verify_case(actor=cw, case=case)
    actions.file_case(actor=cw, case=case)
    actions.dispatch_case(actor=cw, case=case)
    case.refresh_from_db()
    assert case.lead_organization is None
    so = world.users["street_official"]
    assert Case.objects.queue_for(so).filter(pk=case.pk).exists()
    actions.sign_case(actor=so, case=case)  # the street handles it itself (属地兜底)
    # With a street office on record, the fallback goes to it.
    office = Organization.objects.create(
        kind=OrgKind.STREET_OFFICE, name="第一街道办事处", node=world.nodes["S1"]
    )
    other = report(world, code="0102")
    for step in (actions.verify_case, actions.file_case, actions.dispatch_case):
        step(actor=cw, case=other)
    other.refresh_from_db()
    assert other.lead_organization == office


def test_hotline_intake_masks_the_callers_phone(world, api):
    from .conftest import report_body

    body = report_body(caller_name="王先生", caller_phone="13800001234")
    created = api("community_worker").post("cases", body).json()
    assert created["channel"] == "hotline" and created["caller_phone"] == "138××××1234"
    assert "13800001234" not in str(created)
    refused = api("resident").post("cases", {**body, "channel": "hotline"})
    assert refused.status_code == 403


def test_a_point_outside_every_grid_is_refused(world, api):
    from .conftest import report_body

    response = api("resident").post("cases", report_body(x=9, y=9))
    assert response.status_code == 400 and response.json()["field"] == "lon"


def test_rework_and_postponement_rates(world):
    from .factories import replied

    case = replied(world)
    staff, cw, resident = (
        world.users["org_staff"],
        world.users["community_worker"],
        world.users["resident"],
    )
    actions.check_case(actor=resident, case=case, passed=False, note="还有垃圾")
    actions.request_postponement(actor=staff, case=case, days=2, reason="等待清运车")
    actions.decide_postponement(actor=cw, case=case, approve=True)
    actions.reply_case(actor=staff, case=case, reply="清理完毕")
    actions.check_case(actor=resident, case=case, passed=True)
    actions.revisit_case(actor=cw, case=case, resolution="resolved", satisfaction="satisfied")
    actions.close_case(actor=cw, case=case)
    other = report(world, "grid_worker", x=0.8)
    for step in (actions.verify_case, actions.file_case, actions.dispatch_case):
        step(actor=cw, case=other)
    for step in (actions.sign_case, actions.contact_requester):
        step(actor=staff, case=other)
    actions.reply_case(actor=staff, case=other, reply="ok")
    actions.check_case(actor=world.users["grid_worker"], case=other, passed=True)
    actions.close_case(actor=cw, case=other)  # no requester to call back
    period = _today_period()
    assert compute("cases.rework_rate", world.nodes["C1"], period) == Decimal("0.5")
    assert compute("cases.postponement_rate", world.nodes["C1"], period) == Decimal("0.5")
    assert compute("cases.on_time_check_rate", world.nodes["G11"], period) == Decimal("1")


def test_categories_are_configured_through_the_action(world, client_for):
    parent = Category.objects.get(code="04")
    with pytest.raises(NotAllowed):
        actions.save_category(
            actor=world.users["street_official"], parent=parent, code="0499", name="x"
        )
    created = actions.save_category(
        actor=world.users["admin"],
        parent=parent,
        code="0499",
        name="垃圾分类",
        default_org_kind="property_company",
    )
    assert created.parent == parent and created.urgency == "general"
    with pytest.raises(ActionError):
        actions.save_category(actor=world.users["admin"], code="0499", name="again")
    # The admin saves through the same action and lists cases read-only.
    admin_client = client_for("admin")
    world.users["admin"].is_staff = world.users["admin"].is_superuser = True
    world.users["admin"].save()
    response = admin_client.post(
        f"/admin/cases/category/{created.pk}/change/",
        {
            "parent": parent.pk,
            "code": "0499",
            "name": "垃圾分类投放",
            "urgency": "general",
            "default_org_kind": "property_company",
            "active": "on",
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.name == "垃圾分类投放"
    report(world)
    assert admin_client.get("/admin/cases/case/").status_code == 200


def test_co_handlers_see_the_case_but_only_the_lead_handles_it(world, api):
    case = report(world)
    cw = world.users["community_worker"]
    actions.verify_case(actor=cw, case=case)
    actions.file_case(actor=cw, case=case)
    actions.dispatch_case(actor=cw, case=case, co_handlers=[world.orgs["socialorg"]])
    social = api("social_worker")
    assert social.get(f"cases/{case.uuid}").status_code == 200
    assert social.post(f"cases/{case.uuid}/sign").status_code == 403
    assert api("org_staff").post(f"cases/{case.uuid}/sign").json()["status"] == "signed"


def test_a_resident_reports_at_a_building(world, api):
    building = world.households["G12-1-101"].building
    created = api("resident").post(
        "cases", {"category": "0401", "description": "电梯停运", "building": str(building.uuid)}
    )
    assert created.status_code == 201
    assert created.json()["grid"] == world.nodes["G12"].code
