"""Template tags of core.

    {% load cogov_core %}
    {% calendar_warning %}

`calendar_warning` shows staff a warning when this year's or next year's holiday schedule is
not known (neither the calendar library nor a `calendar.holidays` policy has it), so working-day
deadlines for that year count weekends only. It renders nothing otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cogov.accounts.scopes import reach
from cogov.core.calendar import coverage

register = template.Library()


def _today() -> dt.date:
    return timezone.localdate()


@register.inclusion_tag("core/calendar_warning.html", takes_context=True)
def calendar_warning(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = getattr(context["request"], "user", None)
    r = reach(user)
    if not any(g.role.staff for g in r.grants):
        return {"missing_years": []}
    year = _today().year
    missing = [y for y, source in coverage([year, year + 1]).items() if source == "weekends"]
    admin_url = ""
    if missing and r.everything:
        try:
            admin_url = reverse("admin:core_policy_add") + "?kind=calendar.holidays"
        except NoReverseMatch:
            admin_url = ""
    return {
        "missing_years": missing,
        "years": ", ".join(str(y) for y in missing),
        "admin_url": admin_url,
    }
