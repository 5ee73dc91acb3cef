"""The budgeting entry of the main navigation ("Micro-projects", 民生微实事): anyone with a
role in a territory, a household or an organization (residents propose and vote)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def sees_rounds(user: Any, r: Any) -> bool:
    return bool(r.everything or r.node_paths or r.household_ids or r.organization_ids)


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav("budgeting", "budgeting:round-list", _("Micro-projects"), sees_rounds, order=65)
