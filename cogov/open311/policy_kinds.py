"""Local settings of the Open311 endpoint, as one platform-wide policy (docs/open311.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field

from cogov.core.policies import PolicyKind, register


class Open311Settings(BaseModel):
    # Empty: the codes of the platform's district nodes are the accepted jurisdiction ids.
    jurisdiction_ids: list[str] = Field(default_factory=list)
    endpoint_type: str = Field("production", pattern="^(production|test)$")
    changeset: str = Field("2026-11-22T00:00:00Z", description="ISO 8601 time of the last change")
    contact: str = ""
    key_service: str = Field(
        "", description="how to obtain an api_key (a sentence or a URL), shown in discovery"
    )
    default_days: int = Field(90, ge=1, le=3660, description="GET requests: default window")
    max_requests: int = Field(1000, ge=1, le=10000, description="GET requests: most returned")
    service_notice: str = ""


SETTINGS = register(
    PolicyKind(
        "open311.settings",
        _("Open311 GeoReport v2"),
        Open311Settings,
        description=_(
            "Accepted jurisdiction ids, discovery contact and key service, the default window and "
            "the largest number of requests one GET answers, the notice shown with each request."
        ),
        source="Open311 GeoReport v2 (default 90 days, at most 1000 requests per answer)",
        default={
            "jurisdiction_ids": [],
            "endpoint_type": "production",
            "changeset": "2026-11-22T00:00:00Z",
            "contact": "",
            "key_service": "",
            "default_days": 90,
            "max_requests": 1000,
            "service_notice": "",
        },
    )
)
