from __future__ import annotations

import functools
import importlib.util
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cogov.accounts import roles


@functools.cache
def _calendar_warning_available() -> bool:
    # The core app's tag library may be absent in a trimmed install; the layout then skips it.
    try:
        return importlib.util.find_spec("cogov.core.templatetags.cogov_core") is not None
    except ModuleNotFoundError:
        return False


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the user's reach (roles and scopes), the
    navigation those roles open, and the unread count (queried only when a template reads it)."""
    from cogov.accounts.scopes import reach

    user = getattr(request, "user", None)
    r = reach(user)
    nav: list[dict[str, Any]] = []
    if r.grants:
        nav.append({"key": "home", "label": _("Home"), "url": reverse("web:home")})
        if r.can(roles.TERRITORY):
            nav.append(
                {"key": "territory", "label": _("Territory"), "url": reverse("territory:node-list")}
            )
        if r.can(roles.PEOPLE):
            nav.append(
                {"key": "people", "label": _("Residents"), "url": reverse("people:person-list")}
            )
        if r.can(roles.ORGANIZATIONS) or r.can(roles.OWN_ORGANIZATION):
            nav.append(
                {
                    "key": "organizations",
                    "label": _("Organizations"),
                    "url": reverse("organizations:org-list"),
                }
            )
    elif user is not None and user.is_authenticated:
        nav.append({"key": "home", "label": _("Home"), "url": reverse("web:home")})

    def unread_count() -> int:
        if user is None or not user.is_authenticated:
            return 0
        from cogov.core.models import Notification

        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {
        "calendar_warning_available": _calendar_warning_available(),
        "reach": r,
        "user_roles": sorted(r.roles),
        "nav": nav,
        "is_staff_role": any(g.role.staff for g in r.grants),
        "unread_count": unread_count,
    }
