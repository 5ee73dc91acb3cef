"""The rotating chair: a year's calendar stored as rows; a unit leaving in June changes only the
months from June on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cogov.core.errors import ActionError, NotAllowed
from cogov.organizations import actions
from cogov.organizations.actions.committee import common as committee_common
from cogov.organizations.models import CommitteeUnit, RotationEvent, SlotStatus

YEAR = 2031


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Any:
    box = {"day": dt.date(YEAR - 1, 12, 1)}
    monkeypatch.setattr(committee_common, "_today", lambda: box["day"])
    return box


@pytest.fixture
def committee(world: Any, today: Any) -> Any:
    secretary = world.users["party_secretary"]
    c = actions.create_committee(actor=secretary, organization=world.orgs["committee"])
    for key in ("unit", "property", "socialorg"):  # rotation order A, B, C
        actions.add_unit(
            actor=secretary, committee=c, unit=world.orgs[key], on=dt.date(YEAR - 1, 12, 1)
        )
    return c


def _calendar(c: Any) -> list[tuple[int, str | None]]:
    return [
        (s.starts_on.month, s.unit.name if s.unit else None)
        for s in c.rotation.filter(starts_on__year=YEAR).select_related("unit")
    ]


def test_a_year_of_monthly_turns_in_order(world: Any, committee: Any) -> None:
    actions.generate_rotation(actor=world.users["party_secretary"], committee=committee, year=YEAR)
    a, b, c = (world.orgs[k].name for k in ("unit", "property", "socialorg"))
    assert _calendar(committee) == [(m, [a, b, c][(m - 1) % 3]) for m in range(1, 13)]


def test_unit_leaving_in_june_keeps_the_past_and_recomputes_the_rest(
    world: Any, committee: Any, today: Any
) -> None:
    secretary = world.users["party_secretary"]
    actions.generate_rotation(actor=secretary, committee=committee, year=YEAR)
    before = {s.starts_on.month: (s.pk, s.unit_id) for s in committee.rotation.all()}
    a, b, c = (world.orgs[k].name for k in ("unit", "property", "socialorg"))

    today["day"] = dt.date(YEAR, 6, 1)
    leaving = CommitteeUnit.objects.get(committee=committee, unit=world.orgs["unit"])
    actions.remove_unit(actor=secretary, member_unit=leaving, on=dt.date(YEAR, 6, 1), reason="搬迁")

    after = {s.starts_on.month: (s.pk, s.unit_id) for s in committee.rotation.all()}
    for month in range(1, 6):  # January to May: the same rows, the same chairs (A chaired Jan, Apr)
        assert after[month] == before[month]
    assert _calendar(committee)[:5] == [(1, a), (2, b), (3, c), (4, a), (5, b)]
    # From June the order continues after May's chair without the unit that left.
    assert _calendar(committee)[5:] == [(6, c), (7, b), (8, c), (9, b), (10, c), (11, b), (12, c)]
    assert set(after) == set(before)  # recomputed in place, not recreated


def test_opting_out_skips_the_unit_from_that_date(world: Any, committee: Any, today: Any) -> None:
    secretary = world.users["party_secretary"]
    actions.generate_rotation(actor=secretary, committee=committee, year=YEAR)
    today["day"] = dt.date(YEAR, 3, 10)
    mine = CommitteeUnit.objects.get(committee=committee, unit=world.orgs["property"])
    # The unit's own liaison may not; its staff persona (org_staff of the property company) may.
    actions.set_in_rotation(
        actor=world.users["org_staff"], member_unit=mine, in_rotation=False, on=dt.date(YEAR, 4, 1)
    )
    names = [name for _m, name in _calendar(committee)]
    assert names[1] == world.orgs["property"].name  # February stays
    assert world.orgs["property"].name not in names[3:]


def test_started_periods_never_change(world: Any, committee: Any, today: Any) -> None:
    secretary = world.users["party_secretary"]
    actions.generate_rotation(actor=secretary, committee=committee, year=YEAR)
    today["day"] = dt.date(YEAR, 8, 15)
    leaving = CommitteeUnit.objects.get(committee=committee, unit=world.orgs["unit"])
    # Recorded late: the unit left in June, but June and July have already been chaired.
    actions.remove_unit(actor=secretary, member_unit=leaving, on=dt.date(YEAR, 6, 1))
    cal = dict(_calendar(committee))
    assert cal[7] == world.orgs["unit"].name  # July started before the change was recorded
    assert world.orgs["unit"].name not in [cal[m] for m in range(9, 13)]


def test_hand_over_activates_the_next_chair_and_writes_events(
    world: Any, committee: Any, today: Any
) -> None:
    actions.generate_rotation(actor=world.users["party_secretary"], committee=committee, year=YEAR)
    jan, feb = list(committee.rotation.order_by("starts_on")[:2])
    liaison = world.users["unit_liaison"]  # liaison of 区人民医院, January's chair
    actions.set_activity_plan(actor=liaison, slot=jan, plan="划停车位 46 个")
    actions.start_chair(actor=liaison, slot=jan)
    with pytest.raises(NotAllowed):
        actions.hand_over(actor=world.users["social_worker"], slot=jan, summary="x")
    actions.hand_over(actor=liaison, slot=jan, summary="完成")
    jan.refresh_from_db()
    feb.refresh_from_db()
    assert (jan.status, feb.status) == (SlotStatus.HANDED_OVER, SlotStatus.ACTIVE)
    assert list(RotationEvent.objects.filter(subject=jan).values_list("to_status", flat=True)) == [
        "active",
        "handed_over",
    ]
    with pytest.raises(ActionError):
        actions.set_activity_plan(actor=liaison, slot=jan, plan="late")


def test_rotation_period_is_policy(world: Any, committee: Any) -> None:
    from cogov.core.models import Policy

    Policy.objects.create(
        kind="organizations.joint_committee",
        node=world.nodes["C1"],
        effective_from=dt.date(2000, 1, 1),
        value={"rotation_period": "quarter"},
    )
    slots = actions.generate_rotation(
        actor=world.users["party_secretary"], committee=committee, year=YEAR
    )
    assert [s.starts_on.month for s in slots] == [1, 4, 7, 10]
    assert slots[-1].ends_on == dt.date(YEAR + 1, 1, 1)
