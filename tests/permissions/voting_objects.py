"""The objects the role-matrix test checks the voting permissions against: votes of the
world's three communities (both streets) and of the other district, drafts (nobody on a roll
yet) and closed ones (results published)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cogov.voting.models import Vote


def _vote(node: Any, status: str) -> Vote:
    return Vote.objects.create(
        node=node,
        title="表决",
        electorate="residents",
        rule="residents_meeting",
        opens_at=timezone.now(),
        status=status,
    )


def voting_objects(world: Any, elsewhere: dict[str, Any], persona: str) -> dict[str, list[Any]]:
    communities = [world.nodes[k] for k in ("C1", "C2", "C3")] + [elsewhere["C"]]
    drafts = [_vote(c, "draft") for c in communities]
    closed = [_vote(c, "closed") for c in communities]
    return {
        "voting.view_vote": drafts,
        "voting.organize_vote": drafts,
        "voting.record_ballot": drafts,
        "voting.cast_ballot": drafts,
        "voting.view_results": closed,
        "voting.verify_vote": closed,
    }
