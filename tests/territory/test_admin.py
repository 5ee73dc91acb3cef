"""The territory admin: lists with search and filters, creation through the actions,
redistricting history read-only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cogov.accounts.models import User
from cogov.core.models import AuditLog
from cogov.territory import actions
from cogov.territory.models import Node
from tests.world import square


@pytest.fixture
def staff_client(world):
    user = User.objects.create_superuser("root", password="pw-root-123")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/territory/node/?q=幸福",
        "/admin/territory/node/?level__exact=grid&active=no",
        "/admin/territory/building/?q=B-G11",
        "/admin/territory/household/",
        "/admin/territory/propertyunit/",
        "/admin/territory/nodelineage/",
    ],
)
def test_lists_load(staff_client, url):
    assert staff_client.get(url).status_code == 200


def test_search_finds_by_code(staff_client):
    body = staff_client.get("/admin/territory/node/?q=440111002001001").content.decode()
    assert "光明一网格" in body and "幸福一网格" not in body


def test_lineage_is_read_only(staff_client, world):
    actions.merge_nodes(actor=None, nodes=[world.G11, world.G12], code="440111001001003", name="m")
    assert staff_client.get("/admin/territory/nodelineage/add/").status_code == 403
    link = world.G11.successor_links.get()
    page = staff_client.get(f"/admin/territory/nodelineage/{link.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_add_node_goes_through_the_action(staff_client, world):
    actions.update_geometry(actor=None, node=world.G11, geometry=square(0, 0.5, 1, 0.5))
    data = {
        "level": "grid",
        "parent": world.C1.pk,
        "code": "440111001001003",
        "name": "新网格",
        "geometry": json.dumps(square(0, 0, 1, 0.5)),
        "valid_from": "2026-01-01",
        "successor_links-TOTAL_FORMS": "0",
        "successor_links-INITIAL_FORMS": "0",
    }
    bad = staff_client.post("/admin/territory/node/add/", {**data, "code": "440111001002003"})
    # The action's message, in the admin's language (Chinese by default).
    assert bad.status_code == 200
    assert "代码 440111001002003 没有以上级区划的代码 440111001001 开头。" in bad.content.decode()
    response = staff_client.post("/admin/territory/node/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    node = Node.objects.get(code="440111001001003")
    assert node.parent == world.C1 and node.area_m2
    assert AuditLog.objects.filter(action="territory.create_node", object_id=str(node.pk)).exists()


def test_add_household_goes_through_the_action(staff_client, world):
    from cogov.territory.models import Building, Household

    building = Building.objects.get(code="B-G11")
    response = staff_client.post(
        "/admin/territory/household/add/",
        {"building": building.pk, "code": "H-admin", "door": "3-301"},
    )
    assert response.status_code == 302
    hh = Household.objects.get(code="H-admin")
    assert AuditLog.objects.filter(
        action="territory.create_household", object_id=str(hh.pk)
    ).exists()
    page = staff_client.get(f"/admin/territory/building/{building.pk}/change/").content.decode()
    assert 'name="grid"' not in page  # moving buildings is redistricting
