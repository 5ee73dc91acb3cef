"""Page flows (forms posted as a browser would), the certificate API, concurrent sign-ups and
the calendar's query count."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cogov.points import actions
from cogov.points.models import Account, Activity, RedemptionStatus, Signup, SignupStatus

from .conftest import at, credit, make_activity, make_volunteer


def test_new_activity_page(world, client_for):
    client = client_for("community_worker")
    assert client.get("/points/activities/new/").status_code == 200
    start = timezone.localtime() + dt.timedelta(days=3)
    response = client.post(
        "/points/activities/new/",
        {
            "community": world.C1.uuid,
            "title": "植树",
            "activity_type": "cleanup",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "8",
        },
    )
    activity = Activity.objects.get(title="植树")
    assert response.status_code == 302 and activity.capacity == 8
    assert client_for("resident").get("/points/activities/new/").status_code == 404


def test_check_in_and_out_through_the_page(world, client_for, monkeypatch):
    start = timezone.now() - dt.timedelta(minutes=5)
    activity = make_activity(world, start=start, hours=1, activity_type="cleanup")
    client = client_for("resident")
    client.post(f"/points/activities/{activity.uuid}/sign-up/")
    signup = activity.signups.get()
    staff = world.users["community_worker"]
    code, _ = actions.current_code(actor=staff, activity=activity, purpose="in")
    client.post(
        f"/points/activities/{activity.uuid}/check-in/", {"signup": signup.uuid, "code": code}
    )
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=58))
    code, _ = actions.current_code(actor=staff, activity=activity, purpose="out")
    client.post(
        f"/points/activities/{activity.uuid}/check-out/", {"signup": signup.uuid, "code": code}
    )
    signup.refresh_from_db()
    assert signup.hours == Decimal("0.50")
    assert Account.objects.get(person=signup.person, kind="points").balance == Decimal("4.00")


def test_staff_confirm_through_the_page(world, client_for):
    volunteer = make_volunteer(world, "无手机")
    activity = make_activity(world, start=at(2026, 4, 1))
    signup = Signup.objects.create(activity=activity, person=volunteer.person, status="confirmed")
    client_for("community_worker").post(
        f"/points/activities/{activity.uuid}/confirm/", {"signup": signup.uuid, "hours": "2"}
    )
    signup.refresh_from_db()
    assert signup.hours == Decimal("2.00")
    # Another resident cannot reach the sign-up at all.
    other = make_activity(world, start=at(2026, 4, 2))
    theirs = Signup.objects.create(activity=other, person=volunteer.person, status="confirmed")
    response = client_for("resident").post(
        f"/points/activities/{other.uuid}/confirm/", {"signup": theirs.uuid}
    )
    assert response.status_code == 404


def test_shop_page_redeem_pickup_and_opt_in(world, client_for):
    credit(world.people["G11-1-101-户主"], world.C1, 30)
    item = actions.create_item(
        actor=world.users["community_worker"],
        community=world.C1,
        name="毛巾",
        price=Decimal(12),
        stock=3,
    )
    resident = client_for("resident")
    resident.post("/points/shop/", {"do": "redeem", "item": item.uuid})
    redemption = item.redemptions.get()
    staff = client_for("community_worker")
    assert "毛巾" in staff.get("/points/shop/").content.decode()
    staff.post("/points/shop/", {"do": "pickup", "redemption": redemption.uuid})
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.PICKED_UP
    account = Account.objects.get(person__user=world.users["resident"], kind="points")
    resident.post("/points/", {"account": account.uuid, "opt_in": "1"})
    account.refresh_from_db()
    assert account.balance == Decimal("18.00") and account.leaderboard_opt_in


def test_certificate_api(world, api_for):
    person = world.people["G11-1-101-户主"]
    activity = make_activity(world, start=at(2026, 4, 1))
    signup = Signup.objects.create(activity=activity, person=person, status="confirmed")
    actions.confirm_attendance(actor=world.users["community_worker"], signup=signup)
    body = {"community": world.C1.uuid, "start": "2026-04-01", "end": "2026-04-30"}
    issued = api_for("resident").post("certificates", body)
    assert issued.status_code == 200, issued.content
    data = issued.json()
    assert data["hours"] == "2.00" and data["id_number"] == person.masked_id_number
    assert data["id_number"] != person.id_number
    assert api_for("owner").get(f"certificates/{data['uuid']}").status_code == 404
    assert api_for("community_worker").get(f"certificates/{data['uuid']}").status_code == 200
    empty = api_for("resident").post(
        "certificates", {**body, "start": "2025-01-01", "end": "2025-01-31"}
    )
    assert empty.status_code == 400 and empty.json()["code"] == "empty"


def test_calendar_query_count_does_not_grow(world, api_for):
    start = timezone.now() + dt.timedelta(days=1)
    month = timezone.localdate(start).strftime("%Y-%m")
    api = api_for("resident")
    make_activity(world, start=start)
    api.get("activities", month=month)  # warm up (sessions, reach)
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("activities", month=month).json()) == 1
    for n in range(5):
        make_activity(world, start=start + dt.timedelta(hours=n), title=f"活动{n}")
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("activities", month=month).json()) == 6
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_exceed_the_places(world):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises all writers; run with DATABASE_URL=postgres://…"
        )
    activity = make_activity(world, capacity=5)
    users = [make_volunteer(world, f"抢位{n:02d}") for n in range(30)]
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def run(user):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            actions.sign_up(actor=user, activity=activity)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    statuses = list(activity.signups.values_list("status", flat=True))
    assert statuses.count(SignupStatus.CONFIRMED) == 5
    assert statuses.count(SignupStatus.WAITLISTED) == 25
