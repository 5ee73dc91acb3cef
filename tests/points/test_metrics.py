"""The points metrics for a community and a period."""

from __future__ import annotations

from decimal import Decimal

from cogov.core.metrics import Period, compute
from cogov.people.models import Person
from cogov.points import actions
from cogov.points.models import Signup

from .conftest import at, make_activity


def test_metrics(world):
    c1 = world.C1
    residents = Person.objects.filter(grid__path__startswith=c1.path).count()
    activity = make_activity(world, start=at(2026, 3, 1), hours=2, activity_type="cleanup")
    member_person = world.people["G11-1-102-配偶"]  # a party member
    for person in (world.people["G11-1-101-户主"], member_person):
        signup = Signup.objects.create(activity=activity, person=person, status="confirmed")
        actions.confirm_attendance(actor=world.users["community_worker"], signup=signup)
    item = actions.create_item(
        actor=world.users["community_worker"], community=c1, name="杯子", price=Decimal(3), stock=5
    )
    actions.redeem(actor=world.users["resident"], item=item)
    march = Period.month(2026, 3)
    assert compute("points.volunteer_participation_rate", c1, march) == (
        Decimal(2) / residents
    ).quantize(Decimal("0.0001"))
    assert compute("points.hours_per_1000_residents", c1, march) == (
        Decimal(4000) / residents
    ).quantize(Decimal("0.01"))
    assert compute("points.active_party_member_share", c1, march) == Decimal("0.5000")
    assert compute("points.points_issued", c1, march) == Decimal("8.00")
    assert compute("points.points_redeemed", c1, march) == Decimal(
        "0"
    )  # redeemed today, not in March
    assert compute("points.points_issued", world.C2, march) == Decimal("0")
