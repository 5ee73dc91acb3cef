"""Each page renders for the persona that should see it and 404s for the one that should not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cogov.core.models import Notification
from cogov.people.models import Verification

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(world):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_login_page_uses_the_layout():
    response = Client().get(reverse("account_login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "CoGov 共治" in body
    assert 'name="login"' in body and 'name="password"' in body
    assert "cogov.css" in body


def test_other_allauth_pages_use_the_layout():
    response = Client().get(reverse("account_reset_password"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "CoGov 共治" in body and 'class="allauth"' in body


def test_login_form_signs_in(world):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "community_worker", "password": "pw-community_worker"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_logout_page_renders(client_for):
    response = client_for("community_worker").get(reverse("account_logout"))
    assert response.status_code == 200
    assert b"CoGov" in response.content


def test_language_switch_to_english(client_for):
    client = client_for("community_worker")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert b'<html lang="en">' in page.content
    assert b'value="zh-hans"' in page.content  # the switch now offers Chinese


def test_staff_home_shows_scope_with_counts(world, client_for):
    response = client_for("community_worker").get("/")
    body = response.content.decode()
    assert response.status_code == 200
    scope = response.context["scope_nodes"]
    assert [item["node"] for item in scope] == [world.C1]
    counts = scope[0]["counts"]
    # C1 has grids G11 and G12, two households each, two residents per household.
    assert (counts.grids, counts.households, counts.residents) == (2, 4, 8)
    assert "幸福社区" in body
    # Navigation follows the roles.
    assert reverse("people:person-list") in body
    assert reverse("territory:node-list") in body


def test_home_counts_cost_the_same_for_one_node_or_many(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cogov.accounts.models import Membership

    one = client_for("community_worker")
    one.get("/")
    with CaptureQueriesContext(connection) as single:
        response = one.get("/")
    assert len(response.context["scope_nodes"]) == 1
    for key in ("C2", "C3"):
        Membership.objects.create(
            user=world.community_worker, role="community_worker", node=world.nodes[key]
        )
    with CaptureQueriesContext(connection) as several:
        response = one.get("/")
    assert [item["node"] for item in response.context["scope_nodes"]] == [
        world.C1,
        world.C2,
        world.C3,
    ]
    assert [item["counts"].residents for item in response.context["scope_nodes"]] == [8, 4, 4]
    assert len(several) == len(single)


def test_street_official_sees_street_counts(client_for):
    response = client_for("street_official").get("/")
    counts = response.context["scope_nodes"][0]["counts"]
    assert (counts.grids, counts.households, counts.residents) == (3, 6, 12)


def test_home_lists_pending_verifications_for_verifiers(world, client_for):
    Verification.objects.create(
        user=world.outsider,
        kind="resident",
        household=world.households["G11-1-101"],
        claimed_name="王五",
        claimed_id_number="440111199001011234",
    )
    worker = client_for("community_worker").get("/")
    assert worker.context["pending_count"] == 1
    assert "王五" in worker.content.decode()
    other = client_for("community_worker_c2").get("/")
    assert other.context["pending_count"] == 0
    street = client_for("street_official").get("/")  # no verify capability
    assert "pending_count" not in street.context


def test_home_lists_unread_notifications(world, client_for):
    Notification.objects.create(recipient=world.community_worker, kind="test", title="新的居民诉求")
    body = client_for("community_worker").get("/").content.decode()
    assert "新的居民诉求" in body
    assert 'data-testid="unread-count">1<' in body
    assert "新的居民诉求" not in client_for("grid_worker").get("/").content.decode()


def test_resident_home_shows_household_and_community(world, client_for):
    response = client_for("resident").get("/")
    body = response.content.decode()
    assert response.context["households"][0]["household"] == world.households["G11-1-101"]
    assert response.context["households"][0]["community"] == world.C1
    assert "1-101" in body and "幸福社区" in body
    assert "居民01" in body and "居民02" in body  # both members of the household
    assert "居民03" not in body
    # Residents do not get the staff navigation.
    assert reverse("people:person-list") not in body


def test_organization_role_home_shows_its_organization(world, client_for):
    response = client_for("org_staff").get("/")
    assert [item["org"] for item in response.context["organizations"]] == [world.property]
    assert "安居物业管理有限公司" in response.content.decode()


def test_outsider_home_explains_there_is_no_role(client_for):
    response = client_for("outsider").get("/")
    assert response.status_code == 200
    assert not response.context["has_anything"]


# Territory -----------------------------------------------------------------------------------


def test_territory_list_shows_scope(world, client_for):
    response = client_for("street_official").get(reverse("territory:node-list"))
    assert [row["node"] for row in response.context["rows"]] == [world.S1]


def test_node_page_has_breadcrumbs_children_and_map(world, client_for):
    response = client_for("community_worker").get(
        reverse("territory:node-detail", args=[world.C1.uuid])
    )
    assert response.status_code == 200
    assert response.context["crumbs"] == [world.D, world.S1]
    assert [row["node"] for row in response.context["children"]] == [world.G11, world.G12]
    assert [row["counts"].households for row in response.context["children"]] == [2, 2]
    body = response.content.decode()
    assert "440111001001001" in body and "leaflet.js" in body
    assert f"/api/territory/nodes/{world.C1.uuid}/grids.geojson" in body


def test_node_page_above_scope_lists_only_what_is_in_scope(world, client_for):
    response = client_for("community_worker").get(
        reverse("territory:node-detail", args=[world.S1.uuid])
    )
    assert response.status_code == 200
    assert [row["node"] for row in response.context["children"]] == [world.C1]
    assert response.context["node_counts"] is None


@pytest.mark.parametrize(
    ("persona", "node", "status"),
    [
        ("community_worker", "C1", 200),
        ("community_worker", "C2", 404),
        ("community_worker", "G21", 404),
        ("community_worker_c2", "G11", 404),
        ("grid_worker", "G11", 200),
        ("grid_worker", "G12", 404),
        ("street_official_s2", "C1", 404),
        ("resident", "C1", 404),  # residents have no territory browser
        ("outsider", "C1", 404),
        ("admin", "G31", 200),
    ],
)
def test_node_page_visibility(world, client_for, persona, node, status):
    url = reverse("territory:node-detail", args=[world.nodes[node].uuid])
    assert client_for(persona).get(url).status_code == status


def test_map_reads_the_territory_api(world, client_for):
    client = client_for("community_worker")
    page = client.get(reverse("territory:node-detail", args=[world.C1.uuid]))
    data = client.get(page.context["geojson_url"]).json()
    assert [f["properties"]["code"] for f in data["features"]] == [
        "440111001001001",
        "440111001001002",
    ]
    pattern = page.context["grid_url_pattern"]
    assert pattern.replace("00000000-0000-0000-0000-000000000000", str(world.G11.uuid)) == reverse(
        "territory:node-detail", args=[world.G11.uuid]
    )


def test_grid_page_lists_buildings(world, client_for):
    response = client_for("grid_worker").get(
        reverse("territory:node-detail", args=[world.G11.uuid])
    )
    assert [b.household_count for b in response.context["buildings"]] == [2]


# Organizations -------------------------------------------------------------------------------


def test_org_list_filters(world, client_for):
    client = client_for("street_official")
    url = reverse("organizations:org-list")
    all_orgs = {o.name for o in client.get(url).context["page"]}
    assert "幸福社区党委" in all_orgs and "和平社区党委" in all_orgs
    assert "光明物业" not in all_orgs  # other street
    by_kind = {o.name for o in client.get(url, {"kind": "party_committee"}).context["page"]}
    assert by_kind == {"幸福社区党委", "和平社区党委"}
    by_community = {
        o.name
        for o in client.get(
            url, {"kind": "party_committee", "community": str(world.C2.uuid)}
        ).context["page"]
    }
    assert by_community == {"和平社区党委"}
    by_name = {o.name for o in client.get(url, {"q": "物业"}).context["page"]}
    assert by_name == {"安居物业管理有限公司"}


def test_org_detail_shows_party_tree_and_member_count(world, client_for):
    response = client_for("party_secretary").get(
        reverse("organizations:org-detail", args=[world.committee.uuid])
    )
    assert response.status_code == 200
    tree = response.context["tree"]
    assert tree["org"] == world.committee
    assert tree["members"] == 2
    assert [c["org"] for c in tree["children"]] == [world.branch]
    assert [g["org"] for g in tree["children"][0]["children"]] == [world.group]
    assert 'data-testid="party-members">2<' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("party_secretary", "committee", 200),
        ("community_worker_c2", "committee", 404),
        ("community_worker_c2", "committee_c2", 200),
        ("org_staff", "property", 200),
        ("org_staff", "owners", 404),
        ("party_member", "group", 200),
        ("street_official_s2", "rc", 404),
        ("resident", "rc", 404),
        ("outsider", "committee", 404),
    ],
)
def test_org_detail_visibility(world, client_for, persona, org, status):
    url = reverse("organizations:org-detail", args=[world.orgs[org].uuid])
    assert client_for(persona).get(url).status_code == status


def test_org_list_is_404_without_organization_roles(client_for):
    assert client_for("resident").get(reverse("organizations:org-list")).status_code == 404
