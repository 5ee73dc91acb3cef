"""The two disclosures (两公开): the resolution on the community notice board with its
objection window, implementation tasks, and the published results of implementation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import deadlines
from cogov.core.calendar import due_after
from cogov.core.errors import ActionError
from cogov.core.models import Deadline
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from ..models import (
    ImplementationTask,
    Objection,
    Resolution,
    ResolutionEvent,
    ResolutionStatus,
    StepKind,
    TaskStatus,
    Topic,
    TopicStatus,
)
from ..models.resolutions import RESOLUTION_TRANSITIONS
from .common import require, staff_of, text, topic_url
from .topics import advance_if, current_step

R = ResolutionStatus
ANSWER = "deliberation.objection_answer"
TASK = "deliberation.task"


def draft_resolution(
    *, actor: Any, topic: Topic, title: str, text_of_resolution: str, decided_by: str = ""
) -> Resolution:
    """Write the resolution of a decided topic (its resolution step is under way)."""
    require(actor, "deliberation.publish", topic, _("You may not write resolutions here."))
    ts = current_step(topic)
    if topic.status != TopicStatus.DECIDED or ts is None or ts.step.kind != StepKind.RESOLUTION:
        raise ActionError(_("The topic has not been decided yet."), field="status")
    title = text(title, "title", _("A resolution needs a title."))
    body = text(text_of_resolution, "text", _("Write the text of the resolution."))
    if Resolution.objects.filter(topic=topic).exists():
        raise ActionError(_("This topic already has a resolution."), field="topic")
    decided = topic.events.filter(to_status=TopicStatus.DECIDED).order_by("-at").first()
    deciding = (
        topic.steps.filter(step__kind=StepKind.MEETING, step__rule__gt="", status="done")
        .select_related("step")
        .order_by("-order")
        .first()
    )
    with transaction.atomic():
        resolution = Resolution.objects.create(
            topic=topic,
            node=topic.node,
            title=title[:200],
            text=body,
            decided_by=decided_by or (deciding.step.get_body_display() if deciding else ""),
            decided_on=timezone.localdate(decided.at) if decided else timezone.localdate(),
            vote_uuid=(deciding.outcome.get("vote") if deciding else None) or None,
            created_by=actor,
        )
        ResolutionEvent.objects.create(subject=resolution, actor=actor, to_status=R.DRAFT)
    return resolution


def publish_resolution(*, actor: Any, resolution: Resolution) -> Resolution:
    """First disclosure: post the resolution on the community notice board for the policy's
    posting period, with the objection window; completes the topic's resolution step."""
    require(actor, "deliberation.publish", resolution, _("You may not publish here."))
    policy = get_policy("deliberation.disclosure", resolution.node)
    now = timezone.now()
    with transaction.atomic():
        transition(
            resolution,
            R.PUBLISHED,
            table=RESOLUTION_TRANSITIONS,
            events=ResolutionEvent,
            actor=actor,
            evidence={"posting_days": policy.posting_days, "objection_days": policy.objection_days},
            extra_updates={
                "posted_at": now,
                "posted_until": now + dt.timedelta(days=policy.posting_days),
                "objections_until": now + dt.timedelta(days=policy.objection_days),
            },
        )
        advance_if(resolution.topic, StepKind.RESOLUTION, actor)
    return resolution


def object_to_resolution(*, actor: Any, resolution: Resolution, body: str) -> Objection:
    """A resident objects within the window; the committee must answer within N working days."""
    require(actor, "deliberation.object", resolution, _("You may not object here."))
    if not resolution.objections_open():
        raise ActionError(_("The objection period is over."), field="body")
    body = text(body, "body", _("Write your objection."))
    policy = get_policy("deliberation.disclosure", resolution.node)
    with transaction.atomic():
        objection = Objection.objects.create(resolution=resolution, author=actor, body=body)
        deadlines.schedule(
            objection,
            ANSWER,
            due_after(objection.at, working_days=policy.answer_working_days, node=resolution.node),
            node=resolution.node,
        )
        ResolutionEvent.objects.create(
            subject=resolution,
            actor=actor,
            from_status=resolution.status,
            to_status=resolution.status,
            note="objection",
            evidence={"objection": objection.pk},
        )
        notify(
            staff_of(resolution.node),
            "deliberation.objection",
            _("Objection to %(title)s") % {"title": resolution.title},
            body=body,
            url=f"/deliberation/resolutions/{resolution.uuid}/",
        )
    return objection


