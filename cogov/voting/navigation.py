"""The voting app's entry in the main navigation (cogov.web's NAV_ITEMS registry): "Votes"
for anyone with a role in a territory or a household (residents and owners vote there)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def sees_votes(user: Any, r: Any) -> bool:
    return bool(r.everything or r.node_paths or r.household_ids)


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav("voting", "voting:vote-list", _("Votes"), sees_votes, order=60)
