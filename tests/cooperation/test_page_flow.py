"""The whole path through the pages (forms and step buttons), as people would use them."""

from __future__ import annotations

import pytest

from cogov.cooperation.models import CharityFund, Need, Project, Resource

pytestmark = pytest.mark.django_db


def test_need_to_rated_project_through_the_pages(coop, client_for):
    w = coop
    resident, liaison, secretary = (
        client_for("resident"),
        client_for("unit_liaison"),
        client_for("party_secretary"),
    )
    answer = resident.post(
        "/cooperation/needs/new/",
        {
            "title": "老人助餐",
            "category": "elderly",
            "community": str(w.nodes["C1"].uuid),
            "quantity": "3",
        },
    )
    need = Need.objects.get(title="老人助餐")
    assert answer.status_code == 302 and need.source == "resident"
    assert secretary.post(f"/cooperation/needs/{need.uuid}/list/").status_code == 302
    liaison.post(
        "/cooperation/resources/new/",
        {
            "kind": "goods",
            "title": "医院食堂餐券",
            "capacity": "10",
            "capacity_unit": "份",
            "categories": ["elderly"],
            "organization": str(w.orgs["unit"].uuid),
            "windows": "5,6 11:00-13:00",
        },
    )
    resource = Resource.objects.get(title="医院食堂餐券")
    assert resource.windows == [{"days": [5, 6], "start": "11:00", "end": "13:00"}]
    secretary.post(f"/cooperation/resources/{resource.uuid}/list/")
    page = secretary.get(f"/cooperation/resources/{resource.uuid}/").content.decode()
    assert "老人助餐" in page  # the resource page suggests the need
    page = secretary.get(f"/cooperation/needs/{need.uuid}/").content.decode()
    assert "医院食堂餐券" in page and 'class="score"' in page
    secretary.post(
        "/cooperation/projects/new/",
        {
            "need": str(need.uuid),
            "resource": [str(resource.uuid)],
            f"quantity-{resource.uuid}": "3",
            "title": "助餐点",
        },
    )
    project = Project.objects.get(title="助餐点")
    url = f"/cooperation/projects/{project.uuid}/"
    secretary.post(
        url + "vote/", {"body": "joint_committee", "organization": str(w.orgs["committee"].uuid)}
    )
    assert Project.objects.get(pk=project.pk).status == "deliberating"
    secretary.post(url + "ballot/", {"choice": "for"})
    secretary.post(url + "decide/")
    assert f"{url}claim/" in liaison.get(url).content.decode()  # the claim button
    liaison.post(url + "claim/", {"organization": str(w.orgs["unit"].uuid)})
    liaison.post(url + "start/")
    liaison.post(url + "deliver/", {"outputs": "每日午餐 3 份", "evidence": "receipt-01\nphoto-02"})
    assert Project.objects.get(pk=project.pk).status == "delivered"
    assert 'name="score"' in resident.get(url).content.decode()
    resident.post(url + "rate/", {"score": "4"})
    assert 'name="score"' not in resident.get(url).content.decode()  # rated once
    secretary.post(url + "evaluate/")
    project.refresh_from_db()
    assert project.status == "evaluated" and str(project.rating) == "4.00"
    secretary.post(
        url + "participant/",
        {"role": "volunteer_team", "organization": str(w.orgs["volunteers"].uuid), "hours": "5"},
    )
    page = client_for("volunteer").get(url).content.decode()
    assert "幸福志愿服务队" in page and "每日午餐" in page
    unit = liaison.get(f"/cooperation/units/{w.orgs['unit'].uuid}/").content.decode()
    assert "助餐点" in unit and "4.00" in unit


def test_refusals_show_as_messages_and_change_nothing(coop, client_for):
    w = coop
    need_page = client_for("resident").post(
        "/cooperation/needs/new/",
        {"title": "", "category": "elderly", "community": str(w.nodes["C1"].uuid)},
    )
    assert need_page.status_code == 200 and Need.objects.count() == 0
    secretary = client_for("party_secretary")
    from cogov.cooperation import actions

    fund = actions.open_fund(
        actor=w.users["party_secretary"],
        community=w.nodes["C1"],
        name="社区基金",
        kind="community_fund",
    )
    secretary.post(
        f"/cooperation/funds/{fund.uuid}/",
        {"direction": "in", "amount": "200", "donor_name": "热心居民"},
    )
    secretary.post(f"/cooperation/funds/{fund.uuid}/", {"direction": "out", "amount": "500"})
    page = secretary.get(f"/cooperation/funds/{fund.uuid}/").content.decode()
    assert "¥200.00" in page and fund.entries.count() == 1
    assert client_for("resident").get(f"/cooperation/funds/{fund.uuid}/").status_code == 200
    assert (
        client_for("community_worker_c2").get(f"/cooperation/funds/{fund.uuid}/").status_code == 404
    )
    assert CharityFund.objects.count() == 1
