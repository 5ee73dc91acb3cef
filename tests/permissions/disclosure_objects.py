"""The objects the role-matrix test checks the disclosure permissions against: the community
nodes of the world and of another district (and their streets and district for compliance),
and a published notice with an open objection window in each community."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cogov.disclosure.models import Notice
from cogov.territory.models import Level, Node


def disclosure_objects(world: Any, elsewhere: dict[str, Any], persona: str) -> dict[str, list[Any]]:
    communities = [world.nodes["C1"], world.nodes["C2"], world.nodes["C3"], elsewhere["C"]]
    now = timezone.now()
    notices = [
        Notice.objects.create(
            community=c,
            category="residents",
            title="工作经费使用情况",
            body="收支情况",
            status="published",
            proposed_by=world.users["admin"],
            published_at=now,
            posting_starts_at=now,
            posting_ends_at=now + dt.timedelta(days=7),
            objections_until=now + dt.timedelta(days=7),
        )
        for c in communities
    ]
    areas = list(Node.objects.filter(level__in=(Level.DISTRICT, Level.STREET, Level.COMMUNITY)))
    return {
        "disclosure.view_notices": communities,
        "disclosure.propose": communities,
        "disclosure.review": notices,
        "disclosure.approve": notices,
        "disclosure.approve_escalated": notices,
        "disclosure.answer_objection": notices,
        "disclosure.view_compliance": areas,
        "disclosure.object": notices,
    }
