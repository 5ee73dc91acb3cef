"""The working-day calendar across the 2026 holidays, computed by hand from the State Council's
schedule (国办发明电〔2025〕7号, as carried by chinesecalendar):

    National Day 2026: Oct 1 (Thu) – Oct 7 (Wed) off; make-up working days Sep 20 (Sun) and
    Oct 10 (Sat). Mid-Autumn 2026: Sep 25 (Fri) – Sep 27 (Sun) off.
    Spring Festival 2026: Feb 15 (Sun) – Feb 23 (Mon) off; make-up working days Feb 14 (Sat)
    and Feb 28 (Sat).

A working-day limit ends at 23:59:59 Beijing time on its last day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cogov.core.actions import set_policy
from cogov.core.calendar import WorkCalendar, coverage, due_after

BJ = ZoneInfo("Asia/Shanghai")


def start(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BJ)


def end_of(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T23:59:59").replace(tzinfo=BJ)


@pytest.mark.parametrize(
    ("begin", "days", "expected"),
    [
        # Wed Sep 30 + 3: Oct 1–7 off → Oct 8 (1), Oct 9 (2), Sat Oct 10 make-up day (3).
        ("2026-09-30", 3, "2026-10-10"),
        # Wed Sep 30 + 1: the first working day after the holiday.
        ("2026-09-30", 1, "2026-10-08"),
        # Wed Sep 30 + 4: Oct 8, 9, 10, then Sun Oct 11 off → Mon Oct 12.
        ("2026-09-30", 4, "2026-10-12"),
        # Fri Sep 18 + 1: Sat Sep 19 off, Sun Sep 20 is a make-up working day.
        ("2026-09-18", 1, "2026-09-20"),
        # Thu Sep 24 + 1: Mid-Autumn Sep 25–27 off → Mon Sep 28.
        ("2026-09-24", 1, "2026-09-28"),
        # Thu Sep 24 + 5: Sep 28, 29, 30, Oct 8, Oct 9.
        ("2026-09-24", 5, "2026-10-09"),
        # Spring Festival: Fri Feb 13 + 1 → Sat Feb 14 (make-up working day).
        ("2026-02-13", 1, "2026-02-14"),
        # Fri Feb 13 + 2: Feb 15–23 off → Tue Feb 24.
        ("2026-02-13", 2, "2026-02-24"),
        # Fri Feb 13 + 6: Feb 14, 24, 25, 26, 27, then Sat Feb 28 (make-up).
        ("2026-02-13", 6, "2026-02-28"),
        # Fri Feb 13 + 7: Sun Mar 1 off → Mon Mar 2.
        ("2026-02-13", 7, "2026-03-02"),
    ],
)
def test_working_days_across_the_2026_holidays(db, begin, days, expected):
    due = due_after(start(begin), working_days=days)
    assert due.at == end_of(expected)
    assert due.warnings == ()
    assert due.basis["last_day"] == expected


def test_start_is_read_in_beijing_time(db):
    # 16:30 UTC on Sep 30 is already 00:30 on Oct 1 in Beijing: the count starts from Oct 1.
    utc = dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC)
    assert due_after(utc, working_days=1).at == end_of("2026-10-08")
    assert due_after(utc, working_days=3).at == end_of("2026-10-10")


def test_working_days_between_counts_make_up_days(db):
    cal = WorkCalendar()
    assert cal.working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 28)) == 6
    assert cal.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 10)) == 3
    assert not cal.is_working_day(dt.date(2026, 10, 7))
    assert cal.is_working_day(dt.date(2026, 10, 10))


def test_calendar_and_hour_limits_ignore_holidays(db):
    assert due_after(start("2026-09-30"), calendar_days=3).at == start("2026-10-03")
    assert due_after(start("2026-09-30"), hours=24).at == start("2026-10-01")


def test_an_unknown_year_falls_back_to_weekends_with_a_warning(db):
    # 2027 is not in the library: Wed Dec 30 2026 + 2 → Thu Dec 31 (1), Fri Jan 1 2027 (2),
    # because without a schedule New Year's Day counts as a working day.
    due = due_after(start("2026-12-30"), working_days=2)
    assert due.at == end_of("2027-01-01")
    assert len(due.warnings) == 1 and "2027" in due.warnings[0]
    assert due.basis["warnings"] == list(due.warnings)
    # Weekends still count as days off: + 3 → Mon Jan 4.
    assert due_after(start("2026-12-30"), working_days=3).at == end_of("2027-01-04")
    assert coverage([2026, 2027]) == {2026: "library", 2027: "weekends"}


def test_a_holidays_policy_fills_an_unknown_year(world):
    value = {"years": {"2027": {"holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}}}
    set_policy(
        actor=world.admin,
        kind="calendar.holidays",
        node=None,
        value=value,
        effective_from=timezone.localdate(),
    )
    # Dec 31 (1), Jan 1 now off, Sat Jan 2 now a make-up working day (2).
    due = due_after(start("2026-12-30"), working_days=2)
    assert due.at == end_of("2027-01-02")
    assert due.warnings == ()
    assert coverage([2027]) == {2027: "policy"}


def test_a_holidays_policy_rejects_a_date_in_the_wrong_year(world):
    from django.utils import translation

    from cogov.core.errors import ActionError

    def set_wrong_year() -> None:
        set_policy(
            actor=world.admin,
            kind="calendar.holidays",
            node=None,
            value={"years": {"2027": {"holidays": ["2028-01-01"]}}},
            effective_from=timezone.localdate(),
        )

    with pytest.raises(ActionError, match="2028-01-01 被列在了 2027 年之下"):
        set_wrong_year()
    with (
        translation.override("en"),
        pytest.raises(ActionError, match="2028-01-01 is listed under year 2027"),
    ):
        set_wrong_year()


def test_limits_that_make_no_sense_are_refused(db):
    with pytest.raises(ValueError):
        due_after(start("2026-09-30"), working_days=-1)
    with pytest.raises(ValueError):
        due_after(start("2026-09-30"), working_days=2, hours=4)


def test_coverage_costs_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert coverage([2025, 2026, 2027, 2028]) == {
            2025: "library",
            2026: "library",
            2027: "weekends",
            2028: "weekends",
        }
