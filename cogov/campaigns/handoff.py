"""Where a need found on a visit is sent: a registry of targets.

    register_target(CaseTarget())      # "case": report a case (cogov.cases.actions.report_case)
    # later: register_target(NeedTarget())  "need": the co-construction needs list

A target has a `key`, a `label`, `send(actor, finding, **options) -> str` (the reference of
what it created, e.g. a case uuid; it runs inside the hand-off transaction and raises
ActionError to refuse) and `resolved(refs) -> set[str]` (which of those references are
resolved now; the `campaigns.needs_resolved` metric asks it). Recipe in docs/campaigns.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cogov.core.errors import ActionError


class Target(Protocol):
    key: str
    label: str | Promise

    def send(self, actor: Any, finding: Any, **options: Any) -> str: ...

    def resolved(self, refs: Iterable[str]) -> set[str]: ...


_TARGETS: dict[str, Target] = {}


def register_target(target: Target) -> Target:
    if target.key in _TARGETS and _TARGETS[target.key] is not target:
        raise ValueError(f"hand-off target {target.key!r} is registered twice")
    _TARGETS[target.key] = target
    return target


def targets() -> dict[str, Target]:
    return dict(_TARGETS)


def get_target(key: str) -> Target:
    try:
        return _TARGETS[key]
    except KeyError:
        raise ActionError(str(_("Unknown hand-off target.")), field="target") from None


class CaseTarget:
    """Report the need as a case of the grid case loop: channel grid_worker, at the household's
    building (so the case lies in its grid), under the category the checklist field names (or
    the one chosen at hand-off)."""

    key = "case"
    label: str | Promise = _("Case (grid case loop)")

    def send(self, actor: Any, finding: Any, **options: Any) -> str:
        from cogov.accounts.scopes import reach
        from cogov.cases import actions as case_actions
        from cogov.cases.models import Category
        from cogov.cases.predicates import CASE_ROLES, FIELD

        code = options.get("category") or finding.case_category
        category = Category.objects.filter(code=code, active=True).first() if code else None
        if category is None:
            raise ActionError(str(_("Choose the case category.")), field="category")
        entry = finding.entry
        household = entry.household
        r = reach(actor)
        # The grid_worker channel is the cases app's to grant (grid workers and administrators);
        # other staff report through their default channel.
        field_work = r.everything or any(FIELD in CASE_ROLES.get(k, ()) for k in r.roles)
        description = _("%(campaign)s, %(household)s: %(label)s") % {
            "campaign": finding.campaign.title,
            "household": str(household),
            "label": finding.label,
        }
        if finding.detail:
            description = f"{description}\n{finding.detail}"
        case = case_actions.report_case(
            actor=actor,
            category=category,
            description=str(description),
            building=household.building,
            address=f"{household.building.address or household.building.name} {household.door}",
            channel="grid_worker" if field_work else None,
        )
        return str(case.uuid)

    def resolved(self, refs: Iterable[str]) -> set[str]:
        from cogov.cases.models import Case

        refs = [r for r in refs if r]
        if not refs:
            return set()
        return {
            str(u)
            for u in Case.objects.filter(uuid__in=refs, status="closed").values_list(
                "uuid", flat=True
            )
        }


register_target(CaseTarget())