def answer_objection(*, actor: Any, objection: Objection, answer: str) -> Objection:
    require(actor, "deliberation.publish", objection.resolution)
    answer = text(answer, "answer", _("Write the answer."))
    with transaction.atomic():
        updated = Objection.objects.filter(pk=objection.pk, answered_at__isnull=True).update(
            answer=answer, answered_by=actor, answered_at=timezone.now()
        )
        if not updated:
            raise ActionError(_("Already answered."), field="answer")
        deadlines.meet(objection, ANSWER)
        objection.refresh_from_db()
        notify(
            [objection.author],
            "deliberation.objection_answered",
            _("Your objection was answered"),
            body=answer,
            url=f"/notices/{objection.resolution.node.uuid}/{objection.resolution.uuid}/",
        )
    return objection


def add_task(
    *,
    actor: Any,
    resolution: Resolution,
    title: str,
    due_on: dt.date,
    owner: Any = None,
    owner_organization: Any = None,
) -> ImplementationTask:
    """Follow the implementation: a task with an owner (person or body) and a due date."""
    require(actor, "deliberation.publish", resolution)
    if resolution.status != R.PUBLISHED:
        raise ActionError(_("Tasks follow a published resolution."), field="status")
    title = text(title, "title", _("Name the task."))
    if owner is None and owner_organization is None:
        raise ActionError(_("Name who carries the task out."), field="owner")
    if due_on is None:
        raise ActionError(_("Give a due date."), field="due_on")
    with transaction.atomic():
        task = ImplementationTask.objects.create(
            resolution=resolution,
            title=title,
            due_on=due_on,
            owner=owner,
            owner_organization=owner_organization,
        )
        due = dt.datetime.combine(
            due_on, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone()
        )
        from cogov.core.calendar import Due

        deadlines.schedule(
            task, TASK, Due(at=due, basis={"due_on": due_on.isoformat()}), node=resolution.node
        )
        if owner is not None:
            notify(
                [owner],
                "deliberation.task",
                _("Task: %(title)s") % {"title": title},
                url=f"/deliberation/resolutions/{resolution.uuid}/",
            )
    return task


def complete_task(*, actor: Any, task: ImplementationTask, report: str) -> ImplementationTask:
    if task.owner_id != getattr(actor, "pk", None):
        require(actor, "deliberation.publish", task.resolution)
    report = text(report, "report", _("Report what was done."))
    with transaction.atomic():
        updated = ImplementationTask.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, done_at=timezone.now(), report=report
        )
        if not updated:
            raise ActionError(_("The task is already done."), field="status")
        deadlines.meet(task, TASK)
        task.refresh_from_db()
        ResolutionEvent.objects.create(
            subject=task.resolution,
            actor=actor,
            from_status=task.resolution.status,
            to_status=task.resolution.status,
            note="task done",
            evidence={"task": str(task.uuid)},
        )
    return task


def publish_results(*, actor: Any, resolution: Resolution, results: str) -> Resolution:
    """Second disclosure: the results of implementation, once every task is done and every
    objection answered; completes the topic's results step (and so closes the topic)."""
    require(actor, "deliberation.publish", resolution, _("You may not publish here."))
    results = text(results, "results", _("Describe the results of implementation."))
    if resolution.tasks.filter(status=TaskStatus.OPEN).exists():
        raise ActionError(_("Some implementation tasks are still open."), field="results")
    if resolution.objections.filter(answered_at__isnull=True).exists():
        raise ActionError(_("Answer every objection first."), field="results")
    with transaction.atomic():
        transition(
            resolution,
            R.RESULTS_PUBLISHED,
            table=RESOLUTION_TRANSITIONS,
            events=ResolutionEvent,
            actor=actor,
            extra_updates={"results_text": results, "results_published_at": timezone.now()},
        )
        advance_if(resolution.topic, StepKind.RESULTS, actor)
        notify(
            [resolution.topic.proposer],
            "deliberation.results",
            _("Results published: %(title)s") % {"title": resolution.title},
            url=topic_url(resolution.topic),
        )
    return resolution


@deadlines.on_breach(ANSWER)
def _answer_overdue(deadline: Deadline) -> None:
    objection = (
        Objection.objects.filter(pk=deadline.object_id).select_related("resolution__node").first()
    )
    if objection is not None:
        notify(
            staff_of(objection.resolution.node),
            "deliberation.answer_overdue",
            _("Objection not answered in time: %(title)s") % {"title": objection.resolution.title},
            url=f"/deliberation/resolutions/{objection.resolution.uuid}/",
        )


@deadlines.on_breach(TASK)
def _task_overdue(deadline: Deadline) -> None:
    task = (
        ImplementationTask.objects.filter(pk=deadline.object_id)
        .select_related("resolution__node", "owner")
        .first()
    )
    if task is not None:
        notify(
            [*staff_of(task.resolution.node), *([task.owner] if task.owner else [])],
            "deliberation.task_overdue",
            _("Task overdue: %(title)s") % {"title": task.title},
            url=f"/deliberation/resolutions/{task.resolution.uuid}/",
        )
