"""Local money rules as policy (governance-mechanisms.md §12, §13: every amount is local).

- `funds.project_caps`: the most one project may receive, by type (services, goods, works).
  Shipped default: Luohu 东湖街道 (2020), services and goods ≤ 500,000 yuan, works ≤ 1,000,000.
- `funds.annual_amounts`: the standard yearly amount per fund kind (党组织服务群众经费 200,000 yuan
  per community; 民生微实事 ~2,000,000, Shenzhen's typical level [S/U]); used as the default of
  an allocation and shown against the allocated amount.
- `funds.source_shares`: who pays what share of a fund of each kind (1:1 city:district).
- `funds.year_end`: what happens at year end to unspent and to committed-but-unpaid money.

Read with `get_policy(KEY, node=community, on=date)`; set through `cogov.core.actions.set_policy`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register

PROJECT_CAPS = "funds.project_caps"
ANNUAL_AMOUNTS = "funds.annual_amounts"
SOURCE_SHARES = "funds.source_shares"
YEAR_END = "funds.year_end"

FUND_KINDS = ("party_service", "micro_project", "working", "charity", "other")


class ProjectCaps(BaseModel):
    """Per-project caps in yuan by budget-line type; 0 = no cap. `fund_kinds` lists the fund
    kinds the caps apply to (empty: every kind)."""

    service: Decimal = Field(Decimal(500_000), ge=0, max_digits=14, decimal_places=2)
    goods: Decimal = Field(Decimal(500_000), ge=0, max_digits=14, decimal_places=2)
    works: Decimal = Field(Decimal(1_000_000), ge=0, max_digits=14, decimal_places=2)
    fund_kinds: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_kinds(self) -> ProjectCaps:
        for kind in self.fund_kinds:
            if kind not in FUND_KINDS:
                raise ValueError(f"unknown fund kind {kind!r}")
        return self

    def cap_for(self, fund_kind: str, budget_kind: str) -> Decimal | None:
        if self.fund_kinds and fund_kind not in self.fund_kinds:
            return None
        cap = getattr(self, budget_kind)
        return Decimal(cap) if cap else None


register(
    PolicyKind(
        PROJECT_CAPS,
        _("Per-project caps by type"),
        ProjectCaps,
        description=_(
            "The most one project may receive from a fund, by type: services, goods, works "
            "(yuan; 0 = no cap). A commitment above the cap is refused."
        ),
        source="罗湖区东湖街道民生微实事 (2020) [S, local]",
        default={"service": "500000", "goods": "500000", "works": "1000000", "fund_kinds": []},
    )
)


class AnnualAmounts(BaseModel):
    """The standard yearly amount (yuan) of a fund of each kind for one community; null: no
    standard amount (allocations state their amount)."""

    party_service: Decimal | None = Field(Decimal(200_000), ge=0, max_digits=14, decimal_places=2)
    micro_project: Decimal | None = Field(Decimal(2_000_000), ge=0, max_digits=14, decimal_places=2)
    working: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    charity: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    other: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)

    def amount_for(self, kind: str) -> Decimal | None:
        value = getattr(self, kind, None)
        return Decimal(value) if value is not None else None


register(
    PolicyKind(
        ANNUAL_AMOUNTS,
        _("Standard yearly amount per fund kind"),
        AnnualAmounts,
        description=_(
            "The yearly amount a community's fund of each kind normally receives (yuan): the "
            "default amount of an allocation."
        ),
        source="党组织服务群众经费 200,000/community/year (昆山, 苏州) [S]; 民生微实事 ~2 M [S/U]",
        default={"party_service": "200000", "micro_project": "2000000"},
    )
)


class Share(BaseModel):
    level: str = Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")
    share: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)


def _default_shares() -> list[Share]:
    return [Share(level="city", share=Decimal(50)), Share(level="district", share=Decimal(50))]


class SourceShares(BaseModel):
    """Who pays which percentage of a fund of each kind; each kind's shares add up to 100."""

    party_service: list[Share] = Field(default_factory=_default_shares)
    micro_project: list[Share] = Field(default_factory=_default_shares)
    working: list[Share] = Field(default_factory=_default_shares)
    charity: list[Share] = Field(default_factory=lambda: [Share(level="donor", share=Decimal(100))])
    other: list[Share] = Field(
        default_factory=lambda: [Share(level="district", share=Decimal(100))]
    )

    @model_validator(mode="after")
    def _add_up(self) -> SourceShares:
        for kind in FUND_KINDS:
            shares = getattr(self, kind)
            if not shares:
                raise ValueError(f"{kind}: at least one source")
            levels = [s.level for s in shares]
            if len(set(levels)) != len(levels):
                raise ValueError(f"{kind}: a source level is listed twice")
            if sum((s.share for s in shares), Decimal(0)) != 100:
                raise ValueError(f"{kind}: the shares add up to {sum(s.share for s in shares)}")
        return self

    def for_kind(self, kind: str) -> list[Share]:
        return list(getattr(self, kind))


register(
    PolicyKind(
        SOURCE_SHARES,
        _("Funding sources and their shares"),
        SourceShares,
        description=_(
            "Which levels fund each kind of fund and their percentages (1:1 city and district "
            "for 民生微实事 and the party service fund)."
        ),
        source="深圳民生微实事 1:1 市区配套; 姑苏区 党组织服务群众经费 1:1 [S]",
        default={},
    )
)


class KindYearEnd(BaseModel):
    unspent: Literal["carry", "return"] = "carry"
    committed: Literal["keep", "release"] = "keep"


class YearEnd(BaseModel):
    """At the year-end close: `unspent` available money is carried into next year's fund of the
    same kind ("carry") or returned to its sources ("return"); committed-but-unpaid money stays
    committed and payable in the closed fund ("keep") or is released first ("release", then it
    follows the unspent rule). `close_from_month`: the first month of the fund's year in which
    it may be closed."""

    party_service: KindYearEnd = Field(default_factory=KindYearEnd)
    micro_project: KindYearEnd = Field(default_factory=KindYearEnd)
    working: KindYearEnd = Field(default_factory=lambda: KindYearEnd(unspent="return"))
    charity: KindYearEnd = Field(default_factory=KindYearEnd)
    other: KindYearEnd = Field(default_factory=lambda: KindYearEnd(unspent="return"))
    close_from_month: int = Field(12, ge=1, le=12)

    def for_kind(self, kind: str) -> KindYearEnd:
        return getattr(self, kind)  # type: ignore[no-any-return]


register(
    PolicyKind(
        YEAR_END,
        _("Year-end rule for funds"),
        YearEnd,
        description=_(
            "Whether unspent money is carried into next year or returned to the sources, and "
            "whether committed-but-unpaid money stays payable or is released."
        ),
        source="local practice [U]",
        default={},
    )
)
