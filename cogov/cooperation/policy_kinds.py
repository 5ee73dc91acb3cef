"""Local numbers of co-construction, as policy (governance-mechanisms §4.4, §5: all local [U])."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register


class MatchingWeights(BaseModel):
    """How a resource's fit to a need is scored (each component is 0..1)."""

    category: Decimal = Field(Decimal("0.40"), ge=0)
    distance: Decimal = Field(Decimal("0.25"), ge=0)
    capacity: Decimal = Field(Decimal("0.15"), ge=0)
    record: Decimal = Field(Decimal("0.20"), ge=0)
    distance_scale_km: Decimal = Field(Decimal("3"), gt=0, description="0 points at this distance")
    record_saturation: int = Field(
        5, ge=1, description="delivered projects that count as a full record"
    )

    @model_validator(mode="after")
    def _some_weight(self) -> MatchingWeights:
        if not (self.category + self.distance + self.capacity + self.record):
            raise ValueError("at least one weight must be above zero")
        return self


MATCHING = register(
    PolicyKind(
        "cooperation.matching",
        _("Co-construction: matching weights"),
        MatchingWeights,
        description=_(
            "Weights of category fit, distance, capacity and the unit's record when resources "
            "are suggested for a need; the distance at which the distance score reaches zero."
        ),
        source="local practice [U]",
    )
)


class WishRules(BaseModel):
    value_cap: Decimal = Field(Decimal("300"), ge=0, description="yuan per wish")
    claim_hours: int = Field(48, ge=1, le=24 * 60, description="a claim is released after this")
    open_claims_per_claimant: int = Field(3, ge=1)


WISHES = register(
    PolicyKind(
        "cooperation.micro_wishes",
        _("Micro-wishes: value cap and claim timeout"),
        WishRules,
        description=_(
            "The highest value of one micro-wish, the hours a claimant holds a wish before it "
            "returns to the list, and how many wishes one claimant may hold at once."
        ),
        source="governance-mechanisms §4.4 (caps are local) [U]",
    )
)


class CaseTrends(BaseModel):
    days: int = Field(90, ge=7, le=730)
    min_cases: int = Field(10, ge=2)


CASE_TRENDS = register(
    PolicyKind(
        "cooperation.case_trends",
        _("Needs suggested from recurring case categories"),
        CaseTrends,
        description=_(
            "A case category with at least this many cases in a community over this many "
            "days is suggested as a need."
        ),
        source="local practice [U]",
    )
)
