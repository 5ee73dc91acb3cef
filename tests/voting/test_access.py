"""Per-role permissions (nothing changes on denial), the API and the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from cogov.core.errors import NotAllowed
from cogov.voting import actions
from cogov.voting.models import Elector, Participation, Vote

from ..world import PERSONAS
from .conftest import open_vote

pytestmark = pytest.mark.django_db

ORGANISERS = {"admin", "party_secretary", "community_worker"}  # staff with VERIFY over C1


def _draft(world, actor):  # type: ignore[no-untyped-def]
    return actions.create_vote(
        actor=world.users[actor],
        node=world.nodes["C1"],
        title="议题",
        electorate="residents",
        rule="residents_meeting",
        opens_at=timezone.now() - dt.timedelta(minutes=5),
    )


@pytest.mark.parametrize("persona", [p[0] for p in PERSONAS])
def test_who_may_organise_a_vote_in_community_one(world, persona):
    if persona in ORGANISERS:
        vote = _draft(world, persona)
        assert actions.open_vote(actor=world.users[persona], vote=vote).status == "open"
        return
    with pytest.raises(NotAllowed):
        _draft(world, persona)
    assert Vote.objects.count() == 0
    vote = _draft(world, "community_worker")
    with pytest.raises(NotAllowed):
        actions.open_vote(actor=world.users[persona], vote=vote)
    vote.refresh_from_db()
    assert vote.status == "draft" and not Elector.objects.filter(vote=vote).exists()


@pytest.mark.parametrize("persona", [p[0] for p in PERSONAS])
def test_who_may_cast_in_a_residents_vote(world, persona):
    vote = open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="residents",
        rule="residents_meeting",
    )
    # Verified accounts of C1 residents: the resident, party member and owner personas.
    if persona in {"resident", "party_member", "owner"}:
        actions.cast_ballot(actor=world.users[persona], vote=vote, choice="for")
        assert Participation.objects.filter(vote=vote).count() == 1
        return
    with pytest.raises(NotAllowed):
        actions.cast_ballot(actor=world.users[persona], vote=vote, choice="for")
    assert not Participation.objects.filter(vote=vote).exists()


def test_only_organisers_record_paper_ballots(world):
    vote = open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="residents",
        rule="residents_meeting",
    )
    elector = Elector.objects.filter(vote=vote).first()
    for persona in ("resident", "street_official", "grid_worker", "community_worker_c2"):
        with pytest.raises(NotAllowed):
            actions.record_ballot(
                actor=world.users[persona], vote=vote, elector=elector, choice="for"
            )
    assert not Participation.objects.exists()


def test_results_of_a_secret_vote_are_hidden_from_everyone_until_it_closes(world, client_for):
    vote = open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="residents",
        rule="residents_meeting",
    )
    resident, worker = client_for("resident"), client_for("community_worker")
    for client in (resident, worker):
        assert client.get(f"/voting/{vote.uuid}/results/").status_code == 404
        assert client.get(f"/voting/{vote.uuid}/ballots.csv").status_code == 404
        assert client.get(f"/api/voting/{vote.uuid}/results").status_code == 403
    actions.close_vote(actor=world.users["community_worker"], vote=vote)
    for client in (resident, worker):
        assert client.get(f"/voting/{vote.uuid}/results/").status_code == 200


def test_organisers_follow_the_count_of_an_open_vote(world, client_for):
    vote = open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="residents",
        rule="residents_meeting",
        secret=False,
    )
    assert client_for("community_worker").get(f"/voting/{vote.uuid}/results/").status_code == 200
    assert client_for("resident").get(f"/voting/{vote.uuid}/results/").status_code == 404


def test_a_vote_outside_ones_reach_answers_404(world, client_for):
    vote = open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="residents",
        rule="residents_meeting",
    )
    for persona in ("community_worker_c2", "outsider", "street_official_s2"):
        client = client_for(persona)
        assert client.get(f"/voting/{vote.uuid}/").status_code == 404
        assert client.get(f"/api/voting/{vote.uuid}").status_code == 404
    assert client_for("street_official").get(f"/voting/{vote.uuid}/").status_code == 200


def test_drafts_are_seen_by_organisers_only(world, client_for):
    vote = _draft(world, "community_worker")
    assert client_for("party_secretary").get(f"/voting/{vote.uuid}/").status_code == 200
    assert client_for("resident").get(f"/voting/{vote.uuid}/").status_code == 404


def test_api_create_open_cast_close_tally_results_verify(world, client_for):
    worker = client_for("community_worker")
    created = worker.post(
        "/api/voting/",
        data=json.dumps(
            {
                "node": str(world.nodes["C1"].uuid),
                "title": "是否同意加装电梯",
                "electorate": "households",
                "rule": "residents_meeting",
                "opens_at": (timezone.now() - dt.timedelta(minutes=1)).isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    uuid = created.json()["uuid"]
    assert worker.post(f"/api/voting/{uuid}/open").json()["status"] == "open"
    resident = client_for("resident")
    cast = resident.post(
        f"/api/voting/{uuid}/ballots",
        data=json.dumps({"choice": ["for"]}),
        content_type="application/json",
    )
    assert cast.status_code == 201 and len(cast.json()["hash"]) == 64
    again = resident.post(
        f"/api/voting/{uuid}/ballots",
        data=json.dumps({"choice": ["for"]}),
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["code"] == "already_voted"
    assert resident.post(f"/api/voting/{uuid}/close").status_code == 403
    assert worker.post(f"/api/voting/{uuid}/close").json()["digest"]
    assert worker.post(f"/api/voting/{uuid}/tally").json()["status"] == "tallied"
    results = resident.get(f"/api/voting/{uuid}/results").json()
    assert results["counts"]["for"]["heads"] == "1"
    assert {t["name"] for t in results["thresholds"]} == {"quorum", "majority"}
    assert results["thresholds"][0]["reached"] == "1/4" and results["outcome"] == "failed"
    verified = resident.get(f"/api/voting/{uuid}/verify").json()
    assert verified["ok"] is True and verified["ballots"] == 1


def test_mobile_ballot_page_and_results_page(world, client_for):
    vote = open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="residents",
        rule="residents_meeting",
        title="小区停车方案",
    )
    resident = client_for("resident")
    page = resident.get(f"/voting/{vote.uuid}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="choice"' in html and 'name="viewport"' in html
    resident.post(f"/voting/{vote.uuid}/cast/", {"choice": "for"})
    assert Participation.objects.filter(vote=vote).count() == 1
    assert 'name="choice"' not in resident.get(f"/voting/{vote.uuid}/").content.decode()

    worker = client_for("community_worker")
    worker.post(f"/voting/{vote.uuid}/step/close/")
    worker.post(f"/voting/{vote.uuid}/step/tally/")
    vote.refresh_from_db()
    assert vote.status == "tallied"
    results = resident.get(f"/voting/{vote.uuid}/results/").content.decode()
    assert "vendor/echarts/echarts.min.js" in results
    assert "quorum" in results and "majority" in results and "1/8" in results
    assert f'id="results-chart-{vote.uuid}-data"' in results
    verify = resident.get(f"/voting/{vote.uuid}/verify/")
    assert verify.status_code == 200
