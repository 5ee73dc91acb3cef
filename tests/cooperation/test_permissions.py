"""One check per role for the named permissions, and nothing changes on a denial."""

from __future__ import annotations

import pytest

from cogov.cooperation import actions
from cogov.cooperation.models import Need, NeedStatus

pytestmark = pytest.mark.django_db

# persona: (raise_need at C1, triage a need in C1, claim a listed need, review a resource,
#           decide a project, claim a published wish, see its beneficiary before any claim)
MATRIX = {
    "admin": (True, True, True, True, True, True, True),
    "evaluator": (True, False, False, False, False, True, False),
    "street_official": (True, True, False, True, True, True, True),
    "street_official_s2": (False, False, False, False, False, False, False),
    "party_secretary": (True, True, False, True, True, True, True),
    "community_worker": (True, True, False, True, True, True, True),
    "community_worker_c2": (False, False, False, False, False, False, False),
    "grid_worker": (True, False, False, False, False, False, True),
    "department_staff": (True, False, True, False, False, True, False),
    "unit_liaison": (True, False, True, False, False, True, False),
    "org_staff": (True, False, True, False, False, True, False),
    "social_worker": (True, False, True, False, False, True, False),
    "party_member": (True, False, True, False, False, True, False),
    "volunteer": (True, False, False, False, False, True, False),
    "resident": (True, False, False, False, False, True, False),
    "owner": (True, False, False, False, False, True, False),
    "outsider": (False, False, False, False, False, False, False),
}


@pytest.fixture
def objects(world):  # type: ignore[no-untyped-def]
    secretary = world.users["party_secretary"]
    need = actions.raise_need(
        actor=secretary, community=world.nodes["C1"], title="需求", category="culture"
    )
    actions.list_need(actor=secretary, need=need)
    resource = actions.offer_resource(
        actor=world.users["unit_liaison"],
        kind="venue",
        title="场地",
        capacity=5,
        capacity_unit="座",
        categories=["culture"],
    )
    wish = actions.submit_wish(
        actor=world.users["grid_worker"],
        beneficiary=world.people["G11-1-102-户主"],
        title="拐杖",
        value="50",
    )
    actions.verify_wish(
        actor=world.users["grid_worker"], wish=wish, approved=True, visit_note="核实"
    )
    actions.publish_wish(actor=world.users["grid_worker"], wish=wish)
    return need, resource, None, wish


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_role_matrix(world, objects, persona):  # type: ignore[no-untyped-def]
    need, resource, _project, wish = objects
    user = world.users[persona]
    got = (
        user.has_perm("cooperation.raise_need", world.nodes["C1"]),
        user.has_perm("cooperation.triage_need", need),
        user.has_perm("cooperation.claim_need", need),
        user.has_perm("cooperation.review_resource", resource),
        user.has_perm("cooperation.decide_project", need),
        user.has_perm("cooperation.claim_wish", wish),
        user.has_perm("cooperation.see_beneficiary", wish),
    )
    assert got == MATRIX[persona]


@pytest.mark.parametrize(
    "persona", ["resident", "volunteer", "unit_liaison", "community_worker_c2", "outsider"]
)
def test_denied_triage_changes_nothing(world, client_for, persona):  # type: ignore[no-untyped-def]
    need = actions.raise_need(
        actor=world.users["resident"], community=world.nodes["C1"], title="需求", category="culture"
    )
    answer = client_for(persona).post(
        f"/api/cooperation/needs/{need.uuid}/list", {}, content_type="application/json"
    )
    assert answer.status_code in (403, 404)
    need.refresh_from_db()
    assert need.status == NeedStatus.COLLECTED and need.events.count() == 1
    assert (
        client_for("party_secretary")
        .post(f"/api/cooperation/needs/{need.uuid}/list", {}, content_type="application/json")
        .status_code
        == 200
    )
    assert Need.objects.get(pk=need.pk).status == NeedStatus.LISTED


def test_unlisted_need_is_invisible_to_the_public(world, client_for):
    need = actions.raise_need(
        actor=world.users["resident"], community=world.nodes["C1"], title="私事", category="other"
    )
    assert client_for("volunteer").get(f"/api/cooperation/needs/{need.uuid}").status_code == 404
    assert client_for("resident").get(f"/api/cooperation/needs/{need.uuid}").status_code == 200
    assert (
        client_for("community_worker_c2").get(f"/cooperation/needs/{need.uuid}/").status_code == 404
    )
