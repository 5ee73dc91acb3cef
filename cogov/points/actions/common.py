"""Helpers shared by the points actions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from cogov.core.errors import ActionError, NotAllowed

from ..models import Account


def require(actor: Any, permission: str, obj: Any = None, message: str = "") -> None:
    if not actor.has_perm(permission, obj):
        raise NotAllowed(message or "you may not do this")


def community_of(person: Any) -> Any:
    """The community a resident lives in (through the grid of the household), or None."""
    grid = getattr(person, "grid", None)
    return grid.ancestor_of_level("community") if grid is not None else None


def account_for(person: Any, community: Any, kind: str) -> Account:
    """The person's account of `kind` in `community`, opened on first use. Safe when two
    transactions open it at once (the unique constraint decides, the loser reads the row)."""
    if community is None:
        raise ActionError(gettext("the resident has no community"), field="person")
    with transaction.atomic():
        account, _created = Account.objects.get_or_create(
            person=person, community=community, kind=kind
        )
    return account


def person_required(actor: Any) -> Any:
    from ..predicates import person_of

    person = person_of(actor)
    if person is None:
        raise ActionError(
            gettext("your account is not linked to a resident record"), field="person"
        )
    return person
