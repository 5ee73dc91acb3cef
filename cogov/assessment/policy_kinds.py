"""Local numbers of assessment: the grade thresholds (双述双评 four grades)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register


class GradeThresholds(BaseModel):
    # Minimum score (0-100) for each grade; below `basic` is 不称职.
    excellent: float = Field(90, ge=0, le=100)
    competent: float = Field(75, ge=0, le=100)
    basic: float = Field(60, ge=0, le=100)

    @model_validator(mode="after")
    def _descending(self) -> GradeThresholds:
        if not self.excellent >= self.competent >= self.basic:
            raise ValueError(gettext("The thresholds descend: excellent ≥ competent ≥ basic."))
        return self


GRADES = register(
    PolicyKind(
        "assessment.grades",
        _("Assessment grade thresholds"),
        GradeThresholds,
        description=_("Minimum scores for Excellent, Competent and Basically competent."),
        source="governance-mechanisms.md §14.2 (双述双评 four grades); thresholds are local [U]",
    )
)
