"""Thresholds and results, in exact arithmetic (`fractions.Fraction`; never floats).

A threshold says: `value / base` must reach `numerator / denominator`, inclusively (以上, ≥)
or strictly (过半数, >). A base of zero passes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MEASURE_LABELS = {"heads": _("persons"), "area": _("exclusive area (m²)")}
THRESHOLD_LABELS = {
    "participation_area": _("Participation by exclusive area"),
    "participation_owners": _("Participation by number of owners"),
    "approval_area": _("Approval by participating area"),
    "approval_owners": _("Approval by participating owners"),
    "quorum": _("Quorum (present)"),
    "majority": _("Majority (in favour)"),
}


# Readable words for the parts of a threshold (ThresholdSpec.what / measure / base).
TERM_LABELS = {
    "participation": pgettext_lazy("threshold term", "participation"),
    "support": pgettext_lazy("threshold term", "support"),
    "heads": pgettext_lazy("threshold term", "persons"),
    "area": pgettext_lazy("threshold term", "exclusive area"),
    "entitled": pgettext_lazy("threshold term", "of those entitled"),
    "participating": pgettext_lazy("threshold term", "of those participating"),
    "decisive": pgettext_lazy("threshold term", "of votes cast for or against"),
}


def percent(value: Fraction | None) -> str:
    """A readable percentage ("66.67%"); the exact fraction is always shown beside it."""
    if value is None:
        return "—"
    scaled = value * 100
    exact = Decimal(scaled.numerator) / Decimal(scaled.denominator)
    return f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def frac_text(value: Fraction | None) -> str | None:
    if value is None:
        return None
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def parse_frac(text: str | None) -> Fraction | None:
    return None if text is None else Fraction(text)


@dataclass(frozen=True)
class ThresholdSpec:
    """One test of a rule: `what` ("participation" or "support") in `measure` ("heads" or
    "area") over `base` ("entitled", "participating" or "decisive")."""

    name: str
    what: str
    measure: str
    base: str
    numerator: int
    denominator: int
    inclusive: bool

    @property
    def required(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    def reading(self) -> str:
        sign = "≥" if self.inclusive else ">"
        return f"{sign} {self.numerator}/{self.denominator}"

    def evaluate(self, value: Fraction, base_value: Fraction) -> ThresholdResult:
        if base_value <= 0:
            reached = None
            passed = False
        else:
            reached = Fraction(value) / Fraction(base_value)
            passed = reached >= self.required if self.inclusive else reached > self.required
        return ThresholdResult(
            name=self.name,
            what=self.what,
            measure=self.measure,
            base=self.base,
            required=frac_text(self.required) or "",
            inclusive=self.inclusive,
            reading=self.reading(),
            value=frac_text(Fraction(value)) or "0",
            base_value=frac_text(Fraction(base_value)) or "0",
            reached=frac_text(reached),
            reached_percent=percent(reached),
            required_percent=percent(self.required),
            passed=passed,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ThresholdResult:
    name: str
    what: str
    measure: str
    base: str
    required: str  # "2/3"
    inclusive: bool
    reading: str  # "≥ 2/3"
    value: str  # numerator reached, exact ("1593/2")
    base_value: str
    reached: str | None  # value / base, exact; None when the base is zero
    reached_percent: str
    required_percent: str
    passed: bool

    def explain(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"{self.name}: {self.what} by {self.measure} = {self.value} of {self.base} "
            f"{self.base_value} = {self.reached} ({self.reached_percent}), "
            f"required {self.reading} → {verdict}"
        )


@dataclass
class Result:
    """The tally of one vote: totals, counts per option, every threshold and the outcome.

    `outcome` is "passed" or "failed" for yes/no ballots and single-choice ballots with a
    majority rule; "passed" there means every threshold passed. Approval and ranked ballots
    report counts and, for ranked ballots, the Borda ranking; their thresholds are the
    participation tests only.
    """

    vote: str
    rule: str
    rule_basis: str
    rule_verified: bool
    ballot_kind: str
    method: str
    entitled: dict[str, str]
    participating: dict[str, str]
    counts: dict[str, dict[str, str]]
    thresholds: list[ThresholdResult] = field(default_factory=list)
    outcome: str = "failed"
    winner: str | None = None
    ranking: list[dict[str, Any]] = field(default_factory=list)
    ballots: int = 0

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    @property
    def failed_thresholds(self) -> list[ThresholdResult]:
        return [t for t in self.thresholds if not t.passed]

    def summary(self) -> str:
        if self.failed_thresholds:
            names = ", ".join(t.name for t in self.failed_thresholds)
            return f"{self.outcome}: failed on {names}"
        return f"{self.outcome}" + (f": {self.winner}" if self.winner else "")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["summary"] = self.summary()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        data = {k: v for k, v in data.items() if k != "summary"}
        data["thresholds"] = [ThresholdResult(**t) for t in data.get("thresholds", [])]
        return cls(**data)
