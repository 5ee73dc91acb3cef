from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation ("nav") or of the home page's actions ("home").

    `predicate(user, reach)` says whether the user gets it; `order` sorts the entries (web's
    own: 0–40; apps pick their own decade). `key` is the `section` a page puts in its context
    to mark the entry active.
    """

    key: str
    url_name: str
    label: Any
    predicate: Callable[[Any, Any], bool]
    order: int = 100
    place: str = "nav"


# Apps register their entries from AppConfig.ready() (docs/web.md, "Add a page"); the lists
# are keyed by (place, key), so registering twice replaces and no app edits another's lines.
NAV_ITEMS: dict[tuple[str, str], NavItem] = {}


def register_nav(
    key: str,
    url_name: str,
    label: Any,
    predicate: Callable[[Any, Any], bool],
    *,
    order: int = 100,
    place: str = "nav",
) -> NavItem:
    if place not in {"nav", "home"}:
        raise ValueError(f"unknown place {place!r}")
    item = NavItem(key, url_name, label, predicate, order, place)
    NAV_ITEMS[(place, key)] = item
    return item


def items_for(user: Any, r: Any, place: str = "nav") -> list[dict[str, Any]]:
    """The registered entries of `place` that `user` gets, in order."""
    chosen = sorted(
        (i for (p, _k), i in NAV_ITEMS.items() if p == place),
        key=lambda i: (i.order, i.key),
    )
    return [
        {"key": i.key, "label": i.label, "url": reverse(i.url_name)}
        for i in chosen
        if i.predicate(user, r)
    ]


def _signed_in(user: Any, r: Any) -> bool:
    return user is not None and user.is_authenticated


register_nav("home", "web:home", _("Home"), _signed_in, order=0)
register_nav(
    "territory",
    "territory:node-list",
    _("Territory"),
    lambda u, r: bool(r.grants) and r.can(roles.TERRITORY),
    order=10,
)
register_nav(
    "people",
    "people:person-list",
    _("Residents"),
    lambda u, r: bool(r.grants) and r.can(roles.PEOPLE),
    order=20,
)
register_nav(
    "organizations",
    "organizations:org-list",
    _("Organizations"),
    lambda u, r: bool(r.grants) and (r.can(roles.ORGANIZATIONS) or r.can(roles.OWN_ORGANIZATION)),
    order=30,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the user's reach (roles and scopes), the
    navigation those roles open (NAV_ITEMS), and the unread count (queried only when a
    template reads it)."""
    from cogov.accounts.scopes import reach

    user = getattr(request, "user", None)
    r = reach(user)
    nav = items_for(user, r) if user is not None and user.is_authenticated else []

    def home_actions() -> list[dict[str, Any]]:
        if user is None or not user.is_authenticated:
            return []
        return items_for(user, r, "home")

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
        "home_actions": home_actions,
        "is_staff_role": any(g.role.staff for g in r.grants),
        "unread_count": unread_count,
    }
