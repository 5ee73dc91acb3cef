"""The "need" target of the campaigns hand-off registry: a need found on a household visit
goes onto the community's needs list (source: grid visit). Registered from this app's
AppConfig.ready, so the campaigns app's files stay as they are."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class NeedTarget:
    key = "need"
    label: str | Promise = _("Needs list (co-construction)")

    def send(self, actor: Any, finding: Any, **options: Any) -> str:
        """Create the need at the household's building, as COLLECTED. The campaigns app has
        already checked that the actor may hand the finding off; whoever visits the
        household may put what they found on the list."""
        from .actions.needs import _create_from_visit
        from .models import ServiceCategory

        # The campaigns page may pass a case category code; the needs list has its own.
        category = options.get("category")
        if category not in ServiceCategory.values:
            category = ServiceCategory.OTHER

        need = _create_from_visit(actor=actor, finding=finding, category=category)
        return str(need.uuid)

    def resolved(self, refs: Iterable[str]) -> set[str]:
        from .models import Need

        refs = [r for r in refs if r]
        if not refs:
            return set()
        return {
            str(u)
            for u in Need.objects.filter(uuid__in=refs, status="met").values_list("uuid", flat=True)
        }


def _register() -> None:
    try:
        from cogov.campaigns.handoff import register_target
    except ImportError:  # the campaigns app is not installed
        return
    register_target(NEED_TARGET)


NEED_TARGET = NeedTarget()
_register()
