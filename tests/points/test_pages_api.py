"""Pages and the REST API: scoping (404 for others' objects), the leaderboard opt-in, flows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cogov.points import actions
from cogov.points.models import Account, SignupStatus

from .conftest import at, credit, make_activity, make_volunteer


def test_pages_render_for_a_resident(world, client_for):
    activity = make_activity(world)
    client = client_for("resident")
    credit(world.people["G11-1-101-户主"], world.C1, 7)
    for url in (
        "/points/",
        "/points/activities/",
        f"/points/activities/{activity.uuid}/",
        "/points/shop/",
        "/points/leaderboard/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "7.00" in client.get("/points/").content.decode()
    month = timezone.localdate(activity.starts_at).strftime("%Y-%m")
    assert activity.title in client.get(f"/points/activities/?month={month}").content.decode()


def test_activities_of_other_communities_are_404(world, client_for):
    activity = make_activity(world)
    assert (
        client_for("community_worker_c2").get(f"/points/activities/{activity.uuid}/").status_code
        == 404
    )
    assert client_for("outsider").get(f"/points/activities/{activity.uuid}/").status_code == 404
    api = client_for("outsider")
    assert api.get(f"/api/points/activities/{activity.uuid}").status_code == 404


def test_sign_up_and_cancel_through_the_page(world, client_for):
    activity = make_activity(world, capacity=1)
    client = client_for("resident")
    client.post(f"/points/activities/{activity.uuid}/sign-up/")
    signup = activity.signups.get()
    assert signup.status == SignupStatus.CONFIRMED
    client.post(f"/points/activities/{activity.uuid}/cancel/", {"signup": signup.uuid})
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CANCELLED


def test_code_screen_only_for_organizers(world, client_for):
    activity = make_activity(world)
    assert (
        client_for("community_worker").get(f"/points/activities/{activity.uuid}/code/").status_code
        == 200
    )
    assert (
        client_for("resident").get(f"/points/activities/{activity.uuid}/code/").status_code == 404
    )


def test_leaderboard_shows_only_those_who_opted_in(world, client_for, api_for):
    shy = make_volunteer(world, "害羞者")
    proud = make_volunteer(world, "展示者")
    credit(shy.person, world.C1, 1)
    for user in (shy, proud):
        activity = make_activity(
            world, start=timezone.now() - dt.timedelta(hours=3), activity_type="cleanup"
        )
        from cogov.points.models import Signup

        signup = Signup.objects.create(activity=activity, person=user.person, status="confirmed")
        actions.confirm_attendance(actor=world.users["community_worker"], signup=signup)
    account = Account.objects.get(person__user=proud, kind="points")
    response = api_for(proud).post(f"accounts/{account.uuid}/leaderboard", {"opt_in": True})
    assert response.status_code == 200 and response.json()["leaderboard_opt_in"] is True
    page = client_for("resident").get("/points/leaderboard/").content.decode()
    assert "展示者" in page and "害羞者" not in page
    rows = api_for("resident").get(f"leaderboard/{world.C1.uuid}").json()
    assert [r["name"] for r in rows] == ["展示者"]
    # Nobody else may switch it for them.
    shy_account = Account.objects.get(person__user=shy, kind="points")
    assert (
        api_for("resident")
        .post(f"accounts/{shy_account.uuid}/leaderboard", {"opt_in": True})
        .status_code
        == 404
    )
    assert (
        api_for("community_worker")
        .post(f"accounts/{shy_account.uuid}/leaderboard", {"opt_in": True})
        .status_code
        == 403
    )


def test_api_flow_redeem_and_pickup(world, api_for):
    credit(world.people["G11-1-101-户主"], world.C1, 30)
    created = api_for("community_worker").post(
        "shop/items", {"community": world.C1.uuid, "name": "大米", "price": "20", "stock": 1}
    )
    assert created.status_code == 200, created.content
    item = created.json()["uuid"]
    redeemed = api_for("resident").post(f"shop/items/{item}/redeem")
    assert redeemed.status_code == 200, redeemed.content
    again = api_for("resident").post(f"shop/items/{item}/redeem")
    assert again.status_code == 400 and again.json()["code"] == "out_of_stock"
    uuid = redeemed.json()["uuid"]
    assert api_for("resident").post(f"shop/redemptions/{uuid}/pickup").status_code == 403
    assert (
        api_for("community_worker").post(f"shop/redemptions/{uuid}/pickup").json()["status"]
        == "picked_up"
    )
    accounts = api_for("resident").get("accounts").json()
    assert [a["balance"] for a in accounts if a["kind"] == "points"] == ["10.00"]
    entries = api_for("resident").get(f"accounts/{accounts[0]['uuid']}/entries").json()
    assert [e["kind"] for e in entries] == ["spend", "earn"]
    assert api_for("owner").get(f"accounts/{accounts[0]['uuid']}/entries").status_code == 404


def test_api_activity_flow_with_staff_confirmation(world, api_for):
    start = at(2030, 6, 1)
    created = api_for("community_worker").post(
        "activities",
        {
            "community": world.C1.uuid,
            "title": "河道清理",
            "activity_type": "cleanup",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
            "capacity": 1,
        },
    )
    assert created.status_code == 200, created.content
    uuid = created.json()["uuid"]
    first = api_for("resident").post(f"activities/{uuid}/signup").json()
    second = api_for("owner").post(f"activities/{uuid}/signup").json()
    assert (first["status"], second["status"]) == ("confirmed", "waitlisted")
    cancelled = api_for("resident").post(f"signups/{first['uuid']}/cancel").json()
    assert cancelled["promoted"] == second["uuid"]
    assert api_for("resident").post(f"signups/{second['uuid']}/confirm", {}).status_code == 404
    confirmed = api_for("community_worker").post(
        f"signups/{second['uuid']}/confirm", {"hours": "1.5"}
    )
    assert confirmed.json()["hours"] == "1.50"
    code = api_for("community_worker").get(f"activities/{uuid}/code", purpose="in").json()
    assert len(code["code"]) == 6
    assert api_for("owner").get(f"activities/{uuid}/code").status_code == 403


def test_party_score_api_and_page(world, api_for, client_for):
    from cogov.people.models import PartyMember

    member = PartyMember.objects.get(person__user=world.users["party_member"])
    year = timezone.localdate().year
    claimed = api_for("community_worker").post(
        f"party/{member.uuid}/records", {"code": "meeting", "occurred_on": f"{year}-01-10"}
    )
    assert claimed.json()["status"] == "approved"
    score = api_for("party_member").get(f"party/{member.uuid}/score", year=year).json()
    assert score["total"] == "21.00"  # default scheme: base 20 + meeting 1
    assert score["items"][0]["evidence"][0]["kind"] == "record"
    assert api_for("resident").get(f"party/{member.uuid}/score").status_code == 404
    assert "21.00" in client_for("party_member").get("/points/party/").content.decode()


def test_adjust_and_reverse_through_the_api(world, api_for):
    account = credit(world.people["G11-1-101-户主"], world.C1, 5)
    adjusted = api_for("community_worker").post(
        f"accounts/{account.uuid}/adjust", {"amount": "-2", "reason": "多记"}
    )
    assert adjusted.json()["balance_after"] == "3.00"
    reversed_ = api_for("community_worker").post(
        f"entries/{adjusted.json()['uuid']}/reverse", {"reason": "撤销调整"}
    )
    assert reversed_.json()["amount"] == "2.00"
    assert (
        api_for("resident")
        .post(f"accounts/{account.uuid}/adjust", {"amount": "100", "reason": "x"})
        .status_code
        == 403
    )
    account.refresh_from_db()
    assert account.balance == Decimal("5.00")
