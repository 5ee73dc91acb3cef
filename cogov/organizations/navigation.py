"""The organizations app's entries in the main navigation (cogov.web's NAV_ITEMS registry):
双报到 for in-service party members and co-construction unit liaisons. The joint party
committee and the community's 双报到 desk are reached from the directory (they belong to one
organization or community, so they have no list of their own)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

REPORTERS = frozenset({"party_member", "unit_liaison"})


def reports(user: Any, r: Any) -> bool:
    """In-service members report to their home community, liaisons report their unit."""
    return bool(r.everything or r.roles & REPORTERS)


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav(
        "dual-report", "organizations:my-reporting", _("Dual reporting"), reports, order=35
    )
