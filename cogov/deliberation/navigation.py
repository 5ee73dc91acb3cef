"""The deliberation app's entries in cogov.web's navigation registry: "Deliberation" (topics,
meetings, resolutions) for anyone who belongs to a community, and the public notice board
on a community's page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .access import community_paths


def takes_part(user: Any, r: Any) -> bool:
    return bool(r.everything or community_paths(user))


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav("deliberation", "deliberation:topic-list", _("Deliberation"), takes_part, order=61)
