"""Point rules as local policy (governance-mechanisms.md §8: every number here is local).

- `points.volunteer`: what residents and volunteers earn for activities, by activity type
  (points per activity or per hour), with daily and yearly caps, and how hours are rounded.
- `points.time_bank`: the time bank (1 hour of service = 1 unit) with daily and lifetime caps and
  who may receive a transfer.
- `points.party`: the party members' yearly scheme (deduction-only base, task points with a
  monthly cap, bonus points with a yearly cap and approval, extra points outside the total).

Read with `get_policy(KEY, node=community, on=date)`; set through `cogov.core.actions.set_policy`.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register

VOLUNTEER = "points.volunteer"
TIME_BANK = "points.time_bank"
PARTY = "points.party"


class ActivityType(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    label: str = Field(min_length=1, max_length=100)
    points_per_activity: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)
    points_per_hour: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)


class VolunteerPoints(BaseModel):
    """Points for residents and volunteers. An activity earns `points_per_activity` plus
    `points_per_hour` × hours served; the award is cut to what the daily and yearly caps leave
    (0 = no cap)."""

    activity_types: list[ActivityType] = Field(default_factory=list)
    daily_cap: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)
    yearly_cap: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)
    hour_rounding_minutes: int = Field(30, ge=1, le=60, description="hours are rounded down")
    code_seconds: int = Field(30, ge=10, le=600, description="check-in code changes this often")

    @model_validator(mode="after")
    def _unique_codes(self) -> VolunteerPoints:
        codes = [t.code for t in self.activity_types]
        if len(codes) != len(set(codes)):
            raise ValueError("activity type codes must be unique")
        return self

    def type_of(self, code: str) -> ActivityType | None:
        return next((t for t in self.activity_types if t.code == code), None)


VOLUNTEER_KIND = register(
    PolicyKind(
        VOLUNTEER,
        _("Volunteer and resident points"),
        VolunteerPoints,
        description=_(
            "Activity types with points per activity or per hour, daily and yearly caps, "
            "the rounding of service hours and how often the check-in code changes."
        ),
        source="governance-mechanisms.md §8.3 (Dezhou: 3-5 points per clean-up) [S]",
        default={
            "activity_types": [
                {"code": "cleanup", "label": "环境清洁", "points_per_activity": "4"},
                {"code": "patrol", "label": "治安巡逻", "points_per_hour": "2"},
                {"code": "lecture", "label": "宣讲", "points_per_activity": "3"},
                {"code": "elderly_care", "label": "助老服务", "points_per_hour": "2"},
                {"code": "other", "label": "其他", "points_per_hour": "1"},
            ],
            "daily_cap": "20",
            "yearly_cap": "1000",
            "hour_rounding_minutes": 30,
            "code_seconds": 30,
        },
    )
)


class TimeBank(BaseModel):
    """1 hour of service = 1 unit. Caps on units earned per day and over a lifetime (0 = none)."""

    daily_cap: Decimal = Field(Decimal(2), ge=0, max_digits=8, decimal_places=2)
    lifetime_cap: Decimal = Field(Decimal(600), ge=0, max_digits=10, decimal_places=2)
    transfer_to_household: bool = True
    transfer_to_recorded_relatives: bool = True


TIME_BANK_KIND = register(
    PolicyKind(
        TIME_BANK,
        _("Time bank"),
        TimeBank,
        description=_(
            "One hour of service is one unit. Daily and lifetime caps on units earned; "
            "whether units may be transferred to the same household or recorded relatives."
        ),
        source="governance-mechanisms.md §8.4 (Changning pilot: 2 a day, 600 per person) [S]",
        default={"daily_cap": "2", "lifetime_cap": "600"},
    )
)


class PartyItem(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    label: str = Field(min_length=1, max_length=100)
    bucket: str = Field(pattern="^(base|task|bonus|extra)$")
    points: Decimal = Field(max_digits=8, decimal_places=2)  # a deduction is negative
    evidence_required: bool = False

    @model_validator(mode="after")
    def _sign(self) -> PartyItem:
        if self.bucket == "base" and self.points > 0:
            raise ValueError("base items are deductions (points must be 0 or negative)")
        if self.bucket != "base" and self.points < 0:
            raise ValueError("only base items deduct")
        return self


class PartyScheme(BaseModel):
    """A party member's yearly score: base (starts full, deductions only, floor 0) + task
    (capped per month and per year) + bonus (capped per year, evidence and approval). Extra
    points (commendations at county level and above) are tracked outside the total."""

    base_points: Decimal = Field(Decimal(20), ge=0, max_digits=8, decimal_places=2)
    task_points: Decimal = Field(Decimal(70), ge=0, max_digits=8, decimal_places=2)
    task_monthly_cap: Decimal = Field(Decimal(6), ge=0, max_digits=8, decimal_places=2)
    bonus_points: Decimal = Field(Decimal(10), ge=0, max_digits=8, decimal_places=2)
    volunteer_points_per_activity: Decimal = Field(
        Decimal(1),
        ge=0,
        max_digits=8,
        decimal_places=2,
        description="task points for each volunteer activity attended",
    )
    items: list[PartyItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_codes(self) -> PartyScheme:
        codes = [i.code for i in self.items]
        if len(codes) != len(set(codes)):
            raise ValueError("item codes must be unique")
        return self

    def item(self, code: str) -> PartyItem | None:
        return next((i for i in self.items if i.code == code), None)


PARTY_KIND = register(
    PolicyKind(
        PARTY,
        _("Party member points"),
        PartyScheme,
        description=_(
            "The yearly scheme of party-member points: base points (deductions only), task points "
            "with a monthly cap, bonus points needing evidence and approval, extra points."
        ),
        source="governance-mechanisms.md §8.1 (county example: 20 + 70 + 10) [S]",
        default={
            "base_points": "20",
            "task_points": "70",
            "task_monthly_cap": "6",
            "bonus_points": "10",
            "volunteer_points_per_activity": "1",
            "items": [
                {"code": "absence", "label": "无故缺席组织生活", "bucket": "base", "points": "-2"},
                {"code": "complaint", "label": "群众有效投诉", "bucket": "base", "points": "-3"},
                {"code": "meeting", "label": "参加三会一课", "bucket": "task", "points": "1"},
                {"code": "pledge", "label": "履行承诺事项", "bucket": "task", "points": "2"},
                {"code": "theme_day", "label": "主题党日", "bucket": "task", "points": "1"},
                {
                    "code": "contribution",
                    "label": "突出贡献",
                    "bucket": "bonus",
                    "points": "3",
                    "evidence_required": True,
                },
                {
                    "code": "commendation",
                    "label": "县级以下表彰",
                    "bucket": "bonus",
                    "points": "5",
                    "evidence_required": True,
                },
                {
                    "code": "county_commendation",
                    "label": "县级及以上表彰",
                    "bucket": "extra",
                    "points": "10",
                    "evidence_required": True,
                },
            ],
        },
    )
)
