"""Each persona's real answers to the funds permissions classify exactly as the role matrix
(docs/permissions.md, rendered from the code) says: over funds and communities inside and
outside its scope."""

from __future__ import annotations

from typing import Any

import pytest

from cogov.accounts.matrix import ALLOWED, DENIED, OWN_SCOPE, matrix
from tests.permissions.conftest import elsewhere  # noqa: F401  (fixture)
from tests.permissions.funds_objects import funds_objects
from tests.world import PERSONAS


def _classify(answers: list[bool]) -> str:
    if answers and all(answers):
        return ALLOWED
    return OWN_SCOPE if any(answers) else DENIED


def test_funds_personas_match_the_matrix(world: Any, elsewhere: dict[str, Any]) -> None:  # noqa: F811
    rows = matrix()
    objects = funds_objects(world, elsewhere, "admin")
    assert {n for n in rows if n.startswith("funds.")} == set(objects)
    for persona, role, _scope in PERSONAS:
        user = world.users[persona]
        found = {
            name: _classify([user.has_perm(name, obj) for obj in objs])
            for name, objs in objects.items()
        }
        expected = {name: rows[name][role] if role else DENIED for name in objects}
        assert found == expected, persona


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("resident", 1), ("evaluator", 1), ("outsider", 0), ("community_worker_c2", 1)],
)
def test_summaries_are_public_to_roles_journals_to_staff(world, persona, visible, fund):  # type: ignore[no-untyped-def]
    from cogov.funds.models import Fund, JournalEntry

    user = world.users[persona]
    assert Fund.objects.visible_to(user).count() == visible
    journal = JournalEntry.objects.visible_to(user).count()
    assert journal == (1 if persona == "evaluator" else 0)
