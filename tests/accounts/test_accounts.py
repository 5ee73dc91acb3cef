from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cogov.accounts import actions
from cogov.accounts.models import ApiToken, Membership, User
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import AuditLog, Notification


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_secretary_appoints_a_grid_worker_who_then_reaches_the_grid(world: Any) -> None:
    newcomer = world.users["outsider"]
    assert not newcomer.has_perm("people.reveal_pii", world.people["G12-1-101-户主"])
    m = actions.grant_membership(
        actor=world.users["party_secretary"],
        user=newcomer,
        role="grid_worker",
        node=world.nodes["G12"],
    )
    assert m.created_by == world.users["party_secretary"]
    newcomer = fresh(newcomer)
    assert newcomer.has_perm("people.reveal_pii", world.people["G12-1-101-户主"])
    assert not newcomer.has_perm("people.reveal_pii", world.people["G11-1-101-户主"])
    assert AuditLog.objects.filter(action="membership.grant").count() == 1
    assert Notification.objects.filter(
        recipient=newcomer, kind="accounts.membership_granted"
    ).exists()


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        ("grid_worker", "C1", "node"),  # a grid role over a community
        ("community_worker", None, "node"),  # no scope
        ("org_staff", "branch", "organization"),  # wrong kind of organization
        ("admin", "C1", "node"),  # global role with a scope
        ("nonsense", "C1", "role"),
    ],
)
def test_scope_must_fit_the_role(world: Any, role: str, scope: str | None, field: str) -> None:
    kwargs: dict[str, Any] = {}
    if scope in world.nodes:
        kwargs["node"] = world.nodes[scope]
    elif scope:
        kwargs["organization"] = world.orgs[scope]
    with pytest.raises(ActionError) as err:
        actions.grant_membership(
            actor=world.users["admin"], user=world.users["outsider"], role=role, **kwargs
        )
    assert err.value.field == field
    assert not Membership.objects.filter(user=world.users["outsider"]).exists()


def test_org_role_in_an_organization_of_its_kind(world: Any) -> None:
    m = actions.grant_membership(
        actor=world.users["party_secretary"],
        user=world.users["outsider"],
        role="org_staff",
        organization=world.orgs["owners"],
    )
    assert m.organization == world.orgs["owners"]


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("party_secretary", "C2"),  # another community
        ("street_official", "S1"),  # above the granter
        ("admin", None),  # global
        ("evaluator", "D"),
    ],
)
def test_no_escalation(world: Any, role: str, scope: str | None) -> None:
    before = Membership.objects.count()
    with pytest.raises(NotAllowed):
        actions.grant_membership(
            actor=world.users["party_secretary"],
            user=world.users["outsider"],
            role=role,
            node=world.nodes[scope] if scope else None,
        )
    assert Membership.objects.count() == before


def test_only_a_global_role_grants_admin(world: Any) -> None:
    actions.grant_membership(actor=world.users["admin"], user=world.users["outsider"], role="admin")
    assert fresh(world.users["outsider"]).has_perm("accounts.manage_memberships", None)


def test_end_membership_takes_the_reach_away(world: Any) -> None:
    m = Membership.objects.get(user=world.users["grid_worker"])
    person = world.people["G11-1-101-户主"]
    assert fresh(world.users["grid_worker"]).has_perm("people.view_person", person)
    actions.end_membership(actor=world.users["party_secretary"], membership=m)
    assert not fresh(world.users["grid_worker"]).has_perm("people.view_person", person)
    with pytest.raises(ActionError):
        actions.end_membership(
            actor=world.users["party_secretary"], membership=Membership.objects.get(pk=m.pk)
        )


def test_admin_cannot_end_own_admin_role(world: Any) -> None:
    m = Membership.objects.get(user=world.users["admin"])
    with pytest.raises(ActionError):
        actions.end_membership(actor=world.users["admin"], membership=m)
    assert Membership.objects.get(pk=m.pk).valid_to is None


def test_api_token_issue_use_revoke(world: Any) -> None:
    user = world.users["community_worker"]
    token, key = actions.issue_api_token(actor=user, name="报表脚本")
    assert token.key_hash != key and key not in str(
        AuditLog.objects.get(action="api_token.issue").detail
    )
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/accounts/me", **auth).json()["username"] == "community_worker"
    with pytest.raises(NotAllowed):
        actions.revoke_api_token(actor=world.users["grid_worker"], token=token)
    with pytest.raises(NotAllowed):
        actions.issue_api_token(actor=world.users["grid_worker"], name="x", user=user)
    actions.revoke_api_token(actor=user, token=token)
    assert client.get("/api/accounts/me", **auth).status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_token_client_posts_without_csrf_and_a_session_still_needs_it(world: Any) -> None:
    """Over real HTTP the CSRF check is enforced (the test client skips it by default): a POST
    with a bearer token and no cookie is served; a session's POST without the CSRF token is not.
    """
    user = world.users["community_worker"]
    _token, key = actions.issue_api_token(actor=user, name="hotline relay")
    note = Notification.objects.create(recipient=user, kind="test", title="hello")
    path = f"/api/core/notifications/{note.uuid}/read"
    token_client = Client(enforce_csrf_checks=True)
    response = token_client.post(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    assert Notification.objects.get(pk=note.pk).read_at is not None

    session = Client(enforce_csrf_checks=True)
    session.force_login(user)
    refused = session.post(path)
    assert refused.status_code == 403
    assert b"CSRF" in refused.content


def test_me_lists_roles_and_scopes(world: Any, client_for: Any) -> None:
    body = client_for("grid_worker").get("/api/accounts/me").json()
    assert [(r["role"], r["scope"]["type"], r["scope"]["name"]) for r in body["roles"]] == [
        ("grid_worker", "node", "幸福一网格")
    ]
    assert "reveal_pii" in body["roles"][0]["capabilities"]
    resident = client_for("resident").get("/api/accounts/me").json()
    assert resident["verified_person"] == str(world.people["G11-1-101-户主"].uuid)
    admin = client_for("admin").get("/api/accounts/me").json()
    assert admin["roles"][0]["scope"] == {"type": "global", "uuid": None, "name": "", "level": ""}


def test_ended_role_is_not_listed(world: Any, client_for: Any) -> None:
    Membership.objects.filter(user=world.users["volunteer"]).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    assert client_for("volunteer").get("/api/accounts/me").json()["roles"] == []


def test_openapi_documents_the_endpoints(world: Any, client_for: Any) -> None:
    paths = client_for("admin").get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/accounts/me",
        "/api/people/",
        "/api/people/{person_uuid}/reveal",
        "/api/people/verifications/{verification_uuid}/confirm",
        "/api/organizations/party-tree",
    ):
        assert path in paths
