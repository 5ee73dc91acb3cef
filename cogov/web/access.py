"""Object lookups for views: forbidden and missing answer alike (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from cogov.accounts.scopes import reach


def get_visible_or_404(qs: Any, user: Any, **lookup: Any) -> Any:
    return get_object_or_404(qs.visible_to(user), **lookup)


def require_capability(user: Any, capability: str, node: Any = None) -> None:
    """404 unless one of the user's roles gives `capability` (over `node`, when given).

    A page the user may not use answers like a page that does not exist, as objects do."""
    if not reach(user).can(capability, node):
        raise Http404


def visible_ids(qs: QuerySet[Model], user: Any) -> set[int]:
    return set(qs.visible_to(user).values_list("pk", flat=True))  # type: ignore[attr-defined]
