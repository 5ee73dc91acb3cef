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

Every action moves a case only through `move()`, which checks the action's step in STEPS and
calls cogov.core.workflow.transition, writing one CaseEvent per step; anything else raises
InvalidTransition.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.errors import InvalidTransition
from cogov.core.workflow import TransitionTable, transition


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", pgettext_lazy("case status", "Verified")
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
    CLOSED = "closed", pgettext_lazy("case status", "Closed")
    VOID = "void", _("Void")


S = Status

# The table: each step is an action (the CaseEvent kind) with the statuses it starts from and
# the status it leads to. CASE_TRANSITIONS (from → to) is derived from it for the core engine.
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "verify": (frozenset({S.REPORTED}), S.VERIFIED),
    "void": (frozenset({S.REPORTED, S.VERIFIED, S.FILED}), S.VOID),
    "merge": (frozenset({S.REPORTED, S.VERIFIED, S.FILED}), S.VOID),
    "answer": (frozenset({S.REPORTED}), S.CLOSED),  # consultation (咨询) answered at once
    "on_spot": (frozenset({S.REPORTED}), S.CLOSED),  # grid worker handled it on the spot
    "file": (frozenset({S.VERIFIED}), S.FILED),
    "dispatch": (frozenset({S.FILED, S.RETURNED, S.ESCALATED}), S.DISPATCHED),
    "whistle": (frozenset({S.ESCALATED}), S.DISPATCHED),
    "sign": (frozenset({S.DISPATCHED}), S.SIGNED),
    "return": (frozenset({S.DISPATCHED}), S.RETURNED),  # wrongly dispatched
    "contact": (frozenset({S.SIGNED}), S.HANDLING),  # 先行联系 (响应)
    "request_postponement": (frozenset({S.HANDLING}), S.POSTPONEMENT_REQUESTED),
    "approve_postponement": (frozenset({S.POSTPONEMENT_REQUESTED}), S.HANDLING),
    "refuse_postponement": (frozenset({S.POSTPONEMENT_REQUESTED}), S.HANDLING),
    "hang": (frozenset({S.HANDLING}), S.HUNG),  # 挂账, 承诺件
    "resume": (frozenset({S.HUNG}), S.HANDLING),
    "escalate": (
        frozenset({S.FILED, S.DISPATCHED, S.RETURNED, S.SIGNED, S.HANDLING, S.HUNG}),
        S.ESCALATED,
    ),
    "reply": (frozenset({S.HANDLING}), S.REPLIED),
    "check_pass": (frozenset({S.REPLIED}), S.CHECKED),
    "check_fail": (frozenset({S.REPLIED}), S.HANDLING),  # 返工
    "revisit": (frozenset({S.CHECKED}), S.REVISITED),
    "close": (frozenset({S.CHECKED, S.REVISITED}), S.CLOSED),
    "reopen": (frozenset({S.REVISITED, S.CLOSED}), S.HANDLING),
}


def _derive(steps: dict[str, tuple[frozenset[str], str]]) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for sources, target in steps.values():
        for source in sources:
            table.setdefault(source, set()).add(target)
    return table


CASE_TRANSITIONS = TransitionTable(_derive(STEPS))

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

    if kind not in STEPS:
        raise ValueError(f"{kind!r} is not a step of the case table")
    sources, target = STEPS[kind]
    if str(to_status) != target or str(case.status) not in sources:
        raise InvalidTransition(f"{kind} cannot move a case from {case.status!r} to {to_status!r}")
    before = [getattr(case, f) for f in CASE_DATES]
    moved = transition(
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
    touch(case, *before)
    return moved


# The case fields the metrics filter on (cogov/cases/metrics.py).
CASE_DATES = (
    "reported_at",
    "dispatched_at",
    "contacted_at",
    "replied_at",
    "checked_at",
    "revisited_at",
    "closed_at",
    "response_due_at",
    "reply_due_at",
    "check_due_at",
)


def touch(case: Any, *more: Any) -> None:
    """Tell metric caches (assessment's rollups) that this case's metrics changed in the
    periods of its dates, of `more` (the dates before the change) and of today."""
    from django.utils import timezone

    from cogov.core.metrics import touched

    dates = [getattr(case, f) for f in CASE_DATES]
    touched("cases", case.territory_path, [*dates, *more, timezone.now()])
