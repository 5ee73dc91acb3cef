"""Pages and API of the joint committee and 双报到, through HTTP."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cogov.organizations import actions
from cogov.organizations.models import Appraisal, PostClaim, Report, ReportStatus

from .helpers import in_service_member, reported


@pytest.fixture
def committee(world: Any) -> Any:
    secretary = world.users["party_secretary"]
    c = actions.create_committee(actor=secretary, organization=world.orgs["committee"])
    for key in ("unit", "property"):
        actions.add_unit(actor=secretary, committee=c, unit=world.orgs[key], on=dt.date(2020, 1, 1))
    actions.generate_rotation(actor=secretary, committee=c, year=timezone.localdate().year)
    return c


def test_committee_page_shows_a_year_grid_with_past_months_locked(
    world: Any, committee: Any, client_for: Any
) -> None:
    page = client_for("party_secretary").get(f"/organizations/committees/{committee.uuid}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="slot"') == 12
    month = timezone.localdate().month
    assert html.count("🔒") == month  # the months begun so far, this one included
    assert world.orgs["unit"].name in html and world.orgs["property"].name in html
    # The liaison of a member unit sees it too; an outsider gets 404.
    assert (
        client_for("unit_liaison").get(f"/organizations/committees/{committee.uuid}/").status_code
        == 200
    )
    assert (
        client_for("outsider").get(f"/organizations/committees/{committee.uuid}/").status_code
        == 404
    )
    assert (
        client_for("community_worker_c2")
        .get(f"/organizations/committees/{committee.uuid}/")
        .status_code
        == 404
    )


def test_chair_unit_plans_its_month_through_the_page(
    world: Any, committee: Any, client_for: Any
) -> None:
    today = timezone.localdate()
    slot = committee.rotation.get(starts_on=today.replace(day=1))
    client = client_for("unit_liaison" if slot.unit == world.orgs["unit"] else "org_staff")
    url = f"/organizations/committees/{committee.uuid}/rotation/"
    client.post(url, {"action": "plan", "slot": slot.starts_on.isoformat(), "text": "点亮微心愿"})
    slot.refresh_from_db()
    assert slot.plan == "点亮微心愿"
    # The other unit may not.
    other = client_for("org_staff" if slot.unit == world.orgs["unit"] else "unit_liaison")
    other.post(url, {"action": "plan", "slot": slot.starts_on.isoformat(), "text": "夺权"})
    slot.refresh_from_db()
    assert slot.plan == "点亮微心愿"


def test_unit_page_shows_pledged_and_delivered(world: Any, committee: Any, client_for: Any) -> None:
    secretary = world.users["party_secretary"]
    year = timezone.localdate().year
    actions.sign_agreement(
        actor=secretary,
        committee=committee,
        unit=world.orgs["unit"],
        scope="义诊进社区",
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
        resources=["医生 2 名"],
        pledged_hours=120,
    )
    member = in_service_member(world, world.orgs["unit"])
    reported(world, member)
    rec = actions.log_service(
        actor=secretary,
        member=member,
        community=world.nodes["C1"],
        served_on=timezone.localdate(),
        hours="2.5",
        description="义诊",
    )
    actions.confirm_service(actor=secretary, record_=rec)
    page = client_for("unit_liaison").get(f"/organizations/{world.orgs['unit'].uuid}/contribution/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "义诊进社区" in html and "医生 2 名" in html
    assert 'data-testid="pledged-hours">120<' in html
    assert 'data-testid="hours">2.5<' in html


def test_member_reports_online_and_the_desk_confirms(world: Any, client_for: Any) -> None:
    member = in_service_member(world, world.orgs["unit"], user=world.users["volunteer"])
    client_for("volunteer").post(
        "/organizations/dual-report/", {"what": "member", "note": "周末有空"}
    )
    report = Report.objects.get(member=member)
    assert report.community == world.nodes["C1"] and report.status == ReportStatus.SUBMITTED
    desk = f"/organizations/dual-report/{world.nodes['C1'].uuid}/"
    assert client_for("volunteer").get(desk).status_code == 404
    assert "周末有空" in client_for("party_secretary").get(desk).content.decode()
    client_for("party_secretary").post(
        desk, {"kind": "report", "uuid": report.uuid, "action": "confirm"}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED


def test_reported_member_claims_a_post_on_the_page(world: Any, client_for: Any) -> None:
    member = in_service_member(world, world.orgs["unit"], user=world.users["volunteer"])
    post = actions.publish_post(
        actor=world.users["party_secretary"],
        community=world.nodes["C1"],
        category="legal",
        title="法律咨询",
        capacity=2,
    )
    url = f"/organizations/dual-report/{world.nodes['C1'].uuid}/posts/"
    assert client_for("volunteer").get(url).status_code == 404  # not reported: no posts to see
    reported(world, member)
    assert "法律咨询" in client_for("volunteer").get(url).content.decode()
    client_for("volunteer").post(url, {"action": "claim", "post": post.uuid})
    assert PostClaim.objects.filter(post=post, member=member).exists()


def test_quarterly_sheet_page_and_exports(world: Any, client_for: Any) -> None:
    member = in_service_member(world, world.orgs["unit"])
    reported(world, member)
    rec = actions.log_service(
        actor=world.users["party_secretary"],
        member=member,
        community=world.nodes["C1"],
        served_on=dt.date(2025, 5, 5),
        hours="3",
        description="巡逻",
    )
    actions.confirm_service(actor=world.users["party_secretary"], record_=rec)
    url = f"/organizations/{world.orgs['unit'].uuid}/service-sheet/"
    page = client_for("unit_liaison").get(url, {"year": 2025, "quarter": 2})
    assert page.status_code == 200
    assert member.person.name in page.content.decode()
    assert 'data-testid="sheet-total">3.0<' in page.content.decode()
    xlsx = client_for("unit_liaison").get(url.rstrip("/") + ".xlsx", {"year": 2025, "quarter": 2})
    assert xlsx.content[:2] == b"PK"
    # Another unit's staff may not read this employer's sheet.
    assert client_for("org_staff").get(url, {"year": 2025, "quarter": 2}).status_code == 404
    api = client_for("unit_liaison").get(
        f"/api/organizations/sheets/{world.orgs['unit'].uuid}", {"year": 2025, "quarter": 2}
    )
    assert api.status_code == 200 and Decimal(str(api.json()["total"])) == Decimal("3")


def test_appraisal_page_refuses_qualified_without_report_and_shows_scores(
    world: Any, client_for: Any
) -> None:
    member = in_service_member(world, world.orgs["unit"])
    url = f"/organizations/dual-report/{world.nodes['C1'].uuid}/appraisal/"
    year = timezone.localdate().year
    page = client_for("party_secretary").get(url, {"year": year})
    assert page.status_code == 200 and member.person.name in page.content.decode()
    secretary = client_for("party_secretary")
    secretary.cookies["django_language"] = "en"  # the message is checked in English
    response = secretary.post(
        f"{url}?year={year}",
        {"member": member.uuid, "grade": "qualified"},
        follow=True,
    )
    assert "has not reported" in response.content.decode()
    assert not Appraisal.objects.exists()
    try:
        import cogov.points.scoring  # noqa: F401
    except ImportError:
        return
    assert 'data-testid="score"' in page.content.decode()


def test_api_register_confirm_claim_and_appraise(world: Any, client_for: Any) -> None:
    member = in_service_member(world, world.orgs["unit"], user=world.users["volunteer"])
    volunteer, secretary = client_for("volunteer"), client_for("party_secretary")
    c1 = str(world.nodes["C1"].uuid)
    r = volunteer.post(
        "/api/organizations/reports",
        json.dumps({"community": c1, "member": str(member.uuid)}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    uuid = r.json()["uuid"]
    assert (
        volunteer.post(
            f"/api/organizations/reports/{uuid}",
            json.dumps({"action": "confirm"}),
            content_type="application/json",
        ).status_code
        == 403
    )
    ok = secretary.post(
        f"/api/organizations/reports/{uuid}",
        json.dumps({"action": "confirm"}),
        content_type="application/json",
    )
    assert ok.json()["status"] == "confirmed"
    post = secretary.post(
        "/api/organizations/posts",
        json.dumps({"community": c1, "category": "culture", "title": "合唱团", "capacity": 1}),
        content_type="application/json",
    ).json()
    claimed = volunteer.post(
        f"/api/organizations/posts/{post['uuid']}/claim",
        json.dumps({"member": str(member.uuid)}),
        content_type="application/json",
    )
    assert claimed.json()["claimed"] == 1
    other = in_service_member(world, world.orgs["unit"])
    refused = secretary.post(
        "/api/organizations/appraisals",
        json.dumps(
            {"member": str(other.uuid), "community": c1, "year": 2025, "grade": "qualified"}
        ),
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "grade"


def test_api_committee_detail_and_leave(world: Any, committee: Any, client_for: Any) -> None:
    client = client_for("party_secretary")
    detail = client.get(f"/api/organizations/committees/{committee.uuid}").json()
    assert len(detail["rotation"]) == 12 and len(detail["units"]) == 2
    assert (
        client_for("outsider").get(f"/api/organizations/committees/{committee.uuid}").status_code
        == 404
    )
    r = client.post(
        f"/api/organizations/committees/{committee.uuid}/units/{world.orgs['property'].uuid}/leave",
        json.dumps({"reason": "退出"}),
        content_type="application/json",
    )
    assert r.status_code == 200
    later = [
        s
        for s in client.get(f"/api/organizations/committees/{committee.uuid}").json()["rotation"]
        if not s["locked"]
    ]
    assert all(s["unit"] == str(world.orgs["unit"].uuid) for s in later)


def test_org_detail_links_to_open311_keys_for_key_managers(world: Any, client_for: Any) -> None:
    org = world.orgs["dept"]
    admin_page = client_for("admin").get(f"/organizations/{org.uuid}/").content.decode()
    assert world.users["admin"].has_perm("open311.manage_api_keys", org)
    assert f"/open311/v2/keys/{org.uuid}/" in admin_page
    staff = world.users["evaluator"]
    page = client_for("evaluator").get(f"/organizations/{org.uuid}/").content.decode()
    assert ("open311-keys" in page) == staff.has_perm("open311.manage_api_keys", org)
