from __future__ import annotations

from typing import Any

import pytest

from cogov.core.errors import ActionError
from cogov.organizations import actions
from cogov.organizations.models import Organization


def test_party_tree_rules(world: Any) -> None:
    sec, c1 = world.users["party_secretary"], world.nodes["C1"]
    branch = actions.create_organization(
        actor=sec, kind="party_branch", name="第二党支部", node=c1, parent=world.orgs["committee"]
    )
    group = actions.create_organization(
        actor=sec, kind="party_group", name="第二党小组", node=c1, parent=branch
    )
    assert group.path.startswith(branch.path) and branch.path.startswith(
        world.orgs["committee"].path
    )
    for kind, parent in [
        ("party_branch", None),
        ("party_group", "committee"),
        ("party_branch", "branch"),
        ("party_committee", "branch"),
    ]:
        with pytest.raises(ActionError) as err:
            actions.create_organization(
                actor=sec,
                kind=kind,
                name="错",
                node=c1,
                parent=world.orgs[parent] if parent else None,
            )
        assert err.value.field == "parent"
    assert not Organization.objects.filter(name="错").exists()


def test_child_must_be_based_in_the_parents_area(world: Any) -> None:
    with pytest.raises(ActionError) as err:
        actions.create_organization(
            actor=world.users["admin"],
            kind="party_branch",
            name="外支部",
            node=world.nodes["C2"],
            parent=world.orgs["committee"],
        )
    assert err.value.field == "node"


def test_moving_a_branch_repaths_its_groups(world: Any) -> None:
    admin = world.users["admin"]
    new_committee = actions.create_organization(
        actor=admin, kind="party_committee", name="联合党委", node=world.nodes["S1"]
    )
    actions.update_organization(
        actor=admin, organization=world.orgs["branch"], parent=new_committee
    )
    group = Organization.objects.get(pk=world.orgs["group"].pk)
    assert group.path.startswith(new_committee.path)
    with pytest.raises(ActionError):
        actions.update_organization(
            actor=admin,
            organization=Organization.objects.get(pk=new_committee.pk),
            parent=Organization.objects.get(pk=world.orgs["branch"].pk),
        )


def test_deactivate_needs_children_gone_and_a_reason(world: Any) -> None:
    admin = world.users["admin"]
    with pytest.raises(ActionError):
        actions.deactivate_organization(
            actor=admin, organization=world.orgs["branch"], reason="合并"
        )
    with pytest.raises(ActionError):
        actions.deactivate_organization(actor=admin, organization=world.orgs["group"], reason="")
    actions.deactivate_organization(actor=admin, organization=world.orgs["group"], reason="合并")
    assert not Organization.objects.get(pk=world.orgs["group"].pk).active


def test_list_filters_and_scope(world: Any, client_for: Any) -> None:
    client = client_for("community_worker")
    names = {o["name"] for o in client.get("/api/organizations/").json()["items"]}
    assert "幸福社区党委" in names and "和平社区党委" not in names and "光明物业" not in names
    party = client.get("/api/organizations/", {"kind": ["party_branch", "party_group"]}).json()[
        "items"
    ]
    assert {o["kind"] for o in party} == {"party_branch", "party_group"}
    c2 = (
        client_for("admin").get("/api/organizations/", {"node": str(world.nodes["C2"].uuid)}).json()
    )
    assert [o["name"] for o in c2["items"]] == ["和平社区党委"]
    # a node outside the scope answers 404 like a missing one
    assert (
        client.get("/api/organizations/", {"node": str(world.nodes["C3"].uuid)}).status_code == 404
    )


def test_party_tree_through_the_api(world: Any, client_for: Any) -> None:
    tree = client_for("community_worker").get("/api/organizations/party-tree").json()
    assert [
        (t["name"], [(b["name"], [g["name"] for g in b["children"]]) for b in t["children"]])
        for t in tree
    ] == [("幸福社区党委", [("幸福社区第一党支部", ["第一党小组"])])]
    # a party member sees their branch and its groups, the branch as a root
    member = client_for("party_member").get("/api/organizations/party-tree").json()
    assert [t["name"] for t in member] == ["幸福社区第一党支部"]


def test_org_member_sees_own_organization_only(world: Any, client_for: Any) -> None:
    client = client_for("unit_liaison")
    assert [o["name"] for o in client.get("/api/organizations/").json()["items"]] == ["区人民医院"]
    assert client.get(f"/api/organizations/{world.orgs['property'].uuid}").status_code == 404
    detail = client.get(f"/api/organizations/{world.orgs['unit'].uuid}").json()
    assert detail["can_manage"] is False


def test_list_costs_a_fixed_number_of_queries(world: Any, client_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("admin")
    client.get("/api/organizations/?limit=1")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/organizations/?limit=1")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/organizations/?limit=100").json()["items"]) == 12
    assert len(small) == len(large)
