"""Activities: waiting list and promotion, rotating codes, hours, caps, certificates, export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cogov.core.actions import set_policy
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import Notification
from cogov.points import actions, codes
from cogov.points.models import Account, AccountKind, Entry, SignupEvent, SignupStatus
from cogov.points.policy_kinds import TIME_BANK, VOLUNTEER

from .conftest import at, make_activity, make_volunteer


def test_waiting_list_and_promotion_in_order(world):
    activity = make_activity(world, capacity=2)
    a, b, c, d = (make_volunteer(world, f"v{n}") for n in range(4))
    sa = actions.sign_up(actor=a, activity=activity)
    actions.sign_up(actor=b, activity=activity)
    sc = actions.sign_up(actor=c, activity=activity)
    sd = actions.sign_up(actor=d, activity=activity)
    assert sa.status == SignupStatus.CONFIRMED
    assert (sc.status, sd.status) == (SignupStatus.WAITLISTED, SignupStatus.WAITLISTED)
    with pytest.raises(ActionError):
        actions.sign_up(actor=a, activity=activity)

    promoted = actions.cancel_signup(actor=a, signup=sa)
    assert promoted is not None and promoted.pk == sc.pk  # first come, first promoted
    sc.refresh_from_db()
    sd.refresh_from_db()
    assert sc.status == SignupStatus.CONFIRMED and sd.status == SignupStatus.WAITLISTED
    assert Notification.objects.filter(recipient=c, kind="points.promoted").exists()
    assert SignupEvent.objects.filter(subject=sc, kind="promoted").exists()
    # A waiting-list cancellation promotes nobody.
    assert actions.cancel_signup(actor=d, signup=sd) is None
    # Someone else's sign-up is not yours to cancel.
    with pytest.raises(NotAllowed):
        actions.cancel_signup(actor=b, signup=sc)


def test_rotating_code_changes_with_the_window_and_accepts_the_previous_one():
    secret = "ab" * 32
    t0 = dt.datetime(2026, 5, 1, 9, 0, 0, tzinfo=dt.UTC)
    code, left = codes.current_code(secret, "in", t0, 30)
    assert len(code) == 6 and left == 30
    assert codes.check_code(
        secret, "in", code, t0 + dt.timedelta(seconds=45), 30
    )  # previous window
    assert not codes.check_code(secret, "in", code, t0 + dt.timedelta(seconds=65), 30)
    assert not codes.check_code(secret, "out", code, t0, 30)  # check-out has its own code
    later = {
        codes.current_code(secret, "in", t0 + dt.timedelta(seconds=30 * k), 30)[0] for k in range(5)
    }
    assert len(later) > 1  # the code rotates
    assert not codes.check_code(secret, "in", "12345", t0, 30)
    assert not codes.check_code("cd" * 32, "in", code, t0, 30)


def test_check_in_and_out_by_code_award_points_and_hours(world, monkeypatch):
    start = timezone.now() - dt.timedelta(minutes=10)
    activity = make_activity(world, start=start, hours=3, activity_type="patrol")
    volunteer = make_volunteer(world, "巡逻员")
    signup = actions.sign_up(actor=volunteer, activity=activity)
    with pytest.raises(ActionError) as err:
        actions.check_in(actor=volunteer, signup=signup, code="000000")
    assert err.value.code == "bad_code"
    code, _ = actions.current_code(
        actor=world.users["community_worker"], activity=activity, purpose="in"
    )
    with pytest.raises(NotAllowed):
        actions.current_code(actor=volunteer, activity=activity, purpose="in")
    actions.check_in(actor=volunteer, signup=signup, code=code)
    later = start + dt.timedelta(hours=2, minutes=50)
    monkeypatch.setattr(timezone, "now", lambda: later)
    out_code, _ = actions.current_code(
        actor=world.users["community_worker"], activity=activity, purpose="out"
    )
    actions.check_out(actor=volunteer, signup=signup, code=out_code)
    signup.refresh_from_db()
    # 2 h 40 min served (checked in at real now ≈ start + 10 min), rounded down to 30 minutes.
    assert signup.hours == Decimal("2.50")
    points = Account.objects.get(person__user=volunteer, kind=AccountKind.POINTS)
    time = Account.objects.get(person__user=volunteer, kind=AccountKind.TIME)
    assert points.balance == Decimal("5.00")  # patrol: 2 points an hour
    assert time.balance == Decimal("2.00")  # time bank: daily cap of 2 units


def _set(world, key, value, when=dt.date(2020, 1, 1)):
    set_policy(
        actor=world.users["admin"], kind=key, node=world.C1, value=value, effective_from=when
    )


def test_daily_and_yearly_caps(world):
    _set(
        world,
        VOLUNTEER,
        {
            "activity_types": [{"code": "cleanup", "label": "清洁", "points_per_activity": "4"}],
            "daily_cap": "6",
            "yearly_cap": "10",
        },
    )
    volunteer = make_volunteer(world, "勤快人")
    day1 = at(2026, 3, 2)
    first = make_activity(world, start=day1, activity_type="cleanup", title="一")
    second = make_activity(
        world, start=day1 + dt.timedelta(hours=3), activity_type="cleanup", title="二"
    )
    third = make_activity(world, start=at(2026, 3, 3), activity_type="cleanup", title="三")
    fourth = make_activity(world, start=at(2026, 3, 4), activity_type="cleanup", title="四")
    # Sign-ups close when an activity has ended, so these run "before" each one.
    for activity in (first, second, third, fourth):
        _attend_past(world, volunteer, activity)
    amounts = list(
        Entry.objects.filter(account__person__user=volunteer, account__kind="points")
        .order_by("seq")
        .values_list("amount", flat=True)
    )
    # 4, then 2 (daily cap 6), then 4 (yearly total 10), then 0 (yearly cap reached)
    assert amounts == [Decimal("4.00"), Decimal("2.00"), Decimal("4.00"), Decimal("0.00")]
    capped = Entry.objects.filter(
        account__person__user=volunteer, account__kind="points", seq=2
    ).get()
    assert capped.evidence["uncapped"] == "4.00"


def _attend_past(world, user, activity):
    from cogov.points.models import Signup

    signup = Signup.objects.create(activity=activity, person=user.person, status="confirmed")
    return actions.confirm_attendance(actor=world.users["community_worker"], signup=signup)


def test_time_bank_daily_and_lifetime_caps(world):
    _set(world, TIME_BANK, {"daily_cap": "3", "lifetime_cap": "5"})
    volunteer = make_volunteer(world, "时间储户")
    _attend_past(world, volunteer, make_activity(world, start=at(2026, 4, 1), hours=4))
    _attend_past(world, volunteer, make_activity(world, start=at(2026, 4, 1, 14), hours=2))
    _attend_past(world, volunteer, make_activity(world, start=at(2026, 4, 2), hours=4))
    amounts = list(
        Entry.objects.filter(account__person__user=volunteer, account__kind="time")
        .order_by("seq")
        .values_list("amount", flat=True)
    )
    assert amounts == [Decimal("3.00"), Decimal("0.00"), Decimal("2.00")]  # daily 3; lifetime 5


def test_staff_confirmation_is_limited_to_the_activity_time(world):
    volunteer = make_volunteer(world, "老人")
    activity = make_activity(world, start=at(2026, 4, 1), hours=2)
    from cogov.points.models import Signup

    signup = Signup.objects.create(activity=activity, person=volunteer.person, status="confirmed")
    with pytest.raises(ActionError):
        actions.confirm_attendance(
            actor=world.users["community_worker"], signup=signup, hours=Decimal(3)
        )
    with pytest.raises(NotAllowed):
        actions.confirm_attendance(actor=volunteer, signup=signup)
    actions.confirm_attendance(
        actor=world.users["community_worker"], signup=signup, hours=Decimal("1.5")
    )
    signup.refresh_from_db()
    assert (
        signup.hours == Decimal("1.50") and signup.confirmed_by == world.users["community_worker"]
    )


def test_certificate_has_the_regulation_fields(world, client_for):
    volunteer = make_volunteer(world, "证明人", household_key="G11-1-101")
    _attend_past(
        world, volunteer, make_activity(world, start=at(2026, 4, 1), hours=2, title="助老")
    )
    _attend_past(
        world, volunteer, make_activity(world, start=at(2026, 5, 1), hours=3, title="清洁")
    )
    cert = actions.issue_certificate(
        actor=volunteer,
        person=volunteer.person,
        community=world.C1,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )
    assert cert.hours == Decimal("5.00") and len(cert.content) == 2
    assert cert.issuer_name == "幸福社区居民委员会"
    with pytest.raises(NotAllowed):
        actions.issue_certificate(
            actor=world.users["resident"],
            person=volunteer.person,
            community=world.C1,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
        )
    from django.test import Client

    client = Client()
    client.force_login(volunteer)
    page = client.get(f"/points/certificates/{cert.uuid}/").content.decode()
    for text in (
        "证明人",
        cert.number,
        "5.00",
        "2026-01-01",
        "2026-12-31",
        "助老",
        "幸福社区居民委员会",
    ):
        assert text in page
    assert client_for("resident").get(f"/points/certificates/{cert.uuid}/").status_code == 404
    assert (
        client_for("community_worker").get(f"/points/certificates/{cert.uuid}/").status_code == 200
    )


def test_certificate_masks_the_identity_number(world):
    person = world.people["G11-1-101-户主"]  # the resident persona, with an identity number
    activity = make_activity(world, start=at(2026, 4, 1))
    from cogov.points.models import Signup

    signup = Signup.objects.create(activity=activity, person=person, status="confirmed")
    actions.confirm_attendance(actor=world.users["community_worker"], signup=signup)
    cert = actions.issue_certificate(
        actor=world.users["resident"],
        person=person,
        community=world.C1,
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 4, 30),
    )
    from django.test import Client

    client = Client()
    client.force_login(world.users["resident"])
    page = client.get(f"/points/certificates/{cert.uuid}/").content.decode()
    assert person.masked_id_number in page and person.id_number not in page


def test_export_csv_has_a_bom_and_xlsx_opens(world, client_for):
    import io

    import openpyxl

    volunteer = make_volunteer(world, "导出人")
    activity = make_activity(world, start=at(2026, 4, 1))
    _attend_past(world, volunteer, activity)
    client = client_for("community_worker")
    csv = client.get(f"/points/activities/{activity.uuid}/export/")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert "导出人" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"/points/activities/{activity.uuid}/export/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert any(row[0] == "导出人" for row in sheet.iter_rows(values_only=True))
    assert (
        client_for("resident").get(f"/points/activities/{activity.uuid}/export/").status_code == 404
    )
