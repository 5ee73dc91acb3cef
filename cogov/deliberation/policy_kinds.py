"""Local numbers of deliberation, as policies (governance-mechanisms §6, §7, §11).

Nearly all of them are local practice ([S]/[U] in the reference); the owners' assembly notice
(15 days) and the 20 % extraordinary request are statutory (物业管理条例 arts. 13-14).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field

from cogov.core.policies import PolicyKind, register


class Topics(BaseModel):
    cosign_threshold: int = Field(
        10, ge=0, le=10_000, description="co-signatures a resident's topic needs"
    )
    cosign_days: int = Field(30, ge=1, le=365, description="calendar days to collect them")
    triage_working_days: int = Field(
        5, ge=1, le=60, description="working days to accept or decline"
    )


TOPICS = register(
    PolicyKind(
        "deliberation.topics",
        _("Deliberation topics: co-signatures and triage"),
        Topics,
        description=_(
            "How many residents must co-sign a resident's topic, how long they have, and how "
            "many working days the community party organization has to accept or decline it."
        ),
        source="[U] local practice (governance-mechanisms §6.2: '≥N residents, configurable')",
        default={"cosign_threshold": 10, "cosign_days": 30, "triage_working_days": 5},
    )
)


class NoticePeriods(BaseModel):
    """Calendar days of notice before a meeting, by body (keys of BodyKind)."""

    days: dict[str, int] = Field(default_factory=dict)
    default: int = Field(3, ge=0, le=60)

    def for_body(self, body: str) -> int:
        return int(self.days.get(body, self.default))


NOTICE_PERIODS = register(
    PolicyKind(
        "deliberation.notice_periods",
        _("Meeting notice periods"),
        NoticePeriods,
        description=_(
            "Calendar days between the notice of a meeting and the meeting, per body. The "
            "owners' assembly needs 15 days (物业管理条例 art. 14); the rest is local practice."
        ),
        source="物业管理条例 art. 14 (owners' assembly); [U] local practice for the others",
        default={
            "days": {
                "party_organization": 1,
                "two_committees": 1,
                "party_members": 3,
                "residents_meeting": 7,
                "residents_representatives": 5,
                "owners_assembly": 15,
                "consultation": 3,
            },
            "default": 3,
        },
    )
)


class OwnersAssembly(BaseModel):
    extraordinary_numerator: int = Field(1, ge=1)
    extraordinary_denominator: int = Field(5, ge=1)


OWNERS_ASSEMBLY = register(
    PolicyKind(
        "deliberation.owners_assembly",
        _("Owners' assembly: extraordinary meetings"),
        OwnersAssembly,
        statutory=True,
        description=_(
            "The share of owners whose request obliges the owners' committee to call an "
            "extraordinary assembly (20 %)."
        ),
        source="物业管理条例 art. 13",
        default={"extraordinary_numerator": 1, "extraordinary_denominator": 5},
    )
)


class Disclosure(BaseModel):
    posting_days: int = Field(7, ge=1, le=90, description="days a resolution stays on the board")
    objection_days: int = Field(7, ge=0, le=90, description="days residents may object")
    answer_working_days: int = Field(3, ge=1, le=30, description="working days to answer")


DISCLOSURE = register(
    PolicyKind(
        "deliberation.disclosure",
        _("Publication of resolutions and results"),
        Disclosure,
        description=_(
            "How long a resolution stays on the community notice board, how long residents may "
            "object, and how many working days the residents' committee has to answer."
        ),
        source="[S] 四议两公开 flow charts (governance-mechanisms §6.1): ≥7 days, answers ≤3 days",
        default={"posting_days": 7, "objection_days": 7, "answer_working_days": 3},
    )
)


class RulesOfOrder(BaseModel):
    speech_minutes: int = Field(2, ge=1, le=60)
    speeches_per_motion: int = Field(2, ge=1, le=20)
    second_required: bool = True


RULES_OF_ORDER = register(
    PolicyKind(
        "deliberation.rules_of_order",
        _("Rules of order"),
        RulesOfOrder,
        description=_(
            "Speaking limits per member and motion, and whether a motion needs a second "
            "before debate (罗伯特议事规则 as adapted in 南塘)."
        ),
        source="[S] governance-mechanisms §6.3: ≤2 min per speech, ≤2 speeches per motion",
        default={"speech_minutes": 2, "speeches_per_motion": 2, "second_required": True},
    )
)


class RecurringCases(BaseModel):
    min_cases: int = Field(5, ge=1, le=10_000)
    period_days: int = Field(90, ge=1, le=730)


RECURRING_CASES = register(
    PolicyKind(
        "deliberation.recurring_cases",
        _("Recurring cases suggested as topics"),
        RecurringCases,
        description=_(
            "A case category with at least this many cases in a grid or community over the "
            "period is suggested as a deliberation topic."
        ),
        default={"min_cases": 5, "period_days": 90},
    )
)
