"""Local rules of the case loop, as policies (values from governance-mechanisms §1–§3).

Everything here is local practice, mostly [U] or [S] in the reference: defaults only.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register

STAGES = ("verify", "dispatch", "sign", "response", "feedback", "check", "revisit")


class Span(BaseModel):
    """A time limit: working days end at the end of the last working day; the rest are durations."""

    minutes: int = Field(0, ge=0)
    hours: int = Field(0, ge=0)
    calendar_days: int = Field(0, ge=0)
    working_days: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _one_unit(self) -> Span:
        if self.working_days and (self.minutes or self.hours or self.calendar_days):
            raise ValueError("working_days cannot be mixed with other units")
        if not (self.minutes or self.hours or self.calendar_days or self.working_days):
            raise ValueError("a time limit must not be zero")
        return self


class Stages(BaseModel):
    """Per stage of the loop; a missing stage has no deadline."""

    verify: Span | None = None  # from report
    dispatch: Span | None = None  # from report (hotline: from receipt)
    sign: Span | None = None  # from dispatch
    response: Span | None = None  # from dispatch: contact the requester (响应)
    feedback: Span | None = None  # from dispatch: reply to the requester (反馈)
    check: Span | None = None  # from reply
    revisit: Span | None = None  # from check


class Breach(BaseModel):
    notify: list[str] = Field(
        default_factory=lambda: ["lead", "managers"], description="lead, managers, street"
    )
    escalate: bool = Field(
        False, description="put the case under supervision (督办) and tell the street"
    )


class CaseDeadlines(BaseModel):
    by_urgency: dict[str, Stages]
    # category code → urgency → stages that override the urgency defaults (stage by stage)
    by_category: dict[str, dict[str, Stages]] = Field(default_factory=dict)
    on_breach: dict[str, Breach] = Field(default_factory=dict)
    whistle_report: Span = Field(default_factory=lambda: Span.model_validate({"minutes": 30}))

    @model_validator(mode="after")
    def _known(self) -> CaseDeadlines:
        from .models import Urgency

        for key in [*self.by_urgency, *(u for table in self.by_category.values() for u in table)]:
            if key not in Urgency.values:
                raise ValueError(f"unknown urgency {key!r}")
        for stage in self.on_breach:
            if stage not in STAGES:
                raise ValueError(f"unknown stage {stage!r}")
        return self

    def stages(self, category_codes: list[str], urgency: str) -> Stages:
        """The limits for a category (its own code first, then its parents') and urgency."""
        base = self.by_urgency.get(urgency) or self.by_urgency.get("general") or Stages()
        for code in category_codes:
            override = self.by_category.get(code, {}).get(urgency)
            if override is not None:
                return base.model_copy(
                    update={
                        k: getattr(override, k) for k in STAGES if getattr(override, k) is not None
                    }
                )
        return base


def _s(**kw: int) -> dict[str, int]:
    return kw


DEADLINES = register(
    PolicyKind(
        "cases.deadlines",
        _("Case deadlines"),
        CaseDeadlines,
        description=_(
            "Time limits per stage of the case loop, per urgency class and optionally per "
            "category. Dispatch and feedback follow the 12345 standard DB11/T 2021—2022; the rest "
            "are common practice to be set locally."
        ),
        source="DB11/T 2021—2022 (dispatch 1 h / 2 h / 24 h [U]; "
        "feedback 2 h / 24 h / 7 d / 15 d); Taiyuan check 1 h / 2 h [S]; "
        "Pinggu whistle report 30 min [S]",
        default={
            "by_urgency": {
                "life_safety": {
                    "verify": _s(hours=1),
                    "dispatch": _s(hours=1),
                    "sign": _s(hours=1),
                    "response": _s(hours=1),
                    "feedback": _s(hours=2),
                    "check": _s(hours=1),
                    "revisit": _s(hours=24),
                },
                "basic_utility": {
                    "verify": _s(hours=2),
                    "dispatch": _s(hours=2),
                    "sign": _s(hours=2),
                    "response": _s(hours=2),
                    "feedback": _s(hours=24),
                    "check": _s(hours=2),
                    "revisit": _s(working_days=1),
                },
                "general": {
                    "verify": _s(hours=24),
                    "dispatch": _s(hours=24),
                    "sign": _s(hours=24),
                    "response": _s(hours=24),
                    "feedback": _s(calendar_days=7),
                    "check": _s(working_days=1),
                    "revisit": _s(working_days=2),
                },
                "complex": {
                    "verify": _s(hours=24),
                    "dispatch": _s(hours=24),
                    "sign": _s(hours=24),
                    "response": _s(hours=24),
                    "feedback": _s(calendar_days=15),
                    "check": _s(working_days=2),
                    "revisit": _s(working_days=2),
                },
            },
            "on_breach": {
                "dispatch": {"notify": ["managers"]},
                "sign": {"notify": ["lead", "managers"]},
                "response": {"notify": ["lead", "managers"]},
                "feedback": {"notify": ["lead", "managers", "street"], "escalate": True},
                "check": {"notify": ["managers"]},
                "revisit": {"notify": ["managers"]},
            },
            "whistle_report": {"minutes": 30},
        },
    )
)


class CaseRules(BaseModel):
    duplicate_distance_m: int = Field(100, ge=1, le=5000)
    duplicate_days: int = Field(7, ge=1, le=365)
    postponement_max_days: int = Field(15, ge=1)


RULES = register(
    PolicyKind(
        "cases.rules",
        _("Case handling rules"),
        CaseRules,
        description=_(
            "How near and how recent a report must be to count as a likely duplicate; "
            "the longest postponement that may be approved."
        ),
        source="local practice [U]",
        default={"duplicate_distance_m": 100, "duplicate_days": 7, "postponement_max_days": 15},
    )
)


class Scoring(BaseModel):
    """How the three rates are counted and weighted (准格尔旗 30/35/35 [S]; Beijing's [U])."""

    partly_resolved_credit: Decimal = Field(Decimal("0.5"), ge=0, le=1)
    fairly_satisfied_credit: Decimal = Field(Decimal("1"), ge=0, le=1)
    count_unrated: bool = Field(False, description="count 未评价 revisits in the satisfaction base")
    weight_response: Decimal = Field(Decimal("30"), ge=0)
    weight_resolution: Decimal = Field(Decimal("35"), ge=0)
    weight_satisfaction: Decimal = Field(Decimal("35"), ge=0)

    @model_validator(mode="after")
    def _weights(self) -> Scoring:
        if self.weight_response + self.weight_resolution + self.weight_satisfaction <= 0:
            raise ValueError("the weights must not all be zero")
        return self


SCORING = register(
    PolicyKind(
        "cases.scoring",
        _("Three rates: credits and weights"),
        Scoring,
        description=_(
            "Partial credit for 部分解决 and 基本满意, and the weights of the response, "
            "resolution and satisfaction rates in the composite score."
        ),
        source="governance-mechanisms §2.4 (准格尔旗 30/35/35 [S])",
        default={
            "partly_resolved_credit": "0.5",
            "fairly_satisfied_credit": "1",
            "count_unrated": False,
            "weight_response": "30",
            "weight_resolution": "35",
            "weight_satisfaction": "35",
        },
    )
)
