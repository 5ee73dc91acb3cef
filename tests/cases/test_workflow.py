"""The transition table is the only way through the loop: every other step is refused."""

from __future__ import annotations

import pytest

from cogov.cases.models import Case, CaseEvent
from cogov.cases.workflow import CASE_TRANSITIONS, STEPS, Status, move
from cogov.core.errors import InvalidTransition
from cogov.core.workflow import transition

from .factories import dispatched, report

ALL = list(Status.values)
NOT_IN_TABLE = [(a, b) for a in ALL for b in ALL if not CASE_TRANSITIONS.can(a, b)]


def test_the_table_is_the_one_of_the_issue():
    S = Status
    expected = {
        S.REPORTED: {S.VERIFIED, S.VOID, S.CLOSED},
        S.VERIFIED: {S.FILED, S.VOID},
        S.FILED: {S.DISPATCHED, S.VOID, S.ESCALATED},
        S.DISPATCHED: {S.SIGNED, S.RETURNED, S.ESCALATED},
        S.RETURNED: {S.DISPATCHED, S.ESCALATED},
        S.SIGNED: {S.HANDLING, S.ESCALATED},
        S.HANDLING: {S.POSTPONEMENT_REQUESTED, S.HUNG, S.REPLIED, S.ESCALATED},
        S.POSTPONEMENT_REQUESTED: {S.HANDLING},
        S.HUNG: {S.HANDLING, S.ESCALATED},
        S.ESCALATED: {S.DISPATCHED},
        S.REPLIED: {S.CHECKED, S.HANDLING},
        S.CHECKED: {S.REVISITED, S.CLOSED},
        S.REVISITED: {S.CLOSED, S.HANDLING},
        S.CLOSED: {S.HANDLING},
    }
    assert {k: set(v) for k, v in CASE_TRANSITIONS.table.items()} == {
        k: set(v) for k, v in expected.items()
    }
    assert CASE_TRANSITIONS.allowed(S.VOID) == frozenset()
    assert CASE_TRANSITIONS.statuses() == set(ALL)


def _force(case, status):  # type: ignore[no-untyped-def]
    # Put the case in `status` directly (tests only).
    Case.objects.filter(pk=case.pk).update(status=status)
    case.status = status


def test_every_transition_not_in_the_table_is_refused(world):
    case = report(world)
    actor = world.users["admin"]
    assert len(NOT_IN_TABLE) > 150
    for from_status, to_status in NOT_IN_TABLE:
        _force(case, from_status)
        before = CaseEvent.objects.count()
        with pytest.raises(InvalidTransition):
            transition(
                case, to_status, table=CASE_TRANSITIONS, events=CaseEvent, actor=actor, kind="x"
            )
        assert Case.objects.get(pk=case.pk).status == from_status
        assert CaseEvent.objects.count() == before


def test_every_action_is_refused_outside_its_own_step(world):
    case = report(world)
    actor = world.users["admin"]
    refused = 0
    for kind, (sources, target) in STEPS.items():
        for status in set(ALL) - sources:
            _force(case, status)
            with pytest.raises(InvalidTransition):
                move(case, target, actor=actor, kind=kind)
            assert Case.objects.get(pk=case.pk).status == status
            refused += 1
    assert refused > 250
    assert not CaseEvent.objects.filter(subject=case).exclude(kind="report").exists()


def test_each_step_is_allowed_from_its_sources(world):
    case = report(world)
    actor = world.users["admin"]
    for kind, (sources, target) in STEPS.items():
        for status in sources:
            _force(case, status)
            event = move(case, target, actor=actor, kind=kind)
            assert (event.from_status, event.to_status, event.kind) == (status, target, kind)


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("sign", {}),
        ("reply", {"reply": "done"}),
        ("check", {"passed": True}),
        ("revisit", {"resolution": "resolved", "satisfaction": "satisfied"}),
        ("close", {}),
        ("file", {}),
    ],
)
def test_out_of_order_actions_answer_400_through_the_api(world, api, action, body):
    case = report(world)  # still "reported"
    response = api("admin").post(f"cases/{case.uuid}/{action}", body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_a_dispatched_case_cannot_be_replied_before_it_is_signed(world, api):
    case = dispatched(world)
    response = api("org_staff").post(f"cases/{case.uuid}/reply", {"reply": "done"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
