"""The funds entry in the main navigation: every signed-in role with a node scope (summaries
are public to them; staff see the journals)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def sees_funds(user: Any, r: Any) -> bool:
    return r.everything or any(g.node_path for g in r.grants)


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav("funds", "funds:list", _("Funds"), sees_funds, order=95)
