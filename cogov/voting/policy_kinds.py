"""Vote thresholds as policies, looked up by the DATE of the vote (`get_policy(key, node, on=…)`).

A threshold is a `Ratio`: numerator / denominator and whether reaching it exactly is enough.
Civil Code art. 1259: "以上" includes the number itself (inclusive, ≥); "过半数" is "more than
half" (strict, >).

Statutes change on a date: the residents' meeting kind ships the 2018 rule as its default and
the 2025 revision (in force 2026-01-01) as a dated default, so `get_policy(key, node,
on=vote_date)` answers the version in force on the date of the vote. `rule_in_force` adds where
the value came from, for the vote's frozen rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, get_kind, register, resolve

# What a threshold is measured against.
#   entitled:      the whole electorate snapshotted when the vote opened
#   participating: those who took part (cast any ballot, abstentions included)
#   decisive:      those who voted for or against (abstentions left out)
Base = Literal["entitled", "participating", "decisive"]


class Ratio(BaseModel):
    numerator: int = Field(ge=0)
    denominator: int = Field(ge=1)
    inclusive: bool = Field(description="True: reaching the fraction exactly passes (以上, ≥)")

    @model_validator(mode="after")
    def _at_most_one(self) -> Ratio:
        if self.numerator > self.denominator:
            raise ValueError("a threshold cannot exceed 1")
        return self

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)


def _r(n: int, d: int, inclusive: bool) -> dict[str, object]:
    return {"numerator": n, "denominator": d, "inclusive": inclusive}


MORE_THAN_HALF = _r(1, 2, False)  # 过半数


class ResidentsMeeting(BaseModel):
    """居民会议 (Organic Law of Urban Residents' Committees)."""

    quorum: Ratio
    quorum_base: Base = "entitled"
    majority: Ratio
    majority_base: Base = "participating"
    minimum_age: int = Field(18, ge=14, le=30)
    basis: str = ""
    verified: bool = True


RESIDENTS_MEETING_2018 = {
    "quorum": MORE_THAN_HALF,
    "quorum_base": "entitled",
    "majority": MORE_THAN_HALF,
    "majority_base": "participating",
    "minimum_age": 18,
    "basis": "城市居民委员会组织法 (2018) art. 9: 应当有……过半数出席, 决定由出席人的过半数通过",
    "verified": True,
}

# The 2025 revision (in force 2026-01-01) could not be checked for these numbers
# (governance-mechanisms §7.3): same values as 2018, flagged unverified.
RESIDENTS_MEETING_2026 = {
    **RESIDENTS_MEETING_2018,
    "basis": "城市居民委员会组织法 (2025 revision, in force 2026-01-01): thresholds UNVERIFIED, "
    "set equal to the 2018 text until the promulgated text is read",
    "verified": False,
}

RESIDENTS_MEETING = register(
    PolicyKind(
        "voting.residents_meeting",
        _("Residents' meeting: quorum and majority"),
        ResidentsMeeting,
        statutory=True,
        description=_(
            "Quorum and majority of a residents' meeting and the voting age. Selected by the "
            "date of the vote."
        ),
        source="城市居民委员会组织法 art. 9 (2018); 2025 revision from 2026-01-01",
        default=RESIDENTS_MEETING_2018,
        dated_defaults=((dt.date(2026, 1, 1), RESIDENTS_MEETING_2026),),
    )
)


class PartyMeeting(BaseModel):
    """党员大会: quorum over full members, majority over those entitled (应到会)."""

    quorum: Ratio
    quorum_base: Base = "entitled"
    majority: Ratio
    majority_base: Base = "entitled"
    basis: str = ""
    verified: bool = False


PARTY_MEETING = register(
    PolicyKind(
        "voting.party_meeting",
        _("Party members' meeting: quorum and majority"),
        PartyMeeting,
        description=_(
            "Default: more than half of the full members present, more than half of the "
            "members entitled to vote in favour [U]; probationary members have no vote."
        ),
        source="[U] local rules (governance-mechanisms §6.1 cites a 2/3 quorum in one model rule)",
        default={
            "quorum": MORE_THAN_HALF,
            "quorum_base": "entitled",
            "majority": MORE_THAN_HALF,
            "majority_base": "entitled",
            "basis": "[U] configurable; check the branch's rules",
            "verified": False,
        },
    )
)


class PublicVote(BaseModel):
    """A public vote of residents on projects (民生微实事, participatory budgets): the options are
    ranked by their support; no statute sets a turnout, so a minimum is local policy."""

    turnout: Ratio
    turnout_base: Base = "entitled"
    minimum_age: int = Field(18, ge=14, le=30)
    basis: str = ""
    verified: bool = False


PUBLIC_VOTE = register(
    PolicyKind(
        "voting.public_vote",
        _("Public vote on projects: minimum turnout"),
        PublicVote,
        description=_(
            "The share of the electorate that must take part before a public vote on projects "
            "(participatory budgeting) counts; none by default [U]: set it where a local rule "
            "asks for one."
        ),
        source="[U] local rules (governance-mechanisms §12: the community decides how to vote)",
        default={
            "turnout": _r(0, 1, True),
            "turnout_base": "entitled",
            "minimum_age": 18,
            "basis": "[U] 项目公众投票（如民生微实事）无法定参与率要求，由本地规定",
            "verified": False,
        },
    )
)


class OwnersJoint(BaseModel):
    """业主共同决定 (Civil Code art. 278): double tests on exclusive area and on owners."""

    participation_area: Ratio
    participation_owners: Ratio
    major_area: Ratio
    major_owners: Ratio
    ordinary_area: Ratio
    ordinary_owners: Ratio
    major_items: list[int] = Field(default_factory=lambda: [6, 7, 8])
    basis: str = ""
    verified: bool = True


OWNERS_JOINT = register(
    PolicyKind(
        "voting.owners_joint",
        _("Owners' joint decisions (Civil Code art. 278)"),
        OwnersJoint,
        statutory=True,
        description=_(
            "Participation by owners holding at least 2/3 of the exclusive area and at least "
            "2/3 of the owners; major matters need at least 3/4 of the participating area and "
            "owners, other matters more than half of each."
        ),
        source="民法典 art. 278, art. 1259; 最高法 建筑物区分所有权解释 arts. 7-9",
        default={
            "participation_area": _r(2, 3, True),  # 三分之二以上
            "participation_owners": _r(2, 3, True),
            "major_area": _r(3, 4, True),  # 四分之三以上
            "major_owners": _r(3, 4, True),
            "ordinary_area": MORE_THAN_HALF,  # 过半数
            "ordinary_owners": MORE_THAN_HALF,
            "major_items": [6, 7, 8],
            "basis": "民法典 art. 278 (in force 2021-01-01)",
            "verified": True,
        },
    )
)


class BodyMajority(BaseModel):
    """A plain majority of a body (committee, joint party committee…)."""

    quorum: Ratio
    quorum_base: Base = "entitled"
    majority: Ratio
    majority_base: Base = "participating"
    basis: str = ""


BODY_MAJORITY = register(
    PolicyKind(
        "voting.body_majority",
        _("Plain majority of a body"),
        BodyMajority,
        description=_(
            "Default: more than half of the members present, more than half of them in favour."
        ),
        default={
            "quorum": MORE_THAN_HALF,
            "quorum_base": "entitled",
            "majority": MORE_THAN_HALF,
            "majority_base": "participating",
            "basis": "common practice; set the body's own rules",
        },
    )
)


@dataclass(frozen=True)
class InForce:
    value: Any
    source: str  # "default" (shipped), "platform" or "node" (configured rows)
    effective_from: dt.date | None  # None: the shipped default that always applied
    policy_id: int | None


def rule_in_force(key: str, node: Any, on: dt.date) -> InForce:
    """The policy `key` in force at `node` on the date of the vote, with its origin."""
    resolved = resolve(key, node, on=on)
    if resolved.policy is not None:
        return InForce(
            resolved.value, resolved.source, resolved.policy.effective_from, resolved.policy.pk
        )
    since, _value = get_kind(key).default_entry(on)
    return InForce(resolved.value, "default", since, None)
