"""The scheduler: obligations per community × item × period, idempotent, due dates on the
working-day calendar, triggers, the command and the worker's tick."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cogov.core import deadlines
from cogov.core.actions import set_policy
from cogov.core.calendar import WorkCalendar
from cogov.core.errors import ActionError
from cogov.core.models import Deadline
from cogov.disclosure import actions, scheduling
from cogov.disclosure.models import Obligation, ScheduleRun
from cogov.disclosure.policy_kinds import CATALOGUE, DEFAULT_ITEMS, Catalogue, CatalogueItem

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_schedule_creates_each_period_once(world: Any) -> None:
    first = scheduling.schedule(dt.date(2026, 11, 22))
    assert first.communities == 3
    # default look-back: previous and current period of each periodic item
    keys = set(
        Obligation.objects.filter(
            community=world.nodes["C1"], item_code="working_funds"
        ).values_list("period_key", flat=True)
    )
    assert keys == {"2026-Q3", "2026-Q4"}
    monthly = set(
        Obligation.objects.filter(community=world.nodes["C2"], item_code="low_income").values_list(
            "period_key", flat=True
        )
    )
    assert monthly == {"2026-10", "2026-11"}
    assert first.created == Obligation.objects.count() > 0
    again = scheduling.schedule(dt.date(2026, 11, 22))
    assert again.created == 0
    assert Obligation.objects.count() == first.created
    assert ScheduleRun.objects.count() == 2


def test_since_backfills_a_year_without_duplicates(world: Any) -> None:
    scheduling.schedule(dt.date(2026, 11, 22))
    scheduling.schedule(dt.date(2026, 11, 22), since=dt.date(2026, 1, 1))
    keys = sorted(
        Obligation.objects.filter(community=world.nodes["C1"], item_code="low_income").values_list(
            "period_key", flat=True
        )
    )
    assert keys == [f"2026-{m:02d}" for m in range(1, 12)]
    # December has not begun: no obligation for it yet
    assert not Obligation.objects.filter(period_key="2026-12").exists()


def test_due_date_counts_working_days_over_the_national_day_holiday(world: Any) -> None:
    scheduling.schedule(dt.date(2026, 10, 1))
    q3 = Obligation.objects.get(
        community=world.nodes["C1"], item_code="working_funds", period_key="2026-Q3"
    )
    # Q3 ends Wed 30 Sep; 1–7 Oct are days off, Sat 10 Oct is a make-up working day:
    # 8, 9, 10, 12, 13, 14, 15, 16, 19, 20 Oct → the 10th working day is Tue 20 Oct.
    assert q3.due_on == dt.date(2026, 10, 20)
    assert q3.basis["working_days"] == 10
    # weekends alone would have said 14 Oct
    assert q3.due_on != dt.date(2026, 10, 14)


def test_due_date_follows_the_holiday_policy(world: Any) -> None:
    """A community's holiday schedule (calendar.holidays) moves the due date."""
    set_policy(
        actor=world.users["admin"],
        kind="calendar.holidays",
        node=None,
        value={"years": {"2031": {"holidays": ["2031-04-01", "2031-04-02"], "workdays": []}}},
        effective_from=dt.date(2020, 1, 1),
    )
    item = CatalogueItem.model_validate(next(i for i in DEFAULT_ITEMS if i["code"] == "low_income"))
    span = scheduling.period_of("monthly", dt.date(2031, 3, 5))
    due = scheduling.due_date(item, span, WorkCalendar(world.nodes["C1"]))
    # March ends Mon 31 Mar; 1–2 Apr off; 3, 4, 7, 8, 9 Apr → 5th working day Wed 9 Apr
    assert due == dt.date(2031, 4, 9)


