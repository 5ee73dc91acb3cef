"""The case loop as one transition table: grid case loop (数字城管) merged with the 12345 work
order (接诉即办) and the street whistle (吹哨报到). docs/cases/workflow.md draws it.

    reported ─verify─► verified ─file─► filed ─dispatch─► dispatched ─sign─► signed
       │ └─void─► void   └─void┘      └─void┘          └─return─► returned ─dispatch┘
       └─answer (咨询) / handled on the spot ─► closed
    signed ─contact (响应)─► handling ─reply─► replied ─check pass─► checked ─revisit─► revisited
    handling ⇄ postponement_requested (approve / refuse);  handling ⇄ hung (承诺件, resume)
    replied ─check fail (返工)─► handling;  checked / revisited ─close─► closed
    filed / dispatched / returned / signed / handling / hung ─escalate─► escalated
    escalated ─dispatch or whistle (吹哨)─► dispatched;  revisited / closed ─reopen─► handling

Every action moves a case only through `move()`, which calls cogov.core.workflow.transition and
so writes one CaseEvent per step; a step not in the table raises InvalidTransition.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from cogov.core.workflow import TransitionTable, transition


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified")
    FILED = "filed", _("Filed")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURNED = "returned", _("Returned as wrongly dispatched")
    SIGNED = "signed", _("Signed for")
    HANDLING = "handling", _("Being handled")
    POSTPONEMENT_REQUESTED = "postponement_requested", _("Postponement requested")
    HUNG = "hung", _("Hung (committed case)")
    ESCALATED = "escalated", _("Escalated to the street")
    REPLIED = "replied", _("Replied")
    CHECKED = "checked", _("Checked")
    REVISITED = "revisited", _("Revisited")
    CLOSED = "closed", _("Closed")
    VOID = "void", _("Void")


S = Status

CASE_TRANSITIONS = TransitionTable(
    {
        S.REPORTED: {
            S.VERIFIED,
            S.VOID,
            S.CLOSED,
        },  # closed: consultation answered / handled on the spot
        S.VERIFIED: {S.FILED, S.VOID},
        S.FILED: {S.DISPATCHED, S.VOID, S.ESCALATED},
        S.DISPATCHED: {S.SIGNED, S.RETURNED, S.ESCALATED},
        S.RETURNED: {S.DISPATCHED, S.ESCALATED},
        S.SIGNED: {S.HANDLING, S.ESCALATED},
        S.HANDLING: {S.POSTPONEMENT_REQUESTED, S.HUNG, S.REPLIED, S.ESCALATED},
        S.POSTPONEMENT_REQUESTED: {S.HANDLING},
        S.HUNG: {S.HANDLING, S.ESCALATED},
        S.ESCALATED: {S.DISPATCHED},
        S.REPLIED: {S.CHECKED, S.HANDLING},  # handling: check failed, rework (返工)
        S.CHECKED: {S.REVISITED, S.CLOSED},  # closed directly only when no requester to revisit
        S.REVISITED: {S.CLOSED, S.HANDLING},  # handling: reopened because the revisit says so
        S.CLOSED: {S.HANDLING},  # reopened
    }
)

OPEN_STATUSES = frozenset(set(Status.values) - {S.CLOSED, S.VOID})
# Statuses in which the lead organization holds the case.
WITH_HANDLER = frozenset({S.DISPATCHED, S.SIGNED, S.HANDLING, S.POSTPONEMENT_REQUESTED, S.HUNG})


class Resolution(models.TextChoices):
    RESOLVED = "resolved", _("Resolved (解决)")
    PARTLY = "partly", _("Partly resolved (部分解决)")
    UNRESOLVED = "unresolved", _("Unresolved (未解决)")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied (满意)")
    FAIRLY = "fairly", _("Fairly satisfied (基本满意)")
    DISSATISFIED = "dissatisfied", _("Dissatisfied (不满意)")
    UNRATED = "unrated", _("Not rated (未评价)")


def move(
    case: Any,
    to_status: str,
    *,
    actor: Any,
    kind: str,
    note: str = "",
    evidence: dict[str, Any] | None = None,
    organization: Any = None,
    **updates: Any,
) -> Any:
    """Move `case` along the table and append its CaseEvent (kind = the action's name,
    organization = the organization acting or acted upon); `updates` are case fields set with
    the status."""
    from .models import CaseEvent

    return transition(
        case,
        to_status,
        table=CASE_TRANSITIONS,
        events=CaseEvent,
        actor=actor,
        note=note,
        evidence=evidence,
        extra_updates=updates or None,
        kind=kind,
        organization=organization,
    )
