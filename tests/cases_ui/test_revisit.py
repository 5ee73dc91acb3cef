"""The revisit step (回访) on the case page: the centre records the call, and the verified
resident who reported the case may answer 是否解决 / 是否满意 themselves. Per role."""

from __future__ import annotations

from typing import Any

import pytest

from cogov.cases import actions
from cogov.cases.models import Case
from cogov.cases.workflow import Status

from ..cases.factories import replied
from .test_case_page import steps

pytestmark = pytest.mark.django_db


def checked(world: Any, **kwargs: Any) -> Case:
    case = replied(world, x=0.5, **kwargs)
    actions.check_case(actor=world.users["grid_worker"], case=case, passed=True)
    return case


# Who is offered the revisit form on a checked case the resident reported in G11.
REVISITORS = {
    "resident": True,  # the reporter, a verified resident
    "community_worker": True,
    "party_secretary": True,
    "street_official": True,
    "admin": True,
    "grid_worker": False,
    "org_staff": False,
    "evaluator": False,
}


@pytest.mark.parametrize("persona", sorted(REVISITORS))
def test_revisit_form_per_role(world: Any, client_for: Any, persona: str) -> None:
    case = checked(world)
    page = client_for(persona).get(f"/cases/{case.uuid}/")
    assert page.status_code == 200
    assert ("revisit" in steps(page)) == REVISITORS[persona]


@pytest.mark.parametrize("persona", ["owner", "volunteer", "community_worker_c2", "outsider"])
def test_others_cannot_revisit(world: Any, client_for: Any, persona: str) -> None:
    case = checked(world)
    response = client_for(persona).post(
        f"/cases/{case.uuid}/step/revisit/",
        {"revisit-resolution": "resolved", "revisit-satisfaction": "satisfied"},
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Status.CHECKED and case.revisit_resolution == ""


def test_the_reporter_rates_and_the_rates_count_it(world: Any, client_for: Any) -> None:
    case = checked(world)
    client = client_for("resident")
    assert Case.objects.queue_for(world.users["resident"]).filter(pk=case.pk).exists()
    response = client.post(
        f"/cases/{case.uuid}/step/revisit/",
        {"revisit-resolution": "partly", "revisit-satisfaction": "fairly", "revisit-note": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REVISITED
    assert (case.revisit_resolution, case.revisit_satisfaction) == ("partly", "fairly")
    event = case.events.get(kind="revisit")
    assert event.actor == world.users["resident"] and event.evidence["by"] == "reporter"
    assert not Case.objects.queue_for(world.users["resident"]).filter(pk=case.pk).exists()
    # The centre closes after the resident's answer.
    actions.close_case(actor=world.users["community_worker"], case=case)
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_the_reporter_saying_unresolved_reopens(world: Any) -> None:
    case = checked(world)
    actions.revisit_case(
        actor=world.users["resident"],
        case=case,
        resolution="unresolved",
        satisfaction="dissatisfied",
    )
    case.refresh_from_db()
    assert case.status == Status.HANDLING


def test_a_centre_revisit_is_marked_centre(world: Any) -> None:
    case = checked(world)
    actions.revisit_case(
        actor=world.users["community_worker"],
        case=case,
        resolution="resolved",
        satisfaction="satisfied",
    )
    assert case.events.get(kind="revisit").evidence["by"] == "centre"


def test_a_grid_worker_report_is_not_revisited_by_its_reporter(world: Any) -> None:
    case = replied(world, persona="grid_worker", x=0.5)
    actions.check_case(actor=world.users["grid_worker"], case=case, passed=True)
    assert not world.users["grid_worker"].has_perm("cases.revisit_case", case)
