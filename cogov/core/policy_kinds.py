"""Policy kinds owned by core. Apps register their own kinds in their `policy_kinds.py`."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from .policies import PolicyKind, register


class YearSchedule(BaseModel):
    holidays: list[dt.date] = Field(default_factory=list, description="days off on weekdays")
    workdays: list[dt.date] = Field(default_factory=list, description="make-up working days (调休)")


class HolidaySchedule(BaseModel):
    """The State Council's holiday schedule for years the calendar library does not know yet."""

    years: dict[int, YearSchedule] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dates_in_their_year(self) -> HolidaySchedule:
        for year, schedule in self.years.items():
            for day in [*schedule.holidays, *schedule.workdays]:
                if day.year != year:
                    raise ValueError(
                        gettext("%(day)s is listed under year %(year)s.")
                        % {"day": day.isoformat(), "year": year}
                    )
            both = set(schedule.holidays) & set(schedule.workdays)
            if both:
                raise ValueError(
                    gettext("%(day)s is both a holiday and a working day.")
                    % {"day": sorted(both)[0].isoformat()}
                )
        return self


HOLIDAYS = register(
    PolicyKind(
        "calendar.holidays",
        _("Public holiday schedule"),
        HolidaySchedule,
        statutory=True,
        description=_(
            "Holidays and make-up working days as announced by the State Council each year. "
            "Needed only for years the built-in calendar does not cover yet."
        ),
        source="国务院办公厅关于部分节假日安排的通知",
    )
)


class VerificationDeadline(BaseModel):
    working_days: int = Field(3, ge=1, le=30)


VERIFICATION_DEADLINE = register(
    PolicyKind(
        "accounts.verification_deadline",
        _("Time to decide an identity verification"),
        VerificationDeadline,
        description=_(
            "Working days staff have to confirm or reject a resident's or owner's claim."
        ),
        default={"working_days": 3},
    )
)


class RosterMatch(BaseModel):
    confirm_at_once: bool = False


ROSTER_MATCH = register(
    PolicyKind(
        "accounts.roster_match",
        _("Confirm a claim that matches the roster at once"),
        RosterMatch,
        description=_(
            "When on, a resident's or owner's claim whose name and identity number match the "
            "roster is confirmed without staff. Off by default: a name and an identity number "
            "are not secrets, so staff confirm every claim (the match is shown to them). Turn "
            "it on only where claims are made through a channel that already verifies the "
            "person, such as a real-name app login."
        ),
        default={"confirm_at_once": False},
    )
)
