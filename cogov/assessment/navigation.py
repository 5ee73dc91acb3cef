"""The assessment entries in the main navigation: rounds and dashboards for whoever holds the
metrics capability (or evaluates), indicator systems for evaluators and administrators."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def sees_assessment(user: Any, r: Any) -> bool:
    return r.everything or bool(r.paths_with("metrics")) or "evaluator" in r.roles


def manages_systems(user: Any, r: Any) -> bool:
    return r.everything or "evaluator" in r.roles


def register() -> None:
    from cogov.web.context_processors import register_nav

    register_nav("dashboard", "assessment:dashboard-home", _("Dashboard"), sees_assessment,
                 order=120)  # fmt: skip
    register_nav("rounds", "assessment:round-list", _("Assessment rounds"), sees_assessment,
                 order=121)  # fmt: skip
    register_nav("systems", "assessment:system-list", _("Indicator systems"), manages_systems,
                 order=122)  # fmt: skip
