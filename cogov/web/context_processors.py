from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the user's reach (roles and scopes)."""
    from cogov.accounts.scopes import reach

    user = getattr(request, "user", None)
    r = reach(user)
    return {"reach": r, "user_roles": sorted(r.roles)}
