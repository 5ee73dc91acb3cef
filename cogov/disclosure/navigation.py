"""The disclosure entries in the main navigation: notices and compliance for the roles that
work with them (community staff, street and district officials); the public board is linked
from there and from the community's pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .predicates import COMPLIANCE, VIEW, paths_with


def works_with_notices(user: Any, r: Any) -> bool:
    return r.everything or bool(paths_with(r, VIEW))


def sees_compliance(user: Any, r: Any) -> bool:
    return r.everything or bool(paths_with(r, COMPLIANCE))


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav(
        "disclosure", "disclosure:notice-list", _("Disclosure"), works_with_notices, order=110
    )
