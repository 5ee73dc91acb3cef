"""Disclosure permissions per role: each persona's real answers over notices and nodes inside
and outside its scope classify exactly as docs/permissions.md says; denials change nothing;
the public board needs no login."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE, matrix
from cogov.core.errors import NotAllowed
from cogov.disclosure import actions
from cogov.disclosure.models import Notice
from cogov.territory.models import Level, Node
from tests.permissions.disclosure_objects import disclosure_objects
from tests.world import PERSONAS

from .conftest import CHECKLIST, draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(world: Any) -> dict[str, Any]:
    start = dt.date(2020, 1, 1)
    d = Node.objects.create(level=Level.DISTRICT, code="440222", name="H区", valid_from=start)
    s = Node.objects.create(
        level=Level.STREET, parent=d, code="440222001", name="东街道", valid_from=start
    )
    c = Node.objects.create(
        level=Level.COMMUNITY, parent=s, code="440222001001", name="东社区", valid_from=start
    )
    return {"D": d, "S": s, "C": c}


def _classify(answers: list[bool]) -> str:
    if answers and all(answers):
        return ALLOWED
    return OWN_SCOPE if any(answers) else DENIED


def test_every_persona_matches_the_matrix(world: Any, elsewhere: dict[str, Any]) -> None:
    cells = {name: row for name, row in matrix().items() if name.startswith("disclosure.")}
    assert len(cells) == 8
    for persona, role, _scope in PERSONAS:
        objects = disclosure_objects(world, elsewhere, persona)
        user = world.users[persona]
        found = {
            name: _classify([user.has_perm(name, obj) for obj in objs])
            for name, objs in objects.items()
        }
        expected = {name: row[role] if role else DENIED for name, row in cells.items()}
        assert found == expected, persona
        Notice.objects.all().delete()


def test_expected_roles(world: Any) -> None:
    m = matrix()
    assert m["disclosure.propose"]["community_worker"] == OWN_SCOPE
    assert m["disclosure.review"]["party_secretary"] == OWN_SCOPE
    assert m["disclosure.review"]["community_worker"] == DENIED
    assert m["disclosure.approve"]["party_secretary"] == OWN_SCOPE
    assert m["disclosure.approve_escalated"]["street_official"] == OWN_SCOPE
    assert m["disclosure.view_compliance"]["evaluator"] == OWN_SCOPE
    assert m["disclosure.object"]["resident"] == OWN_SCOPE
    assert m["disclosure.object"]["unit_liaison"] == DENIED


@pytest.mark.parametrize(
    "persona",
    ["community_worker", "community_worker_c2", "resident", "street_official", "outsider"],
)
def test_only_the_party_secretary_reviews_and_nothing_changes_on_denial(
    world: Any, persona: str
) -> None:
    notice = draft(world)
    actions.submit(actor=world.users["community_worker"], notice=notice)
    before = list(Notice.objects.values_list("status", "secrecy_check"))
    with pytest.raises(NotAllowed):
        actions.review(actor=world.users[persona], notice=notice, checklist=CHECKLIST)
    with pytest.raises(NotAllowed):
        actions.approve(actor=world.users[persona], notice=notice)
    assert list(Notice.objects.values_list("status", "secrecy_check")) == before


@pytest.mark.parametrize(
    "persona", ["community_worker_c2", "resident", "grid_worker", "unit_liaison"]
)
def test_proposing_is_for_the_community_staff(world: Any, persona: str) -> None:
    with pytest.raises(NotAllowed):
        draft_by(world, persona)
    assert not Notice.objects.exists()


def draft_by(world: Any, persona: str) -> Notice:
    return actions.create_notice(
        actor=world.users[persona],
        community=world.nodes["C1"],
        category="party",
        title="t",
        body="b",
    )
