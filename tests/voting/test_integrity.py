"""One ballot per voter under concurrency, the hash chain, verify-ballots, secret-ballot split."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from cogov.core.errors import ActionError
from cogov.voting import actions, integrity
from cogov.voting.models import Ballot, Elector, Participation, Vote

from .conftest import finish, make_estate, open_vote, paper


def _estate_vote(world, secret=True, code="440111002098"):  # type: ignore[no-untyped-def]
    estate = make_estate(world, ["100", "110", "120", "130"], code=code)
    vote = open_vote(
        world, node=estate.community, electorate="owners", rule="owners_joint", secret=secret
    )
    return estate, vote


@pytest.mark.django_db
@pytest.mark.usefixtures("english")  # asserts on English messages
def test_a_second_ballot_of_the_same_voter_is_refused_and_changes_nothing(world):
    estate, vote = _estate_vote(world)
    paper(world, vote, estate.units[0], "for")
    with pytest.raises(ActionError, match="already voted"):
        paper(world, vote, estate.units[0], "against")
    vote.refresh_from_db()
    assert vote.ballot_count == 1
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert Participation.objects.filter(vote=vote).count() == 1


@pytest.mark.django_db(transaction=True)
def test_hundred_concurrent_attempts_by_one_voter_leave_one_ballot(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is one connection")
    estate, vote = _estate_vote(world)
    elector = Elector.objects.get(vote=vote, units=[estate.units[0].pk])
    admin = world.users["admin"]
    barrier = threading.Barrier(100)
    # PostgreSQL allows 100 connections by default: the 100 attempts start together and race
    # through at most 40 connections at a time, so the test never runs the server out of them.
    slots = threading.BoundedSemaphore(40)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        try:
            barrier.wait()
            slots.acquire()
            actions.record_ballot(
                actor=admin,
                vote=Vote.objects.get(pk=vote.pk),
                elector=elector,
                choice="for" if i % 2 else "against",
            )
            result = "ok"
        except ActionError as exc:
            result = exc.code
        finally:
            connections.close_all()
            slots.release()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert outcomes.count("already_voted") == 99
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert Participation.objects.filter(vote=vote).count() == 1
    vote.refresh_from_db()
    assert vote.ballot_count == 1
    assert integrity.verify(vote).ok


@pytest.mark.django_db
def test_ballots_are_append_only(world):
    estate, vote = _estate_vote(world)
    paper(world, vote, estate.units[0], "for")
    ballot = Ballot.objects.get(vote=vote)
    ballot.choice = ["against"]
    with pytest.raises(TypeError):
        ballot.save()
    with pytest.raises(TypeError):
        Ballot.objects.filter(vote=vote).update(choice=["against"])
    with pytest.raises(TypeError):
        ballot.delete()


@pytest.mark.django_db
def test_the_chain_links_each_entry_to_the_previous_one(world):
    estate, vote = _estate_vote(world)
    for unit, choice in zip(estate.units, ["for", "against", "abstain"], strict=False):
        paper(world, vote, unit, choice)
    ballots = list(Ballot.objects.filter(vote=vote).order_by("seq"))
    assert [b.seq for b in ballots] == [1, 2, 3]
    assert ballots[0].prev_hash == ""
    assert ballots[1].prev_hash == ballots[0].hash and ballots[2].prev_hash == ballots[1].hash
    vote.refresh_from_db()
    assert vote.head_hash == ballots[2].hash


@pytest.mark.django_db
def test_verify_ballots_reports_a_changed_row_and_exits_non_zero(world):
    estate, vote = _estate_vote(world)
    for unit in estate.units:
        paper(world, vote, unit, "for")
    vote = finish(world, vote)
    out = io.StringIO()
    call_command("verify-ballots", str(vote.uuid), stdout=out)
    assert out.getvalue().startswith(f"OK {vote.uuid}")

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE voting_ballot SET choice = %s WHERE vote_id = %s AND seq = 2",
            ['["against"]', vote.pk],
        )
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("verify-ballots", str(vote.uuid), stdout=out)
    assert caught.value.returncode == 1
    assert "CHANGED" in out.getvalue()
    assert "entry 2: content does not match its hash" in out.getvalue()
    assert "re-tally differs" in out.getvalue()

    # Through the console command, as an operator runs it: a non-zero exit status.
    from cogov import cli

    with pytest.raises(SystemExit) as exited:
        cli.main(["verify-ballots", str(vote.uuid)])
    assert exited.value.code == 1


@pytest.mark.django_db
def test_rewriting_a_ballot_and_its_hash_still_breaks_the_chain(world):
    estate, vote = _estate_vote(world)
    for unit in estate.units[:3]:
        paper(world, vote, unit, "for")
    first = Ballot.objects.get(vote=vote, seq=1)
    forged = integrity.entry_hash(
        vote=str(vote.uuid),
        seq=1,
        ballot=str(first.id),
        choice=["against"],
        heads=first.heads,
        area=first.area,
        prev="",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE voting_ballot SET choice = %s, hash = %s WHERE vote_id = %s AND seq = 1",
            ['["against"]', forged, vote.pk],
        )
    vote.refresh_from_db()
    problems = integrity.verify(vote).problems
    assert "entry 2: previous-hash link broken" in problems


@pytest.mark.django_db
def test_tally_refuses_a_tampered_log(world):
    estate, vote = _estate_vote(world)
    paper(world, vote, estate.units[0], "for")
    actions.close_vote(actor=world.users["admin"], vote=vote)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE voting_ballot SET area = 999 WHERE vote_id = %s", [vote.pk])
    with pytest.raises(ActionError) as caught:
        actions.tally_vote(actor=world.users["admin"], vote=vote)
    assert caught.value.code == "tampered"


def _rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    text = (
        b"".join(response).decode("utf-8-sig")
        if response.streaming
        else response.content.decode("utf-8-sig")
    )
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_secret_ballot_storage_and_exports_have_no_link(world, client_for):
    estate, vote = _estate_vote(world, secret=True)
    for unit, choice in zip(estate.units, ["for", "against", "for"], strict=False):
        paper(world, vote, unit, choice)
    vote = finish(world, vote)

    for p in Participation.objects.filter(vote=vote):
        assert p.ballot_id is None and p.at is None and p.on is None
    from cogov.core.models import AuditLog

    labels_and_keys = {e.key for e in Elector.objects.filter(vote=vote)}
    assert not [a for a in AuditLog.objects.all() if a.detail.get("elector") in labels_and_keys]
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert not ballot_fields & {"elector", "participation", "created_at", "at", "cast_by"}

    admin = client_for("admin")
    who = _rows(admin.get(f"/voting/{vote.uuid}/participation.csv"))
    what = _rows(admin.get(f"/voting/{vote.uuid}/ballots.csv"))
    assert who[0] == ["elector", "channel", "document_ref"]
    assert len(who) == 4 and len(what) == 4
    ballot_tokens = {cell for row in what[1:] for cell in row}
    participation_tokens = {cell for row in who[1:] for cell in row}
    labels = set(Elector.objects.filter(vote=vote).values_list("label", flat=True))
    ids = {str(b.id) for b in Ballot.objects.filter(vote=vote)}
    hashes = set(Ballot.objects.filter(vote=vote).values_list("hash", flat=True))
    assert not participation_tokens & (ids | hashes | {"1", "2", "3"})
    assert not ballot_tokens & labels
    # The participation list is in name order, not in casting order.
    assert [r[0] for r in who[1:]] == sorted(r[0] for r in who[1:])


@pytest.mark.django_db
def test_open_ballot_links_voter_and_choice(world, client_for):
    estate, vote = _estate_vote(world, secret=False)
    paper(world, vote, estate.units[0], "against")
    p = Participation.objects.get(vote=vote)
    assert p.ballot is not None and p.ballot.choice == ["against"] and p.at is not None
    who = _rows(client_for("admin").get(f"/voting/{vote.uuid}/participation.csv"))
    assert who[1][-1] == "against"
