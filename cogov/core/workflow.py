"""One transition table per stateful model, one event row per transition.

    CASE_TRANSITIONS = TransitionTable({
        Status.REPORTED: {Status.VERIFIED, Status.VOID},
        ...
    })
    transition(case, Status.VERIFIED, actor=user, events=CaseEvent, note="…")

`transition` moves the status with a conditional UPDATE (`WHERE status = <from>`), so two
workers racing on the same object cannot both move it; the loser gets InvalidTransition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import InvalidTransition
from .models import WorkflowEvent


class TransitionTable:
    def __init__(self, table: Mapping[str, Iterable[str]]) -> None:
        self.table: dict[str, frozenset[str]] = {
            str(k): frozenset(map(str, v)) for k, v in table.items()
        }
        # The statuses' labels (TextChoices members carry one) name them in error messages.
        self.labels: dict[str, Any] = {}
        for k, v in table.items():
            for status in (k, *v):
                if hasattr(status, "label"):
                    self.labels[str(status)] = status.label

    def label(self, status: str) -> str:
        """The status's label in the active language (the value itself when it has none)."""
        return str(self.labels.get(str(status), status))

    def allowed(self, from_status: str) -> frozenset[str]:
        return self.table.get(str(from_status), frozenset())

    def can(self, from_status: str, to_status: str) -> bool:
        return str(to_status) in self.allowed(from_status)

    def check(self, from_status: str, to_status: str) -> None:
        if not self.can(from_status, to_status):
            raise InvalidTransition(
                _("The status cannot change from “%(from_status)s” to “%(to_status)s”.")
                % {"from_status": self.label(from_status), "to_status": self.label(to_status)}
            )

    def statuses(self) -> set[str]:
        found = set(self.table)
        for targets in self.table.values():
            found |= targets
        return found


def transition(
    obj: models.Model,
    to_status: str,
    *,
    table: TransitionTable,
    events: type[WorkflowEvent],
    actor: Any,
    note: str = "",
    evidence: dict[str, Any] | None = None,
    status_field: str = "status",
    extra_updates: dict[str, Any] | None = None,
    **event_fields: Any,
) -> WorkflowEvent:
    """Move `obj` to `to_status` and append the event. Runs inside the caller's transaction."""
    from_status = str(getattr(obj, status_field))
    table.check(from_status, to_status)
    updates = {status_field: to_status, **(extra_updates or {})}
    with transaction.atomic():
        moved = (
            type(obj)
            ._default_manager.filter(pk=obj.pk, **{status_field: from_status})
            .update(**updates)
        )
        if moved != 1:
            raise InvalidTransition(
                _("Someone changed this %(object)s meanwhile: it is no longer “%(status)s”.")
                % {"object": obj._meta.verbose_name, "status": table.label(from_status)}
            )
        for key, value in updates.items():
            setattr(obj, key, value)
        fields: dict[str, Any] = {
            "subject": obj,  # every concrete event model names its foreign key `subject`
            "actor": actor if getattr(actor, "pk", None) else None,
            "at": timezone.now(),
            "from_status": from_status,
            "to_status": to_status,
            "note": note,
            "evidence": evidence or {},
            **event_fields,
        }
        return events.objects.create(**fields)
