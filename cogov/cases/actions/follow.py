"""Following a case: a neighbour who meets a problem already reported follows that case
instead of reporting it again, and is told at the moments the reporter is (replied, closed,
reopened; see common._tell)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cogov.core.errors import ActionError

from ..models import Case, CaseFollower
from ..workflow import OPEN_STATUSES
from .common import audience, require


def follow_case(*, actor: Any, case: Case) -> CaseFollower:
    """Follow an open original case (not a merged duplicate). Following twice is a no-op."""
    require(actor, "cases.follow_case", case)
    if case.status not in OPEN_STATUSES or case.duplicate_of_id:
        raise ActionError("only an open case can be followed", field="case")
    with transaction.atomic():
        row, _created = CaseFollower.objects.get_or_create(case=case, user=actor)
    return row


def unfollow_case(*, actor: Any, case: Case) -> bool:
    """Stop following; True if the user was following. Anyone may stop following."""
    if actor is None or not actor.is_authenticated:
        raise ActionError("sign in", field="case")
    with transaction.atomic():
        deleted, _ = CaseFollower.objects.filter(case=case, user=actor).delete()
    return bool(deleted)


def is_following(user: Any, case: Case) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and CaseFollower.objects.filter(case=case, user=user).exists()
    )


def carry_followers(duplicate: Case, into: Case) -> None:
    """The reporter and followers of a merged duplicate follow the original (inside the merge's
    transaction)."""
    keep = {u.pk for u in audience(into, "reporter")}
    users = [u for u in audience(duplicate, "reporter", "followers") if u.pk not in keep]
    CaseFollower.objects.bulk_create(
        [CaseFollower(case=into, user=u) for u in users], ignore_conflicts=True
    )
