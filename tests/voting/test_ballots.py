"""Ballot kinds, phases, proxies, paper ballots and one-time codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from cogov.core.errors import ActionError, InvalidTransition
from cogov.voting import actions
from cogov.voting.models import Elector, Participation, VoteEvent, VotingCode
from cogov.voting.thresholds import Result

from .conftest import finish, open_vote

pytestmark = pytest.mark.django_db

OPTIONS = [
    {"key": "lift", "label": "加装电梯"},
    {"key": "park", "label": "口袋公园"},
    {"key": "light", "label": "路灯"},
]


def households_vote(world, **kw):  # type: ignore[no-untyped-def]
    return open_vote(
        world,
        actor="community_worker",
        node=world.nodes["C1"],
        electorate="households",
        rule="residents_meeting",
        **kw,
    )


def papers(world, vote, choices):  # type: ignore[no-untyped-def]
    for elector, choice in zip(
        Elector.objects.filter(vote=vote).order_by("pk"), choices, strict=False
    ):
        actions.record_ballot(
            actor=world.users["community_worker"], vote=vote, elector=elector, choice=choice
        )


def test_household_representatives_one_per_household(world):
    vote = households_vote(world)
    assert vote.entitled_heads == 4  # C1 has four households in the test world
    resident = world.users["resident"]
    actions.cast_ballot(actor=resident, vote=vote, choice="for")
    assert Participation.objects.filter(vote=vote).count() == 1


def test_approval_counts(world):
    vote = households_vote(world, ballot_kind="approval", options=OPTIONS)
    papers(world, vote, [["lift", "park"], ["lift"], ["light", "lift"], []])
    result = Result.from_dict(finish(world, vote, actor="community_worker").result)
    assert result.counts["lift"]["heads"] == "3" and result.counts["park"]["heads"] == "1"
    assert result.winner == "lift"
    assert [t.name for t in result.thresholds] == ["quorum"]  # participation tests only


def test_ranked_ballots_use_the_borda_count(world):
    vote = households_vote(world, ballot_kind="ranked", options=OPTIONS)
    # 3 options: first 2 points, second 1, third 0; unranked 0.
    papers(world, vote, [["park", "lift", "light"], ["lift", "park"], ["light", "lift"], ["park"]])
    result = Result.from_dict(finish(world, vote, actor="community_worker").result)
    points = {row["option"]: row["points"] for row in result.ranking}
    assert points == {"park": 2 + 1 + 2, "lift": 1 + 2 + 1, "light": 0 + 2}
    assert result.winner == "park" and "Borda" in result.method


def test_single_choice_tie_has_no_winner(world):
    vote = households_vote(world, ballot_kind="single", options=OPTIONS[:2])
    papers(world, vote, ["lift", "park", "lift", "park"])
    result = Result.from_dict(finish(world, vote, actor="community_worker").result)
    assert result.winner is None and result.outcome == "failed"


def test_invalid_choices_are_refused(world):
    vote = households_vote(world)
    elector = Elector.objects.filter(vote=vote).first()
    for bad in (["for", "against"], ["maybe"], []):
        with pytest.raises(ActionError):
            actions.record_ballot(
                actor=world.users["community_worker"], vote=vote, elector=elector, choice=bad
            )
    assert not Participation.objects.filter(vote=vote).exists()


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_phases_and_events(world):
    worker = world.users["community_worker"]
    opens = timezone.now() + dt.timedelta(days=1)
    vote = actions.create_vote(
        actor=worker,
        node=world.nodes["C1"],
        title="下周表决",
        electorate="households",
        rule="residents_meeting",
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=7),
    )
    assert not vote.is_open()
    vote = actions.open_vote(actor=worker, vote=vote)
    assert vote.status == "open" and not vote.is_open()  # scheduled: not yet in its period
    assert vote.is_open(opens) and not vote.is_open(opens + dt.timedelta(days=7))
    with pytest.raises(ActionError, match="not open"):
        actions.cast_ballot(actor=world.users["resident"], vote=vote, choice="for")
    with pytest.raises(InvalidTransition):
        actions.tally_vote(actor=worker, vote=vote)
    actions.close_vote(actor=worker, vote=vote)
    actions.tally_vote(actor=worker, vote=vote)
    statuses = list(VoteEvent.objects.filter(subject=vote).values_list("to_status", flat=True))
    assert statuses == ["draft", "open", "closed", "tallied"]
    closed = VoteEvent.objects.get(subject=vote, to_status="closed")
    assert len(closed.evidence["digest"]) == 64


def test_proxy_needs_a_written_authorisation_reference(world):
    vote = households_vote(world)
    elector = Elector.objects.filter(vote=vote).first()
    with pytest.raises(ActionError) as caught:
        actions.record_ballot(
            actor=world.users["community_worker"],
            vote=vote,
            elector=elector,
            choice="for",
            channel="proxy",
        )
    assert caught.value.field == "document_ref"
    actions.record_ballot(
        actor=world.users["community_worker"],
        vote=vote,
        elector=elector,
        choice="for",
        channel="proxy",
        document_ref="委托书 2026-017",
    )
    p = Participation.objects.get(vote=vote)
    assert p.channel == "proxy" and p.document_ref == "委托书 2026-017"


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_one_time_codes_are_hashed_and_usable_once(world, client_for):
    vote = households_vote(world)
    issued = actions.issue_codes(actor=world.users["community_worker"], vote=vote)
    # Three of C1's households have a verified account (resident, party member, owner
    # personas); the fourth gets a printed code.
    assert len(issued) == 1
    elector, code = issued[0]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    stored = list(VotingCode.objects.filter(vote=vote).values_list("code_hash", flat=True))
    assert all(code.replace("-", "") not in h and code not in h for h in stored)

    anonymous = client_for("outsider")
    anonymous.logout()
    page = f"/voting/{vote.uuid}/code/"
    assert anonymous.get(page).status_code == 200
    anonymous.post(page, {"code": code.lower(), "choice": "for"})
    assert Participation.objects.filter(vote=vote, elector=elector, channel="code").exists()
    again = anonymous.post(page, {"code": code, "choice": "against"}, follow=True)
    assert "already been used" in again.content.decode()
    assert Participation.objects.filter(vote=vote).count() == 1
    with pytest.raises(ActionError):
        actions.cast_with_code(actor=None, vote=vote, code="AAAA-BBBB-CCCC", choice="for")


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_reissuing_a_code_revokes_the_old_one(world):
    vote = households_vote(world)
    worker = world.users["community_worker"]
    (elector, old), *_rest = actions.issue_codes(actor=worker, vote=vote)
    actions.issue_codes(actor=worker, vote=vote, electors=[elector])
    with pytest.raises(ActionError, match="not valid"):
        actions.cast_with_code(actor=None, vote=vote, code=old, choice="for")


def test_code_sheet_page_prints_the_codes_once(world, client_for):
    vote = households_vote(world)
    client = client_for("community_worker")
    assert client.get(f"/voting/{vote.uuid}/codes/").status_code == 200
    sheet = client.post(f"/voting/{vote.uuid}/codes/")
    assert sheet.status_code == 200 and sheet["Cache-Control"] == "no-store"
    codes = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", sheet.content.decode())
    assert len(codes) == 1
    assert VotingCode.objects.filter(vote=vote, revoked_at__isnull=True).count() == 1


def test_electors_are_notified_and_participation_rate_is_a_metric(world):
    from cogov.core.metrics import Period, compute
    from cogov.core.models import Notification

    vote = households_vote(world)
    assert Notification.objects.filter(kind="voting.opened").count() == 3  # accounts of C1
    papers(world, vote, ["for"])
    finish(world, vote, actor="community_worker")
    vote.refresh_from_db()
    period = Period.year(vote.vote_date.year)
    assert str(compute("voting.participation_rate", world.nodes["C1"], period)) == "0.2500"
    assert compute("voting.participation_rate", world.nodes["C2"], period) is None
