"""One row per persona: which case permissions each role holds on a case in grid G11
(community C1, street S1) dispatched to the property company and reported by the resident."""

from __future__ import annotations

import pytest

from cogov.cases import actions
from cogov.cases.models import Case, CaseEvent, WhistleReport

from ..world import PERSONAS
from .factories import dispatched, report

CENTRE = {
    "view_case",
    "verify_case",
    "file_case",
    "dispatch_case",
    "merge_case",
    "answer_case",
    "approve_postponement",
    "revisit_case",
    "close_case",
    "reopen_case",
    "escalate_case",
    "attach_file",
}
CASE_PERMS = sorted(CENTRE | {"handle_on_spot", "handle_case", "check_case"})
EXPECTED = {
    "admin": set(CASE_PERMS),
    "evaluator": {"view_case"},
    "street_official": CENTRE,
    "street_official_s2": set(),
    "party_secretary": CENTRE,
    "community_worker": CENTRE,
    "community_worker_c2": set(),
    "grid_worker": {"view_case", "verify_case", "handle_on_spot", "check_case", "attach_file"},
    "department_staff": set(),
    "unit_liaison": set(),
    "org_staff": {"view_case", "handle_case", "attach_file"},
    "social_worker": set(),
    "party_member": set(),
    "volunteer": set(),
    # The verified resident who reported it answers the revisit (是否解决, 是否满意) too.
    "resident": {"view_case", "check_case", "attach_file", "revisit_case"},
    "owner": set(),
    "outsider": set(),
}


def test_every_persona_is_in_the_matrix():
    assert set(EXPECTED) == {key for key, *_ in PERSONAS}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_case_permissions_per_role(world, persona):
    case = dispatched(world)
    user = world.users[persona]
    held = {perm for perm in CASE_PERMS if user.has_perm(f"cases.{perm}", case)}
    assert held == EXPECTED[persona]
    # The list agrees with the permission.
    visible = Case.objects.visible_to(user).filter(pk=case.pk).exists()
    assert visible == ("view_case" in EXPECTED[persona])


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_report_and_whistle_permissions_per_role(world, persona):
    user = world.users[persona]
    can_report = persona != "outsider"
    assert user.has_perm("cases.report_case") == can_report
    whistlers = {"admin", "street_official"}
    assert user.has_perm("cases.blow_whistle", world.nodes["S1"]) == (persona in whistlers)
    whistle = actions.blow_whistle(
        actor=world.users["street_official"],
        street=world.nodes["S1"],
        category="enforcement",
        subject="背街小巷违建",
        lead_department=world.orgs["dept"],
    )
    report_row = WhistleReport.objects.get(whistle=whistle)
    assert user.has_perm("cases.report_to_whistle", report_row) == (
        persona in {"admin", "department_staff"}
    )
    assert user.has_perm("cases.rate_department", whistle) == (persona in whistlers)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_denied_verify_changes_nothing(world, api, persona):
    case = report(world)
    response = api(persona).post(f"cases/{case.uuid}/verify", {"note": "x"})
    allowed = "verify_case" in EXPECTED[persona]
    if allowed:
        assert response.status_code == 200
        return
    # The property company is not yet dispatched this case: it cannot see it.
    sees = "view_case" in EXPECTED[persona] and persona != "org_staff"
    assert response.status_code == (403 if sees else 404)
    case.refresh_from_db()
    assert case.status == "reported"
    assert CaseEvent.objects.filter(subject=case).count() == 1


def test_outsider_cannot_report_through_the_api(world, api):
    from .conftest import report_body

    response = api("outsider").post("cases", report_body())
    assert response.status_code == 403
    assert not Case.objects.exists()
