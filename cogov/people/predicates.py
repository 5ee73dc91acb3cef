"""Predicates of the people app (composed into named permissions in rules.py)."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q
from django.utils import timezone

from cogov.accounts.predicates import capability_over
from cogov.accounts.roles import PEOPLE, REVEAL_PII, VERIFY
from cogov.accounts.scopes import reach

has_people_over = capability_over(PEOPLE)
has_reveal_pii_over = capability_over(REVEAL_PII)
has_verify_over = capability_over(VERIFY)


@rules.predicate
def in_own_household(user: Any, person: Any) -> bool:
    """The person is the user, or lives in a household the user belongs to or owns."""
    if person is None:
        return False
    r = reach(user)
    return person.pk == r.person_id or (
        person.household_id is not None and person.household_id in r.household_ids
    )


@rules.predicate
def is_own_verification(user: Any, verification: Any) -> bool:
    """Nobody decides their own claim, not even an administrator."""
    return verification is not None and verification.user_id == getattr(user, "pk", None)


@rules.predicate
def holds_proxy_for(user: Any, person: Any) -> bool:
    """A written proxy authorisation from `person` to `user` is in force today."""
    if person is None or not getattr(user, "pk", None):
        return False
    from .models import ProxyAuthorization

    today = timezone.localdate()
    return (
        ProxyAuthorization.objects.filter(
            person=person, agent=user, revoked_at__isnull=True, valid_from__lte=today
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .exists()
    )


can_view_person = has_people_over | in_own_household
can_reveal_pii = has_reveal_pii_over
can_manage_person = has_verify_over
can_verify = has_verify_over & ~is_own_verification
can_act_for = has_verify_over & holds_proxy_for
