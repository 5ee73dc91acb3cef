"""Deliberation metrics for a territory node and a period, computed from the event rows
(TopicEvent, MeetingEvent) and the sign-in, task and survey rows; docs/deliberation.md defines
each one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import Period, ratio, register

from .models import (
    ImplementationTask,
    Meeting,
    MeetingStatus,
    Participant,
    QuestionKind,
    Response,
    SurveyKind,
    TaskStatus,
    TopicEvent,
    TopicStatus,
)
from .models.consultation import Question

LEVELS = ("district", "street", "community")


@register(
    "deliberation.participation_rate",
    _("Meeting participation rate"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=LEVELS,
    description=_(
        "Of the people expected at the meetings closed in the period (counted by heads), the "
        "share who signed in."
    ),
)
def participation_rate(node: Any, period: Period) -> Decimal | None:
    lo, hi = period.bounds()
    meetings = Meeting.objects.filter(
        node__path__startswith=node.path,
        status=MeetingStatus.CLOSED,
        closed_at__gte=lo,
        closed_at__lt=hi,
    )
    rows = Participant.objects.filter(meeting__in=meetings)
    expected = rows.aggregate(n=Sum("heads"))["n"] or 0
    present = rows.filter(signed_in_at__isnull=False).aggregate(n=Sum("heads"))["n"] or 0
    return ratio(present, expected)


@register(
    "deliberation.resolution_share",
    _("Share of topics that reach a resolution"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=LEVELS,
    description=_(
        "Of the topics accepted into a procedure in the period, the share that were decided "
        "(so far)."
    ),
)
def resolution_share(node: Any, period: Period) -> Decimal | None:
    lo, hi = period.bounds()
    accepted = (
        TopicEvent.objects.filter(
            subject__node__path__startswith=node.path,
            to_status=TopicStatus.IN_PROCEDURE,
            at__gte=lo,
            at__lt=hi,
        )
        .values("subject_id")
        .distinct()
    )
    decided = (
        TopicEvent.objects.filter(subject_id__in=accepted, to_status=TopicStatus.DECIDED)
        .values("subject_id")
        .distinct()
    )
    return ratio(decided.count(), accepted.count())


@register(
    "deliberation.implementation_rate",
    _("Resolution implementation rate"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=LEVELS,
    description=_(
        "Of the implementation tasks due in the period (up to today), the share done by their "
        "due date."
    ),
)
def implementation_rate(node: Any, period: Period) -> Decimal | None:
    end = min(period.end, timezone.localdate())
    tasks = ImplementationTask.objects.filter(
        resolution__node__path__startswith=node.path, due_on__gte=period.start, due_on__lt=end
    )
    on_time = sum(
        1
        for status, done_at, due_on in tasks.values_list("status", "done_at", "due_on")
        if status == TaskStatus.DONE and done_at and timezone.localdate(done_at) <= due_on
    )
    return ratio(on_time, tasks.count())


@register(
    "deliberation.days_to_decision",
    _("Days from proposal to decision"),
    unit=_("days"),
    direction="cost",
    levels=LEVELS,
    description=_(
        "Mean calendar days from a topic's proposal (its first event) to its decision, over "
        "the topics decided in the period."
    ),
)
def days_to_decision(node: Any, period: Period) -> Decimal | None:
    lo, hi = period.bounds()
    decided = TopicEvent.objects.filter(
        subject__node__path__startswith=node.path,
        to_status=TopicStatus.DECIDED,
        at__gte=lo,
        at__lt=hi,
    ).values_list("subject_id", "at")
    decided_at = dict(decided)
    if not decided_at:
        return None
    proposed = dict(
        TopicEvent.objects.filter(subject_id__in=list(decided_at), from_status="")
        .order_by("subject_id", "at")
        .values_list("subject_id", "at")
    )
    days = [
        (decided_at[k] - proposed[k]).total_seconds() / 86400 for k in decided_at if k in proposed
    ]
    if not days:
        return None
    return (Decimal(sum(days)) / Decimal(len(days))).quantize(Decimal("0.01"))


@register(
    "deliberation.satisfaction",
    _("Satisfaction with resolutions"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=LEVELS,
    description=_(
        "Mean answer to the scale questions of satisfaction questionnaires closed or open in "
        "the period, rescaled to 0-1."
    ),
)
def satisfaction(node: Any, period: Period) -> Decimal | None:
    _lo, hi = period.bounds()
    questions = {
        q.pk: q
        for q in Question.objects.filter(
            kind=QuestionKind.SCALE,
            survey__kind=SurveyKind.SATISFACTION,
            survey__node__path__startswith=node.path,
            survey__created_at__lt=hi,
        ).exclude(survey__status="draft")
    }
    if not questions:
        return None
    total, count = Decimal(0), 0
    for answers in Response.objects.filter(
        survey__in={q.survey_id for q in questions.values()}
    ).values_list("answers", flat=True):
        for key, value in answers.items():
            q = questions.get(int(key))
            if q is None or value is None:
                continue
            total += Decimal(int(value) - q.scale_min) / Decimal(q.scale_max - q.scale_min)
            count += 1
    return (total / count).quantize(Decimal("0.0001")) if count else None
