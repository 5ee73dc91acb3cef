"""The local numbers of participatory budgeting (governance-mechanisms.md §12: all local).

`budgeting.process`, read for the round's area on the date of the step
(`get_policy(PROCESS, node=round.node, on=date)`):

- per-category caps on one proposal's cost (Luohu 东湖街道 2020: service and goods
  ≤ 500,000 yuan, works ≤ 1,000,000 [S]; Zhuhai 2021: 200,000 / 500,000 [S]);
- the residents' council's quorum (present / members) and majority (yes / present), exact
  fractions with ≥ or > (common practice: more than half, 过半数 [U]);
- how many residents' representatives an acceptance needs [U];
- the days the results are published (公示) before approval (≥ 7 days, as 四议两公开 [S]);
- whether the public vote needs a quorum of the electorate (off by default: participatory
  budgeting votes are consultative; turnout is reported);
- who votes (residents of voting age, or one representative per household);
- the negative list shown to proposers and to screening staff.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register

PROCESS = "budgeting.process"


class Share(BaseModel):
    numerator: int = Field(ge=0)
    denominator: int = Field(ge=1)
    inclusive: bool = Field(description="True: reaching the fraction exactly passes (≥)")

    @model_validator(mode="after")
    def _at_most_one(self) -> Share:
        if self.numerator > self.denominator:
            raise ValueError("a share cannot exceed 1")
        return self

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    def reached(self, value: Fraction) -> bool:
        return value >= self.fraction if self.inclusive else value > self.fraction

    def reading(self) -> str:
        return f"{'≥' if self.inclusive else '>'} {self.numerator}/{self.denominator}"


class Process(BaseModel):
    caps: dict[str, Decimal] = Field(
        description="most one proposal may cost, by category (service, goods, works)"
    )
    council_quorum: Share
    council_majority: Share
    acceptance_min_representatives: int = Field(ge=1, le=100)
    publicity_days: int = Field(ge=0, le=60)
    vote_needs_quorum: bool = False
    electorate: str = Field("residents", pattern="^(residents|households)$")
    negative_list: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _caps_known(self) -> Process:
        unknown = set(self.caps) - {"service", "goods", "works"}
        if unknown:
            raise ValueError(f"unknown categories in caps: {', '.join(sorted(unknown))}")
        if any(v <= 0 for v in self.caps.values()):
            raise ValueError("caps must be more than zero")
        return self

    def cap(self, category: str) -> Decimal | None:
        return self.caps.get(category)


def _share(n: int, d: int, inclusive: bool) -> dict[str, object]:
    return {"numerator": n, "denominator": d, "inclusive": inclusive}


PROCESS_KIND = register(
    PolicyKind(
        PROCESS,
        _("Participatory budgeting"),
        Process,
        description=_(
            "Caps on a proposal's cost by category, the residents' council's quorum and "
            "majority, representatives needed for acceptance, publicity days, whether the vote "
            "needs a quorum, who votes, and the negative list."
        ),
        source="governance-mechanisms.md §12 (Luohu 2020 caps [S]; council thresholds [U])",
        default={
            "caps": {"service": "500000", "goods": "500000", "works": "1000000"},
            "council_quorum": _share(1, 2, False),
            "council_majority": _share(1, 2, False),
            "acceptance_min_representatives": 5,
            "publicity_days": 7,
            "vote_needs_quorum": False,
            "electorate": "residents",
            "negative_list": [
                "物业服务企业或其他主体应当承担的事项",
                "与政府投资项目重复的事项",
                "个人或少数人受益的事项",
            ],
        },
    )
)
