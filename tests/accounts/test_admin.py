from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cogov.accounts.models import ApiToken, Membership
from cogov.core.models import AuditLog
from cogov.people.models import Person


@pytest.fixture
def admin_client_(world: Any) -> Client:
    user = world.users["admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/membership/",
        "/admin/accounts/apitoken/",
        "/admin/people/person/",
        "/admin/people/verification/",
        "/admin/people/verificationevent/",
        "/admin/people/proxyauthorization/",
        "/admin/organizations/organization/",
        "/admin/organizations/organization/add/",
        "/admin/accounts/membership/add/",
    ],
)
def test_admin_pages_open(admin_client_: Client, url: str) -> None:
    assert admin_client_.get(url).status_code == 200


def test_person_admin_shows_masked_numbers_only(world: Any, admin_client_: Client) -> None:
    p = world.people["G11-1-101-户主"]
    for url in ("/admin/people/person/", f"/admin/people/person/{p.pk}/change/"):
        page = admin_client_.get(url).content.decode()
        assert p.masked_id_number in page
        assert p.id_number not in page and p.phone not in page


def test_user_admin_shows_memberships(world: Any, admin_client_: Client) -> None:
    page = admin_client_.get(
        f"/admin/accounts/user/{world.users['grid_worker'].pk}/change/"
    ).content.decode()
    assert "幸福一网格" in page


def test_token_admin_is_read_only(world: Any, admin_client_: Client) -> None:
    token, key = ApiToken.issue(world.users["grid_worker"], "t")
    page = admin_client_.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash in page and key not in page
    assert 'name="key_hash"' not in page


def test_membership_added_in_admin_runs_the_action(world: Any, admin_client_: Client) -> None:
    data = {
        "user": world.users["outsider"].pk,
        "role": "grid_worker",
        "node": world.nodes["C1"].pk,
        "title": "",
        "full_time": "on",
        "valid_from": "2026-01-01",
    }
    bad = admin_client_.post("/admin/accounts/membership/add/", data)
    assert bad.status_code == 200  # the form shows the reason: a grid role over a community
    assert not Membership.objects.filter(user=world.users["outsider"]).exists()
    data["node"] = world.nodes["G11"].pk
    good = admin_client_.post("/admin/accounts/membership/add/", data)
    assert good.status_code == 302
    assert Membership.objects.filter(user=world.users["outsider"], role="grid_worker").exists()
    assert AuditLog.objects.filter(action="membership.grant").count() == 1


def test_person_edited_in_admin_runs_the_action(world: Any, admin_client_: Client) -> None:
    p = world.people["G11-1-101-户主"]
    data = {
        "name": "新名字",
        "gender": "",
        "birth_date": "",
        "household": p.household_id,
        "grid": p.grid_id,
        "relation": p.relation,
        "tags": "[]",
    }
    response = admin_client_.post(f"/admin/people/person/{p.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    p.refresh_from_db()
    assert p.name == "新名字" and "新名字" in p.search_text
    assert Person.objects.get(pk=p.pk).id_number  # untouched
    assert AuditLog.objects.filter(action="person.update").exists()
