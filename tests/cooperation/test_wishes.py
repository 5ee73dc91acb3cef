"""Micro-wishes: one claimant wins a race, an expired hold returns the wish to the list,
the beneficiary's identity is shown only to the claimant holding the lock (and to staff)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from cogov.cooperation import actions
from cogov.cooperation.models import Wish, WishEvent, WishLock, WishStatus
from cogov.core import deadlines
from cogov.core.errors import ActionError


def published_wish(w, value: str = "80") -> Wish:
    grid_worker = w.users["grid_worker"]
    beneficiary = w.people["G11-1-102-户主"]
    wish = actions.submit_wish(
        actor=grid_worker, beneficiary=beneficiary, title="一台电风扇", value=value
    )
    actions.verify_wish(
        actor=grid_worker, wish=wish, approved=True, visit_note="入户核实，独居老人"
    )
    actions.publish_wish(actor=grid_worker, wish=wish)
    return wish


@pytest.mark.django_db
def test_second_claimant_is_told(world, client_for):
    wish = published_wish(world)
    actions.claim_wish(actor=world.users["volunteer"], wish=wish)
    answer = client_for("party_member").post(
        f"/api/cooperation/wishes/{wish.uuid}/claim", {}, content_type="application/json"
    )
    assert answer.status_code == 409 and answer.json()["code"] == "taken"
    wish.refresh_from_db()
    assert wish.claimant == world.users["volunteer"]


@pytest.mark.django_db(transaction=True)
def test_two_claimants_at_the_same_moment_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so there is no race to lose; run on PostgreSQL")
    wish = published_wish(world)
    claimants = [world.users["volunteer"], world.users["party_member"]]
    barrier = threading.Barrier(len(claimants))
    outcomes: dict[str, str] = {}

    def claim(user) -> None:  # type: ignore[no-untyped-def]
        from django.db import connection as conn

        try:
            barrier.wait(timeout=10)
            actions.claim_wish(actor=user, wish=Wish.objects.get(pk=wish.pk))
            outcomes[user.username] = "won"
        except ActionError as exc:
            outcomes[user.username] = exc.code
        finally:
            conn.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in claimants]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["taken", "won"], outcomes
    wish.refresh_from_db()
    winner = next(name for name, result in outcomes.items() if result == "won")
    assert wish.status == WishStatus.CLAIMED and wish.claimant.username == winner
    assert WishEvent.objects.filter(subject=wish, to_status="claimed").count() == 1


@pytest.mark.django_db
def test_expired_hold_returns_to_the_list(world):
    wish = published_wish(world)
    t0 = timezone.now()
    actions.claim_wish(actor=world.users["volunteer"], wish=wish, now=t0)
    assert not Wish.objects.filter(pk=wish.pk).on_the_list(t0 + dt.timedelta(hours=47)).exists()
    later = t0 + dt.timedelta(hours=48, minutes=1)
    assert Wish.objects.filter(pk=wish.pk).on_the_list(later).exists()  # lazily, before any sweep
    # the claimant can no longer deliver
    with pytest.raises(ActionError):
        actions.fulfil_wish(actor=world.users["volunteer"], wish=wish, evidence="photo", now=later)
    # the core deadline sweep writes the release
    assert deadlines.sweep(now=later) == 1
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED and wish.claimant is None
    assert WishLock.objects.get(pk=wish.pk).holder is None
    assert actions.release_expired_claims(now=later) == 0  # idempotent
    # someone else takes it
    actions.claim_wish(actor=world.users["party_member"], wish=wish, now=later)
    wish.refresh_from_db()
    assert wish.claimant == world.users["party_member"]


@pytest.mark.django_db
def test_expired_hold_is_taken_over_without_a_sweep(world):
    wish = published_wish(world)
    t0 = timezone.now()
    actions.claim_wish(actor=world.users["volunteer"], wish=wish, now=t0)
    later = t0 + dt.timedelta(hours=49)
    actions.claim_wish(actor=world.users["party_member"], wish=wish, now=later)
    wish.refresh_from_db()
    assert wish.claimant == world.users["party_member"] and wish.status == WishStatus.CLAIMED
    moves = list(WishEvent.objects.filter(subject=wish).values_list("to_status", flat=True))
    assert moves[-3:] == ["claimed", "published", "claimed"]


@pytest.mark.django_db
def test_identity_hidden_until_locked(world, client_for):
    wish = published_wish(world)
    name = world.people["G11-1-102-户主"].name
    url = f"/api/cooperation/wishes/{wish.uuid}"
    volunteer, party_member = client_for("volunteer"), client_for("party_member")
    assert volunteer.get(url).json()["beneficiary"] is None
    page = volunteer.get(f"/cooperation/wishes/{wish.uuid}/").content.decode()
    assert name not in page and wish.pseudonym in page
    assert client_for("grid_worker").get(url).json()["beneficiary"]["name"] == name  # staff
    assert volunteer.post(f"/cooperation/wishes/{wish.uuid}/claim/").status_code == 302
    assert volunteer.get(url).json()["beneficiary"]["name"] == name
    assert name in volunteer.get(f"/cooperation/wishes/{wish.uuid}/").content.decode()
    assert party_member.get(url).json()["beneficiary"] is None
    assert name not in party_member.get(f"/cooperation/wishes/{wish.uuid}/").content.decode()
    # the published list never carries the name
    assert name not in str(client_for("resident").get("/api/cooperation/wishes").json())


@pytest.mark.django_db
def test_delivery_and_acknowledgement(world):
    wish = published_wish(world)
    actions.claim_wish(actor=world.users["volunteer"], wish=wish)
    actions.fulfil_wish(actor=world.users["volunteer"], wish=wish, evidence=["delivery-photo.jpg"])
    actions.acknowledge_wish(actor=world.users["grid_worker"], wish=wish, note="老人已收到")
    wish.refresh_from_db()
    assert wish.status == WishStatus.ACKNOWLEDGED and wish.evidence == ["delivery-photo.jpg"]
    assert actions.release_expired_claims(now=timezone.now() + dt.timedelta(days=30)) == 0


@pytest.mark.django_db
def test_value_cap_is_policy(world):
    from cogov.core.actions import set_policy

    with pytest.raises(ActionError) as exc:
        published_wish(world, value="500")
    assert exc.value.code == "over_cap"
    set_policy(
        actor=world.users["admin"],
        kind="cooperation.micro_wishes",
        node=world.nodes["C1"],
        value={"value_cap": "600", "claim_hours": 24},
        effective_from=timezone.localdate(),
    )
    wish = published_wish(world, value="500")
    assert wish.value == Decimal("500.00")
    t0 = timezone.now()
    actions.claim_wish(actor=world.users["volunteer"], wish=wish, now=t0)
    assert WishLock.objects.get(pk=wish.pk).expires_at == t0 + dt.timedelta(hours=24)
