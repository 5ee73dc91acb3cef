"""Step kinds as a registry: what completes a step of each kind, and with what outcome.

A procedure is data (`Procedure` → `ProcedureStep` rows); what a step *needs* before it is done
depends only on its kind, answered here in one place:

    STEP_KINDS["meeting"].outcome(topic_step, note) → Outcome(passed, error, evidence)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.utils.translation import gettext as _

from .models import MeetingStatus, MotionStatus, ResolutionStatus, StepKind


@dataclass
class Outcome:
    passed: bool = True
    error: str = ""
    field: str = ""
    evidence: dict[str, Any] = dc_field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    key: str
    outcome: Callable[[Any, str], Outcome]


STEP_KINDS: dict[str, Kind] = {}


def register(key: str) -> Callable[[Callable[[Any, str], Outcome]], Callable[[Any, str], Outcome]]:
    def decorator(func: Callable[[Any, str], Outcome]) -> Callable[[Any, str], Outcome]:
        STEP_KINDS[key] = Kind(key, func)
        return func

    return decorator


@register(StepKind.MEETING)
def _meeting(ts: Any, note: str) -> Outcome:
    """A closed meeting of the step with minutes; with a rule, the last decided motion's vote."""
    meeting = ts.meetings.filter(status=MeetingStatus.CLOSED).order_by("-closed_at").first()
    if meeting is None:
        return Outcome(False, _("Hold and close this step's meeting first."), "meeting")
    if not meeting.minutes.strip():
        return Outcome(False, _("Write the minutes of the meeting first."), "minutes")
    evidence: dict[str, Any] = {"meeting": str(meeting.uuid)}
    if not ts.step.rule:
        return Outcome(True, evidence=evidence)
    motion = (
        meeting.motions.filter(status__in=[MotionStatus.CARRIED, MotionStatus.FAILED])
        .order_by("-created_at", "-pk")
        .first()
    )
    if motion is None:
        return Outcome(False, _("Put a motion to the vote at the meeting first."), "motion")
    evidence.update(
        motion=str(motion.uuid),
        vote=str(motion.vote_uuid) if motion.vote_uuid else None,
        outcome=motion.result.get("outcome", motion.status),
        summary=motion.result.get("summary", ""),
    )
    return Outcome(motion.status == MotionStatus.CARRIED, evidence=evidence)


def _needs_note(message: str) -> Callable[[Any, str], Outcome]:
    def check(ts: Any, note: str) -> Outcome:
        if not note.strip():
            return Outcome(False, message, "note")
        return Outcome(True, evidence={"note": note.strip()[:500]})

    return check


register(StepKind.NOTICE)(_needs_note(_("Give the text of the notice.")))
register(StepKind.RECORD)(_needs_note(_("Record what was done.")))


@register(StepKind.CONSULTATION)
def _consultation(ts: Any, note: str) -> Outcome:
    if not note.strip():
        return Outcome(False, _("Summarise the opinions collected."), "note")
    return Outcome(
        True,
        evidence={"note": note.strip()[:500], "comments": ts.topic.comments.count()},
    )


@register(StepKind.RESOLUTION)
def _resolution(ts: Any, note: str) -> Outcome:
    resolution = getattr(ts.topic, "resolution", None)
    if resolution is None or resolution.status == ResolutionStatus.DRAFT:
        return Outcome(False, _("Publish the resolution first."), "resolution")
    return Outcome(True, evidence={"resolution": str(resolution.uuid)})


@register(StepKind.RESULTS)
def _results(ts: Any, note: str) -> Outcome:
    resolution = getattr(ts.topic, "resolution", None)
    if resolution is None or resolution.status != ResolutionStatus.RESULTS_PUBLISHED:
        return Outcome(False, _("Publish the results of implementation first."), "results")
    return Outcome(True, evidence={"resolution": str(resolution.uuid)})
