"""Per permission and persona: the allowed case works, a denied one raises and changes nothing.

Each scenario acts on an object in community C1 (grid G11), so the staff of C1 are allowed, the
staff of other areas and everybody else are not. Through the actions, then through the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from cogov.accounts import actions as accounts
from cogov.accounts.models import Membership, User
from cogov.core.errors import NotAllowed
from cogov.core.models import AuditLog, Notification
from cogov.lib import idnumber
from cogov.organizations import actions as orgs
from cogov.organizations.models import Organization
from cogov.people import actions as people
from cogov.people.models import (
    Ownership,
    Person,
    ProxyAuthorization,
    Verification,
    VerificationEvent,
)
from tests.world import PERSONAS

C1_STAFF = {"admin", "party_secretary", "community_worker", "grid_worker"}


def _claim(world: Any) -> Verification:
    claimant = User.objects.create_user("claimant")
    return people.request_verification(
        actor=claimant,
        kind="resident",
        household=world.households["G11-1-102"],
        claimed_name="新住户",
        claimed_id_number=idnumber.make("440111", dt.date(1990, 1, 2), 77),
    )


@dataclass
class Scenario:
    permission: str
    allowed: set[str]
    act: Callable[[Any, User], Any]
    state: Callable[[Any], Any]  # a snapshot of everything the act could change
    prepare: Callable[[Any], Any] | None = None


def _person(world: Any) -> Person:
    return Person.objects.get(pk=world.people["G11-1-101-配偶"].pk)


SCENARIOS = {
    "reveal": Scenario(
        "people.reveal_pii",
        C1_STAFF,
        lambda w, u: people.reveal_pii(actor=u, person=_person(w)),
        lambda w: AuditLog.objects.count(),
    ),
    "update_person": Scenario(
        "people.manage_person",
        C1_STAFF,
        lambda w, u: people.update_person(actor=u, person=_person(w), relation="子女", name="改名"),
        lambda w: (
            Person.objects.filter(pk=_person(w).pk).values().get(),
            AuditLog.objects.count(),
        ),
    ),
    "create_person": Scenario(
        "people.manage_person",
        C1_STAFF,
        lambda w, u: people.create_person(
            actor=u, name="新人", household=w.households["G11-1-102"]
        ),
        lambda w: (Person.objects.count(), AuditLog.objects.count()),
    ),
    "confirm_verification": Scenario(
        "people.verify",
        C1_STAFF,
        lambda w, u: people.confirm_verification(actor=u, verification=w.claim),
        lambda w: (
            Verification.objects.filter(pk=w.claim.pk).values().get(),
            VerificationEvent.objects.count(),
            Person.objects.count(),
            Ownership.objects.count(),
            Notification.objects.count(),
        ),
        prepare=lambda w: setattr(w, "claim", _claim(w)),
    ),
    "reject_verification": Scenario(
        "people.verify",
        C1_STAFF,
        lambda w, u: people.reject_verification(actor=u, verification=w.claim, reason="不符"),
        lambda w: (
            Verification.objects.filter(pk=w.claim.pk).values().get(),
            VerificationEvent.objects.count(),
        ),
        prepare=lambda w: setattr(w, "claim", _claim(w)),
    ),
    "record_proxy": Scenario(
        "people.record_proxy",
        C1_STAFF,
        lambda w, u: people.record_proxy_authorization(
            actor=u,
            person=w.people["G11-1-102-户主"],
            agent=w.users["grid_worker"],
            scope="投票",
            document_ref="授权书-1",
        ),
        lambda w: (ProxyAuthorization.objects.count(), AuditLog.objects.count()),
    ),
    "grant_membership": Scenario(
        "accounts.manage_memberships",
        {"admin", "party_secretary"},
        lambda w, u: accounts.grant_membership(
            actor=u, user=w.users["outsider"], role="volunteer", node=w.nodes["C1"]
        ),
        lambda w: (Membership.objects.count(), AuditLog.objects.count()),
    ),
    "end_membership": Scenario(
        "accounts.manage_memberships",
        {"admin", "party_secretary"},
        lambda w, u: accounts.end_membership(
            actor=u, membership=Membership.objects.get(user=w.users["volunteer"])
        ),
        lambda w: list(Membership.objects.values_list("pk", "valid_to")),
    ),
    "create_organization": Scenario(
        "organizations.manage_organization",
        {"admin", "street_official", "party_secretary"},
        lambda w, u: orgs.create_organization(
            actor=u, kind="social_org", name="新社工站", node=w.nodes["C1"]
        ),
        lambda w: Organization.objects.count(),
    ),
    "update_organization": Scenario(
        "organizations.manage_organization",
        {"admin", "street_official", "party_secretary"},
        lambda w, u: orgs.update_organization(
            actor=u, organization=w.orgs["property"], address="新地址"
        ),
        lambda w: Organization.objects.filter(pk=w.orgs["property"].pk).values().get(),
    ),
    "deactivate_organization": Scenario(
        "organizations.manage_organization",
        {"admin", "street_official", "party_secretary"},
        lambda w, u: orgs.deactivate_organization(
            actor=u, organization=w.orgs["volunteers"], reason="解散"
        ),
        lambda w: Organization.objects.filter(pk=w.orgs["volunteers"].pk).values().get(),
    ),
}

PERSONA_KEYS = [key for key, _role, _scope in PERSONAS]


@pytest.mark.parametrize("persona", PERSONA_KEYS)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_action(world: Any, scenario: str, persona: str) -> None:
    s = SCENARIOS[scenario]
    if s.prepare:
        s.prepare(world)
    actor = User.objects.get(pk=world.users[persona].pk)  # a fresh object: no cached reach
    before = s.state(world)
    if persona in s.allowed:
        assert actor.has_perm(s.permission, _target(world, scenario))
        s.act(world, actor)
        assert s.state(world) != before
    else:
        with pytest.raises(NotAllowed):
            s.act(world, actor)
        assert s.state(world) == before


def _target(world: Any, scenario: str) -> Any:
    return {
        "reveal": world.people["G11-1-101-配偶"],
        "update_person": world.people["G11-1-101-配偶"],
        "create_person": world.households["G11-1-102"],
        "confirm_verification": getattr(world, "claim", None),
        "reject_verification": getattr(world, "claim", None),
        "record_proxy": world.people["G11-1-102-户主"],
        "grant_membership": world.nodes["C1"],
        "end_membership": world.nodes["C1"],
        "create_organization": world.nodes["C1"],
        "update_organization": world.orgs["property"],
        "deactivate_organization": world.orgs["volunteers"],
    }[scenario]


# Through the API --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_confirm_through_the_api(world: Any, client_for: Any, persona: str) -> None:
    claim = _claim(world)
    before = (
        Verification.objects.filter(pk=claim.pk).values().get(),
        VerificationEvent.objects.count(),
    )
    response = client_for(persona).post(
        f"/api/people/verifications/{claim.uuid}/confirm", {}, content_type="application/json"
    )
    if persona in C1_STAFF:
        assert response.status_code == 200
        assert Verification.objects.get(pk=claim.pk).status == "confirmed"
    else:
        # Claims are visible only to the claimant and to staff who verify in that area.
        assert response.status_code == 404
        assert (
            Verification.objects.filter(pk=claim.pk).values().get(),
            VerificationEvent.objects.count(),
        ) == before


VIEWERS_OF_C1_PERSON = C1_STAFF | {"street_official", "resident"}


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_view_and_reveal_person_through_the_api(world: Any, client_for: Any, persona: str) -> None:
    person = world.people["G11-1-101-配偶"]
    client = client_for(persona)
    logs = AuditLog.objects.count()
    detail = client.get(f"/api/people/{person.uuid}")
    reveal = client.post(f"/api/people/{person.uuid}/reveal")
    if persona in VIEWERS_OF_C1_PERSON:
        assert detail.status_code == 200
        assert reveal.status_code == (200 if persona in C1_STAFF else 403)
    else:
        assert detail.status_code == reveal.status_code == 404
    assert AuditLog.objects.count() == logs + (1 if reveal.status_code == 200 else 0)


ORG_VIEWERS = {
    "admin",
    "evaluator",
    "street_official",
    "party_secretary",
    "community_worker",
    "org_staff",
}


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_view_organization_through_the_api(world: Any, client_for: Any, persona: str) -> None:
    response = client_for(persona).get(f"/api/organizations/{world.orgs['property'].uuid}")
    assert response.status_code == (200 if persona in ORG_VIEWERS else 404)
    if response.status_code == 200:
        assert response.json()["can_manage"] == (
            persona in {"admin", "street_official", "party_secretary"}
        )
