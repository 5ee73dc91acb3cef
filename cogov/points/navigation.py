"""The points entries in the main navigation (cogov.web's NAV_ITEMS registry): my points and
the shop for accounts linked to a resident record (who earn and spend) and for points
managers (who run the shop); the activity calendar for every role."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .predicates import manager_paths


def earns(user: Any, r: Any) -> bool:
    """Linked to a resident record: earns points, signs up, redeems."""
    return r.person_id is not None


def sees_activities(user: Any, r: Any) -> bool:
    return bool(r.grants) or r.person_id is not None


def uses_shop(user: Any, r: Any) -> bool:
    return r.person_id is not None or r.everything or bool(manager_paths(r))


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav("points", "points:my-points", _("My points"), earns, order=90)
    register_nav("activities", "points:calendar", _("Activities"), sees_activities, order=91)
    register_nav("shop", "points:shop", _("Points shop"), uses_shop, order=92)
