"""Local numbers of campaigns, as policy (governance-mechanisms §1.7: all local practice)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field

from cogov.core.policies import PolicyKind, register


class Capacity(BaseModel):
    grid_worker: int = Field(300, ge=0)
    staff: int = Field(150, ge=0)
    party_member: int = Field(30, ge=0)
    volunteer: int = Field(20, ge=0)


class CampaignRules(BaseModel):
    visit_within_hours: int = Field(72, ge=1, le=24 * 90)
    capacity: Capacity = Field(default_factory=lambda: Capacity.model_validate({}))


RULES = register(
    PolicyKind(
        "campaigns.rules",
        _("Campaigns: visit deadline and default capacities"),
        CampaignRules,
        description=_(
            "Hours after activation within which every household should be visited (pending "
            "households after that are overdue), and how many households each kind of "
            "participant takes by default."
        ),
        source="local practice [U]",
    )
)
