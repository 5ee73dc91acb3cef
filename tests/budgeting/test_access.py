"""Permissions per role (tests/world.py PERSONAS): who proposes, screens, records the council,
approves, and what each sees. A forbidden object answers 404 like a missing one, and nothing
changes on a refusal."""

from __future__ import annotations

import pytest

from cogov.budgeting import actions
from cogov.budgeting.models import Proposal, Round, RoundEvent
from cogov.core.errors import NotAllowed

from ..world import PERSONAS
from .conftest import make_round, propose

pytestmark = pytest.mark.django_db

# persona → (sees a C1 round, may propose, runs it, records the council, approves)
EXPECTED = {
    "admin": (True, True, True, True, True),
    "evaluator": (True, False, False, False, False),
    "street_official": (True, False, False, False, True),
    "street_official_s2": (False, False, False, False, False),
    "party_secretary": (True, True, True, True, False),
    "community_worker": (True, True, True, False, False),
    "community_worker_c2": (False, False, False, False, False),
    "grid_worker": (True, True, False, False, False),
    "department_staff": (True, False, False, False, False),
    "unit_liaison": (True, True, False, False, False),
    "org_staff": (True, True, False, False, False),
    "social_worker": (True, True, False, False, False),
    "party_member": (True, True, False, False, False),
    "volunteer": (True, True, False, False, False),
    "resident": (True, True, False, False, False),
    "owner": (True, True, False, False, False),
    "outsider": (False, False, False, False, False),
}


def test_every_persona_is_listed():
    assert set(EXPECTED) == {key for key, _r, _s in PERSONAS}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_permissions_per_role(world, client_for, persona):
    round = make_round(world)
    user = world.users[persona]
    sees, proposes, runs, council, approves = EXPECTED[persona]
    assert Round.objects.visible_to(user).filter(pk=round.pk).exists() is sees
    assert user.has_perm("budgeting.view_round", round) is sees
    assert user.has_perm("budgeting.submit_proposal", round) is proposes
    assert user.has_perm("budgeting.manage_round", round) is runs
    assert user.has_perm("budgeting.review_council", round) is council
    assert user.has_perm("budgeting.approve_round", round) is approves
    page = client_for(persona).get(f"/budgeting/{round.uuid}/")
    assert page.status_code == (200 if sees else 404)


@pytest.mark.parametrize(
    "persona", ["resident", "grid_worker", "street_official", "community_worker_c2", "outsider"]
)
def test_refused_phase_moves_change_nothing(world, client_for, persona):
    round = make_round(world)
    before = RoundEvent.objects.filter(subject=round).count()
    with pytest.raises(NotAllowed):
        actions.close_collection(actor=world.users[persona], round=round, note="x")
    response = client_for(persona).post(
        f"/budgeting/{round.uuid}/action/close-collection/", {"note": "x"}
    )
    assert response.status_code in (302, 404)
    round.refresh_from_db()
    assert round.status == "collecting"
    assert RoundEvent.objects.filter(subject=round).count() == before


def test_only_staff_screen_and_only_the_secretary_records_the_council(world):
    round = make_round(world)
    p = propose(world, round, "A", "1000")
    actions.close_collection(actor=world.users["community_worker"], round=round, note="x")
    for persona in ("resident", "grid_worker", "street_official", "unit_liaison"):
        with pytest.raises(NotAllowed):
            actions.screen_proposal(actor=world.users[persona], proposal=p, eligible=True)
    assert Proposal.objects.get(pk=p.pk).status == "submitted"
    actions.screen_proposal(actor=world.users["community_worker"], proposal=p, eligible=True)
    round = actions.finish_screening(actor=world.users["community_worker"], round=round)
    for persona in ("community_worker", "resident", "street_official"):
        with pytest.raises(NotAllowed):
            actions.record_council_review(
                actor=world.users[persona], proposal=p, members=5, present=5, yes=5, no=0
            )
    assert Proposal.objects.get(pk=p.pk).status == "screened_in"


def test_a_drafts_is_seen_by_staff_only(world):
    round = make_round(world)
    from django.utils import timezone

    draft = actions.create_round(
        actor=world.users["community_worker"],
        node=world.nodes["C1"],
        year=2026,
        title="草稿",
        budget="1000",
        collect_opens_at=round.collect_opens_at,
        collect_closes_at=round.collect_closes_at,
        vote_opens_at=round.vote_opens_at,
        vote_closes_at=round.vote_closes_at,
    )
    assert draft.collect_opens_at < timezone.now()
    assert Round.objects.visible_to(world.users["resident"]).filter(pk=draft.pk).count() == 0
    assert Round.objects.visible_to(world.users["party_secretary"]).filter(pk=draft.pk).count() == 1


def test_public_results_need_no_account_but_drafts_stay_hidden(world, client):
    round = make_round(world)
    assert client.get(f"/budgeting/{round.uuid}/results/").status_code == 200
    assert client.get(f"/api/budgeting/{round.uuid}/results").status_code == 200
    Round.objects.filter(pk=round.pk).update(status="draft")
    assert client.get(f"/budgeting/{round.uuid}/results/").status_code == 404
    assert client.get(f"/api/budgeting/{round.uuid}/results").status_code == 404
