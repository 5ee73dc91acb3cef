"""The Chinese working-day calendar, with make-up working days (调休).

Sources, in order: a `calendar.holidays` policy for the year (an administrator enters the State
Council's schedule there), then the chinesecalendar library, then weekends alone, which is flagged
as a warning so the UI can say that the year's schedule is missing.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils import timezone

from .policies import get_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class WorkCalendar:
    """Answers "is this a working day" for one territory node, caching per year."""

    node: Any = None
    warnings: set[int] = field(default_factory=set)
    _policy: Any = None
    _years: dict[int, tuple[str, frozenset[dt.date], frozenset[dt.date]]] = field(
        default_factory=dict
    )

    def source(self, year: int) -> str:
        return self._year(year)[0]

    def _year(self, year: int) -> tuple[str, frozenset[dt.date], frozenset[dt.date]]:
        if year not in self._years:
            if self._policy is None:  # one lookup per calendar, whatever the years asked
                self._policy = get_policy("calendar.holidays", self.node)
            schedule = self._policy.years.get(year)
            if schedule is not None:
                self._years[year] = (
                    "policy",
                    frozenset(schedule.holidays),
                    frozenset(schedule.workdays),
                )
            elif _library_knows(year):
                self._years[year] = ("library", *_library_year(year))
            else:
                self._years[year] = ("weekends", frozenset(), frozenset())
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        source, holidays, workdays = self._year(day.year)
        if source == "weekends":
            self.warnings.add(day.year)
        if day in workdays:
            return True
        if day in holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (start itself does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            count += self.is_working_day(current)
        return count


@functools.cache
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def _library_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The library's days off on weekdays and make-up working days of `year`."""
    holidays = frozenset(d for d in chinese_calendar.holidays if d.year == year)
    workdays = frozenset(d for d in chinese_calendar.workdays if d.year == year)
    return holidays, workdays


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    basis: dict[str, Any]
    warnings: tuple[str, ...] = ()


def due_after(
    start: dt.datetime,
    *,
    working_days: int = 0,
    calendar_days: int = 0,
    hours: int = 0,
    node: Any = None,
) -> Due:
    """When a time limit that starts at `start` runs out.

    Working days end at the end of the last working day (23:59:59 local time), the usual reading of
    "within N working days"; calendar days and hours are plain durations (they may be combined
    with each other, not with working days). `node` picks the holiday policy to use.
    """
    if min(working_days, calendar_days, hours) < 0:
        raise ValueError("a time limit cannot be negative")
    if working_days and (calendar_days or hours):
        raise ValueError("give working days, or calendar days and hours, not both")
    local = timezone.localtime(start, SHANGHAI)
    basis: dict[str, Any] = {"start": local.isoformat()}
    warnings: list[str] = []
    if working_days:
        cal = WorkCalendar(node)
        last_day = cal.add_working_days(local.date(), working_days)
        at = dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=SHANGHAI)
        basis.update(working_days=working_days, last_day=last_day.isoformat())
        warnings = [
            f"no holiday schedule for {year}: weekends only" for year in sorted(cal.warnings)
        ]
    else:
        at = local + dt.timedelta(days=calendar_days, hours=hours)
        basis.update(calendar_days=calendar_days, hours=hours)
    if warnings:
        basis["warnings"] = warnings
    return Due(at=at, basis=basis, warnings=tuple(warnings))


def coverage(years: list[int], node: Any = None) -> dict[int, str]:
    """Where each year's schedule comes from: 'policy', 'library' or 'weekends' (a warning)."""
    cal = WorkCalendar(node)
    return {year: cal.source(year) for year in years}
