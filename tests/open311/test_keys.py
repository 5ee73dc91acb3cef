"""API keys: who may issue and revoke them, the page, the management command, and that only
a hash is stored."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from cogov.cases.models import Category
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import AuditLog
from cogov.open311 import actions
from cogov.open311.models import ApiKey, ServiceAttribute

from ..world import World, point
from . import spec

ALLOWED = ["admin", "street_official", "party_secretary"]
DENIED = [
    "evaluator",
    "street_official_s2",
    "community_worker",
    "grid_worker",
    "department_staff",
    "org_staff",
    "resident",
    "outsider",
]


@pytest.mark.parametrize("persona", ALLOWED)
def test_issue_and_revoke_allowed(world: World, persona: str) -> None:
    key, raw = actions.issue_api_key(
        actor=world.users[persona], organization=world.orgs["property"], name="app"
    )
    assert raw.startswith("o311_") and key.prefix == raw[:12]
    assert key.key_hash == ApiKey.hash(raw) and raw not in key.key_hash
    assert actions.authenticate(raw) == key
    actions.revoke_api_key(actor=world.users[persona], key=key)
    with pytest.raises(NotAllowed, match="revoked"):
        actions.authenticate(raw)
    with pytest.raises(ActionError):
        actions.revoke_api_key(actor=world.users[persona], key=key)
    assert AuditLog.objects.filter(action__startswith="open311.").count() == 2


@pytest.mark.parametrize("persona", DENIED)
def test_issue_and_revoke_denied(world: World, persona: str) -> None:
    with pytest.raises(NotAllowed):
        actions.issue_api_key(actor=world.users[persona], organization=world.orgs["property"])
    key, _raw = actions.issue_api_key(
        actor=world.users["admin"], organization=world.orgs["property"]
    )
    with pytest.raises(NotAllowed):
        actions.revoke_api_key(actor=world.users[persona], key=key)
    key.refresh_from_db()
    assert key.revoked_at is None and ApiKey.objects.count() == 1


def test_page_issues_once_and_revokes(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    org = world.orgs["property"]
    client = client_for("party_secretary")
    url = f"/open311/v2/keys/{org.uuid}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "微信小程序"})
    assert response.status_code == 200
    raw = re.search(r'data-testid="raw-key">(o311_[^<]+)<', response.content.decode()).group(1)  # type: ignore[union-attr]
    key = ApiKey.objects.get()
    assert key.name == "微信小程序" and key.created_by == world.users["party_secretary"]
    page = client.get(url).content.decode()
    assert raw not in page and key.prefix in page  # shown once
    assert client.post(f"{url}{key.uuid}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == world.users["party_secretary"]


@pytest.mark.parametrize("persona", ["community_worker", "street_official_s2", "org_staff"])
def test_page_answers_404_without_permission(world: World, client_for, persona: str) -> None:  # type: ignore[no-untyped-def]
    org = world.orgs["property"]
    client = client_for(persona)
    url = f"/open311/v2/keys/{org.uuid}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x"}).status_code == 404
    assert ApiKey.objects.count() == 0


def test_command_issues_and_revokes(world: World) -> None:
    out = StringIO()
    call_command("apikey", "安居物业管理有限公司", "--name", "cli", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert key.organization == world.orgs["property"] and key.created_by == world.users["admin"]
    assert actions.authenticate(raw) == key
    out = StringIO()
    call_command("apikey", str(world.orgs["property"].uuid), "--revoke", raw[:10], stdout=out)
    assert "revoked" in out.getvalue()
    key.refresh_from_db()
    assert key.revoked_at is not None
    with pytest.raises(CommandError):
        call_command("apikey", "no such org")
    with pytest.raises(CommandError):
        call_command("apikey", "安居物业管理有限公司", "--as", "resident")


def test_key_of_inactive_organization_is_refused(world: World) -> None:
    _key, raw = actions.issue_api_key(
        actor=world.users["admin"], organization=world.orgs["property"]
    )
    world.orgs["property"].active = False
    world.orgs["property"].save()
    lon, lat = point(0.5, 0.5)
    response = Client().post(
        "/open311/v2/requests.xml",
        {"api_key": raw, "service_code": "0101", "lat": lat, "long": lon, "description": "x"},
    )
    spec.error(response, "xml", 403)


def test_batch_service_answers_a_token(world: World) -> None:
    from cogov.open311.models import Service, ServiceRequest

    Service.objects.create(category=Category.objects.get(code="0102"), type="batch")
    _key, raw = actions.issue_api_key(
        actor=world.users["admin"], organization=world.orgs["property"]
    )
    lon, lat = point(0.5, 0.5)
    response = Client().post(
        "/open311/v2/requests.json",
        {"api_key": raw, "service_code": "0102", "lat": lat, "long": lon, "description": "渣土"},
    )
    answer = spec.post_answer(response, "json")
    record = ServiceRequest.objects.get()
    assert answer["token"] == record.token
    items = spec.services(Client().get("/open311/v2/services.json"), "json")
    assert {s["service_code"]: s["type"] for s in items}["0102"] == "batch"


def test_save_service_attribute(world: World) -> None:
    category = Category.objects.get(code="0102")
    attr = actions.save_service_attribute(
        actor=world.users["admin"],
        category=category,
        code="volume",
        datatype="number",
        required=True,
        description="体积（立方米）",
    )
    assert ServiceAttribute.objects.get(pk=attr.pk).required
    with pytest.raises(NotAllowed):
        actions.save_service_attribute(
            actor=world.users["street_official"],
            category=category,
            code="x",
            datatype="string",
            description="x",
        )
    with pytest.raises(ActionError):
        actions.save_service_attribute(
            actor=world.users["admin"],
            category=category,
            code="y",
            datatype="colour",
            description="y",
        )
    with pytest.raises(ActionError):
        actions.save_service_attribute(
            actor=world.users["admin"],
            category=category,
            code="z",
            datatype="singlevaluelist",
            description="z",
            values=[{"name": "no key"}],
        )


def test_key_stops_when_its_issuer_may_no_longer_report(world: World) -> None:
    import datetime as dt

    from cogov.accounts.models import Membership
    from cogov.cases.models import Case

    _key, raw = actions.issue_api_key(
        actor=world.users["party_secretary"], organization=world.orgs["property"]
    )
    Membership.objects.filter(user=world.users["party_secretary"]).update(
        valid_to=dt.date(2021, 1, 1)
    )
    lon, lat = point(0.5, 0.5)
    response = Client().post(
        "/open311/v2/requests.json",
        {"api_key": raw, "service_code": "0101", "lat": lat, "long": lon, "description": "x"},
    )
    spec.error(response, "json", 403)
    assert Case.objects.count() == 0
