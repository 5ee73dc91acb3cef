"""The cases app's entries in the main navigation and on the home page (cogov.web's
NAV_ITEMS registry): the queue for anyone with a role or a household, and "Report a problem"
leading to the form that fits the role."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .predicates import CASE_ROLES, FIELD, MANAGE


def _has(r: Any, capability: str) -> bool:
    return r.everything or any(capability in CASE_ROLES.get(k, ()) for k in r.roles)


def sees_cases(user: Any, r: Any) -> bool:
    return bool(r.grants) or bool(r.household_ids)


def reports_as_resident(user: Any, r: Any) -> bool:
    return bool(r.household_ids)


def reports_as_grid_worker(user: Any, r: Any) -> bool:
    return any(FIELD in CASE_ROLES.get(k, ()) for k in r.roles)


def takes_hotline_calls(user: Any, r: Any) -> bool:
    return _has(r, MANAGE)


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav("cases", "cases:queue", _("Cases"), sees_cases, order=50)
    register_nav(
        "report", "cases:report", _("Report a problem"), reports_as_resident, place="home", order=10
    )
    register_nav(
        "quick",
        "cases:quick",
        _("Report a problem (quick report)"),
        reports_as_grid_worker,
        place="home",
        order=11,
    )
    register_nav(
        "hotline",
        "cases:hotline",
        _("Report a problem (hotline call)"),
        takes_hotline_calls,
        place="home",
        order=12,
    )
