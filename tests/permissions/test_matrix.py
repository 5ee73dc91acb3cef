"""The role matrix in docs/permissions.md is the code's: the doc equals the rendering of the
declared permissions, every agreed permission is declared, and each persona's real answers over
objects inside and outside its scope classify exactly as its row says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rules

from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE, PERMISSIONS, matrix, parse_markdown
from cogov.accounts.roles import OWN_HOUSEHOLD, ROLES
from cogov.accounts.scopes import reach
from cogov.organizations.models import Organization
from cogov.people.models import Person, ProxyAuthorization, Verification
from cogov.territory.models import Level, Node
from tests.world import PERSONAS

from .assessment_objects import assessment_objects
from .budgeting_objects import budgeting_objects
from .cases_objects import case_objects
from .cooperation_objects import cooperation_objects
from .deliberation_objects import deliberation_objects
from .disclosure_objects import disclosure_objects
from .funds_objects import funds_objects
from .voting_objects import voting_objects

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"

AGREED = {
    "territory.view_node",
    "territory.manage_territory",
    "people.view_person",
    "people.reveal_pii",
    "people.import_roster",
    "people.verify",
    "people.act_for",
    "organizations.view_organization",
    "organizations.manage_organization",
    "accounts.manage_memberships",
    "core.manage_policies",
    "core.view_metrics",
}


def test_doc_matrix_is_the_code_matrix() -> None:
    documented = parse_markdown(DOC.read_text(encoding="utf-8"))
    assert documented == matrix(), "run: cogov permission_matrix --write docs/permissions.md"


def test_every_agreed_permission_is_declared_and_registered() -> None:
    assert set(PERMISSIONS) >= AGREED
    for name in PERMISSIONS:
        assert rules.perm_exists(name), name


def test_every_role_has_a_column_and_a_persona() -> None:
    documented = parse_markdown(DOC.read_text(encoding="utf-8"))
    for row in documented.values():
        assert set(row) == set(ROLES)
    assert {role for _key, role, _scope in PERSONAS if role} == set(ROLES)


def _objects(world: Any, elsewhere: dict[str, Any], persona: str) -> dict[str, list[Any]]:
    user = world.users[persona]
    nodes = list(Node.objects.all())
    people = list(Person.objects.select_related("grid"))
    r = reach(user)
    role_key = dict((k, role) for k, role, _s in PERSONAS)[persona]
    if role_key is None or not ROLES[role_key].can(OWN_HOUSEHOLD):
        # A linked account sees its own household whatever the role (see the doc's notes);
        # the matrix row is about what the role gives.
        people = [
            p for p in people if p.household_id not in r.household_ids and p.pk != r.person_id
        ]
    claimant = type(user).objects.create_user(f"claimant-{persona}")
    verifications = [
        Verification.objects.create(
            user=claimant, kind="resident", household=h, claimed_name="某人", claimed_id_number="x"
        )
        for h in (
            world.households["G11-1-101"],
            world.households["G21-1-101"],
            world.households["G31-1-101"],
            elsewhere["household"],
        )
    ]
    # One proxy in every grid, so that each staff persona has one inside and one outside.
    proxied = [world.people[f"{g}-1-102-户主"] for g in ("G11", "G12", "G21", "G31")]
    proxied.append(elsewhere["person"])
    for person in proxied:
        ProxyAuthorization.objects.create(
            person=person,
            agent=user,
            scope="all",
            document_ref="W-1",
            recorded_by=world.users["admin"],
        )
    verifications = list(
        Verification.objects.filter(pk__in=[v.pk for v in verifications]).select_related(
            "household__building__grid"
        )
    )
    return {
        "accounts.manage_memberships": nodes,
        "core.manage_policies": nodes,
        "core.view_metrics": nodes,
        "territory.view_node": nodes,
        "territory.manage_territory": nodes,
        "organizations.view_organization": list(Organization.objects.all()),
        "organizations.manage_organization": list(Organization.objects.all()),
        "organizations.manage_committee": list(Organization.objects.all()),
        "organizations.act_for_unit": list(Organization.objects.all()),
        "organizations.manage_reporting": nodes,
        "organizations.view_reporting": nodes,
        "people.view_person": people,
        "people.reveal_pii": people,
        "people.manage_person": people,
        "people.record_proxy": people,
        "people.import_roster": list(Node.objects.filter(level=Level.COMMUNITY)),
        "people.verify": verifications,
        "people.act_for": proxied,
        **case_objects(world, elsewhere, persona),
        **voting_objects(world, elsewhere, persona),
        **cooperation_objects(world, elsewhere, persona),
        **deliberation_objects(world, elsewhere, persona),
        **disclosure_objects(world, elsewhere, persona),
        **funds_objects(world, elsewhere, persona),
        **assessment_objects(world, elsewhere, persona),
        **budgeting_objects(world, elsewhere, persona),
    }


def _classify(answers: list[bool]) -> str:
    if answers and all(answers):
        return ALLOWED
    return OWN_SCOPE if any(answers) else DENIED


@pytest.mark.parametrize("persona", [key for key, _role, _scope in PERSONAS])
def test_persona_answers_match_the_matrix(
    world: Any, elsewhere: dict[str, Any], persona: str
) -> None:
    role = dict((k, r) for k, r, _s in PERSONAS)[persona]
    documented = parse_markdown(DOC.read_text(encoding="utf-8"))
    user = world.users[persona]
    objects = _objects(world, elsewhere, persona)
    assert set(objects) == set(PERMISSIONS), "add the objects of the new permission to _objects"
    found = {
        name: _classify([user.has_perm(name, obj) for obj in objs])
        for name, objs in objects.items()
    }
    expected = {name: row[role] if role else DENIED for name, row in documented.items()}
    assert found == expected


def test_outsider_and_anonymous_are_denied_everything(world: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    person = world.people["G11-1-101-户主"]
    for user in (world.users["outsider"], AnonymousUser()):
        assert not user.has_perm("people.view_person", person)
        assert not user.has_perm("people.reveal_pii", person)
        assert not user.has_perm("accounts.manage_memberships", None)


def test_the_command_rewrites_the_doc_to_itself(tmp_path: Path) -> None:
    from django.core.management import call_command

    copy = tmp_path / "permissions.md"
    original = DOC.read_text(encoding="utf-8")
    copy.write_text(original.replace("| allowed |", "| denied |", 1), encoding="utf-8")
    call_command("permission_matrix", write=str(copy))
    assert copy.read_text(encoding="utf-8") == original
