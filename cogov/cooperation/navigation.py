"""The co-construction entries in the main navigation (cogov.web's NAV_ITEMS registry): the
three lists (needs, resources, projects) and the micro-wishes for anyone whose roles reach a
community or an organization; "Post a micro-wish" on the home page of residents and of the
staff who submit wishes for them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cogov.accounts.roles import VERIFY

from .access import RESIDENT_ROLES


def sees_lists(user: Any, r: Any) -> bool:
    """Every role reaches some community's lists (a node scope or an organization's base)."""
    return bool(r.grants)


def submits_wishes(user: Any, r: Any) -> bool:
    """cooperation.submit_wish without an object: a resident or owner, or staff who verify."""
    return bool(r.everything or r.roles & RESIDENT_ROLES or r.paths_with(VERIFY))


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav("cooperation", "cooperation:index", _("Co-construction"), sees_lists, order=80)
    register_nav("wishes", "cooperation:wish-list", _("Micro-wishes"), sees_lists, order=81)
    register_nav(
        "wish-new",
        "cooperation:wish-new",
        _("Post a micro-wish"),
        submits_wishes,
        place="home",
        order=80,
    )
