"""Local rules of the organizations app (governance-mechanisms.md §4, §9: all [U]).

- `organizations.joint_committee`: rotation period of the chair, meeting period, notice days,
  the usual size of the committee.
- `organizations.reporting`: how often reported members re-report (months), and the appraisal
  grades, each saying whether it needs a confirmed report (Foshan: a member who has not reported
  cannot be rated 合格 or above).
"""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register

JOINT_COMMITTEE = "organizations.joint_committee"
REPORTING = "organizations.reporting"

Period = Literal["month", "quarter", "half", "year"]
MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}


class JointCommitteeRules(BaseModel):
    rotation_period: Period = "month"
    meeting_period: Period = "month"
    notice_days: int = Field(3, ge=0, le=60)
    min_members: int = Field(9, ge=1)
    max_members: int = Field(11, ge=1)
    max_full_time: int = Field(2, ge=0)


class Grade(BaseModel):
    key: str = Field(min_length=1, max_length=32)
    label: str = Field(min_length=1, max_length=50)
    needs_report: bool = False


class ReportingRules(BaseModel):
    re_report_months: int = Field(6, ge=1, le=24)
    grades: list[Grade]

    @model_validator(mode="after")
    def _unique(self) -> ReportingRules:
        keys = [g.key for g in self.grades]
        if len(keys) != len(set(keys)) or not keys:
            raise ValueError("grades need distinct keys")
        return self


register(
    PolicyKind(
        JOINT_COMMITTEE,
        _("Joint party committee"),
        JointCommitteeRules,
        description=_("Rotation and meeting periods, notice, size of the joint party committee"),
        source="[U] governance-mechanisms §9 (monthly rotation and meetings: Changsong, Baotou)",
    )
)
register(
    PolicyKind(
        REPORTING,
        _("Dual reporting (双报到) and appraisal"),
        ReportingRules,
        description=_("Re-report interval and the grades of the yearly appraisal"),
        source="[U] governance-mechanisms §4.2 (Foshan: half-yearly; no 合格 without a report)",
        default={
            "re_report_months": 6,
            "grades": [
                {"key": "excellent", "label": "优秀", "needs_report": True},
                {"key": "qualified", "label": "合格", "needs_report": True},
                {"key": "basic", "label": "基本合格", "needs_report": False},
                {"key": "unqualified", "label": "不合格", "needs_report": False},
            ],
        },
    )
)