def test_a_local_catalogue_overrides_the_default(world: Any) -> None:
    value = Catalogue.model_validate(
        {"items": [i for i in DEFAULT_ITEMS if i["code"] == "working_funds"]}
    ).model_dump(mode="json")
    value["items"][0]["deadline_working_days"] = 3
    set_policy(
        actor=world.users["street_official"],
        kind=CATALOGUE,
        node=world.nodes["S1"],
        value=value,
        effective_from=dt.date(2026, 1, 1),
    )
    scheduling.schedule(dt.date(2026, 10, 1))
    c1 = set(
        Obligation.objects.filter(community=world.nodes["C1"]).values_list("item_code", flat=True)
    )
    c3 = set(
        Obligation.objects.filter(community=world.nodes["C3"]).values_list("item_code", flat=True)
    )
    assert c1 == {"working_funds"}
    assert "low_income" in c3
    q3 = Obligation.objects.get(community=world.nodes["C1"], period_key="2026-Q3")
    assert q3.due_on == dt.date(2026, 10, 10)  # 8, 9, 10 Oct


def test_catalogue_errors_name_the_item(world: Any) -> None:
    bad = {"items": [{"code": "x", "category": "party", "item": "X", "cadence": "per_event"}]}
    with pytest.raises(ActionError) as exc:
        set_policy(
            actor=world.users["admin"],
            kind=CATALOGUE,
            node=None,
            value=bad,
            effective_from=dt.date(2026, 1, 1),
        )
    assert "item x" in exc.value.message and "trigger" in exc.value.message


def test_trigger_creates_a_per_event_obligation_once(world: Any) -> None:
    c1 = world.nodes["C1"]
    made = actions.trigger(
        actor=world.users["community_worker"],
        community=c1,
        trigger="fundraising_started",
        ref="募捐-01",
        on=dt.date(2026, 9, 30),
    )
    assert [o.item_code for o in made] == ["fundraising"]
    assert made[0].due_on == dt.date(2026, 10, 10)  # 3 working days: 8, 9, 10 Oct
    again = actions.trigger(
        actor=None,
        community=c1,
        trigger="fundraising_started",
        ref="募捐-01",
        on=dt.date(2026, 9, 30),
    )
    assert again[0].pk == made[0].pk
    assert Obligation.objects.filter(item_code="fundraising").count() == 1
    with pytest.raises(ActionError) as exc:
        actions.trigger(actor=None, community=c1, trigger="nonsense", ref="1")
    assert exc.value.field == "trigger"
    assert (
        actions.trigger(actor=None, community=c1, trigger="nonsense", ref="1", strict=False) == []
    )


def test_command_and_worker_tick(world: Any, freeze: Any) -> None:
    freeze(at(2026, 11, 22))
    out = StringIO()
    call_command("disclosure_schedule", stdout=out)
    assert "daily run armed" in out.getvalue()
    created = Obligation.objects.count()
    tick = Deadline.objects.get(kind=scheduling.TICK)
    assert tick.due_at == at(2026, 11, 23, 1)
    # the worker's sweep breaches the tick next night: the scheduler runs, the next tick is armed
    freeze(at(2026, 12, 1, 2))
    assert deadlines.sweep() == 1
    assert Obligation.objects.count() > created  # December began
    assert Deadline.objects.filter(kind=scheduling.TICK, breached_at__isnull=True).count() == 1
    out = StringIO()
    call_command("disclosure_schedule", "--on", "2026-12-01", stdout=out)
    assert "0 obligation(s) created" in out.getvalue()


def test_overdue_reminder_once_per_obligation(world: Any) -> None:
    from cogov.core.models import Notification

    first = scheduling.schedule(dt.date(2025, 12, 1))
    assert first.reminded > 0
    inbox = Notification.objects.filter(
        recipient=world.users["community_worker"], kind="disclosure.overdue"
    )
    assert inbox.count() == 1  # one notification listing C1's overdue obligations
    assert "2025-Q3" in inbox.get().body
    again = scheduling.schedule(dt.date(2025, 12, 1))
    assert again.reminded == 0 and inbox.count() == 1
