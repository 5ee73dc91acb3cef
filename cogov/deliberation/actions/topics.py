"""Topics: proposal, co-signatures, triage by the community party organization, and the run
through the steps of a procedure."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import deadlines
from cogov.core.calendar import due_after
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import Deadline
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from ..models import (
    BodyKind,
    Cosignature,
    Procedure,
    ProcedureStep,
    Source,
    StepEvent,
    StepKind,
    StepStatus,
    Topic,
    TopicEvent,
    TopicStatus,
    TopicStep,
)
from ..models.topics import STEP_TRANSITIONS, TOPIC_TRANSITIONS
from ..procedures import STEP_KINDS
from .common import conveners_of, require, staff_of, text, topic_url

T = TopicStatus
S = StepStatus

TRIAGE = "deliberation.triage"
COSIGN = "deliberation.cosign"
STEP = "deliberation.step"


def _owners_in(node: Any) -> int:
    """Owners of the community counted as the Civil Code counts them (one per owner; all
    unsold units together as one), for the 20 % extraordinary request."""
    from cogov.people.models import Ownership
    from cogov.territory.models import PropertyUnit

    owners = (
        Ownership.objects.filter(
            until__isnull=True, unit__building__grid__path__startswith=node.path
        )
        .values("person_id")
        .distinct()
        .count()
    )
    unsold = PropertyUnit.objects.filter(
        building__grid__path__startswith=node.path, unsold=True
    ).exists()
    return owners + (1 if unsold else 0)


def _owns_in(user: Any, node: Any) -> bool:
    """The user's account is linked to a current owner of a unit in `node`."""
    from cogov.people.models import Ownership

    return Ownership.objects.filter(
        person__user=user, until__isnull=True, unit__building__grid__path__startswith=node.path
    ).exists()


def propose_topic(
    *,
    actor: Any,
    node: Any,
    title: str,
    description: str,
    source: str = Source.RESIDENTS,
    source_ref: str = "",
    extraordinary_assembly: bool = False,
) -> Topic:
    """Put a topic forward in a community.

    Residents' topics collect co-signatures until the policy's threshold (or, for an
    extraordinary owners' assembly, the statutory share of owners) is reached; topics of the
    party organization (the party secretary), from the needs list or from recurring cases
    (community staff, with a source reference) go straight to triage.
    """
    require(actor, "deliberation.propose_topic", node, _("You may not propose topics here."))
    title = text(title, "title", _("A topic needs a title."))
    description = text(description, "description", _("Describe the topic."))
    if source not in Source.values:
        raise ActionError(f"unknown source {source!r}", field="source")
    if source == Source.PARTY and not actor.has_perm("deliberation.convene", node):
        raise NotAllowed(_("Only the community party organization proposes in its own name."))
    if source in (Source.NEEDS, Source.CASES):
        if not actor.has_perm("deliberation.organise_meeting", node):
            raise NotAllowed(_("Community staff bring topics from the needs list and cases."))
        source_ref = text(source_ref, "source_ref", _("Name the need or the cases."))
    now = timezone.now()
    threshold = 0
    until = None
    policy = get_policy("deliberation.topics", node)
    if source == Source.RESIDENTS:
        threshold = policy.cosign_threshold
        if extraordinary_assembly:
            if not _owns_in(actor, node):
                raise NotAllowed(_("Only owners request an extraordinary owners' assembly."))
            share = get_policy("deliberation.owners_assembly", node)
            threshold = math.ceil(
                _owners_in(node) * share.extraordinary_numerator / share.extraordinary_denominator
            )
            threshold = max(threshold - 1, 0)  # the proposer is one of the owners requesting
        until = now + dt.timedelta(days=policy.cosign_days)
    status = T.COLLECTING if threshold > 0 else T.SUBMITTED
    with transaction.atomic():
        topic = Topic.objects.create(
            node=node,
            title=title[:200],
            description=description,
            source=source,
            source_ref=source_ref[:200],
            proposer=actor,
            status=status,
            cosign_threshold=threshold,
            cosign_until=until,
            extraordinary=extraordinary_assembly,
            submitted_at=now if status == T.SUBMITTED else None,
        )
        TopicEvent.objects.create(
            subject=topic, actor=actor, to_status=status, evidence={"source": source}
        )
        if status == T.COLLECTING:
            deadlines.schedule(
                topic, COSIGN, due_after(now, calendar_days=policy.cosign_days), node=node
            )
        else:
            _submitted(topic, now)
    return topic


def _submitted(topic: Topic, now: dt.datetime) -> None:
    policy = get_policy("deliberation.topics", topic.node)
    deadlines.schedule(
        topic,
        TRIAGE,
        due_after(now, working_days=policy.triage_working_days, node=topic.node),
        node=topic.node,
    )
    notify(
        conveners_of(topic.node),
        "deliberation.submitted",
        _("Topic to triage: %(title)s") % {"title": topic.title},
        url=topic_url(topic),
    )


def cosign_topic(*, actor: Any, topic: Topic) -> Topic:
    """Co-sign a resident's topic; the topic goes to triage when the threshold is reached."""
    require(actor, "deliberation.cosign_topic", topic, _("You may not co-sign this topic."))
    if topic.extraordinary and not _owns_in(actor, topic.node):
        raise NotAllowed(_("Only owners support a request for an extraordinary assembly."))
    now = timezone.now()
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        if topic.status != T.COLLECTING:
            raise ActionError(_("This topic no longer collects co-signatures."), field="status")
        if topic.cosign_until and now >= topic.cosign_until:
            raise ActionError(_("The time for co-signatures is over."), field="status")
        try:
            with transaction.atomic():
                Cosignature.objects.create(topic=topic, user=actor, at=now)
        except IntegrityError:
            raise ActionError(_("You have already co-signed this topic."), field="user") from None
        count = topic.cosignatures.count()
        Topic.objects.filter(pk=topic.pk).update(cosign_count=count)
        topic.cosign_count = count
        if count >= topic.cosign_threshold:
            transition(
                topic,
                T.SUBMITTED,
                table=TOPIC_TRANSITIONS,
                events=TopicEvent,
                actor=actor,
                note=_("Co-signature threshold reached"),
                evidence={"cosignatures": count, "threshold": topic.cosign_threshold},
                extra_updates={"submitted_at": now},
            )
            deadlines.meet(topic, COSIGN, now)
            _submitted(topic, now)
    return topic


def withdraw_topic(*, actor: Any, topic: Topic, note: str = "") -> Topic:
    """The proposer withdraws a topic before the party organization has accepted it."""
    if topic.proposer_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the proposer withdraws a topic."))
    with transaction.atomic():
        transition(
            topic, T.WITHDRAWN, table=TOPIC_TRANSITIONS, events=TopicEvent, actor=actor, note=note
        )
        deadlines.cancel(topic, COSIGN)
        deadlines.cancel(topic, TRIAGE)
    return topic


def decline_topic(*, actor: Any, topic: Topic, reason: str) -> Topic:
    """The community party organization declines a topic, always with a reason."""
    require(actor, "deliberation.triage_topic", topic, _("Only the party organization triages."))
    reason = text(reason, "reason", _("Give the reason for declining the topic."))
    with transaction.atomic():
        transition(
            topic,
            T.DECLINED,
            table=TOPIC_TRANSITIONS,
            events=TopicEvent,
            actor=actor,
            note=reason,
            extra_updates={"decline_reason": reason},
        )
        deadlines.meet(topic, TRIAGE)
        notify(
            [topic.proposer],
            "deliberation.declined",
            _("Topic declined: %(title)s") % {"title": topic.title},
            body=reason,
            url=topic_url(topic),
        )
    return topic


def accept_topic(*, actor: Any, topic: Topic, procedure: Procedure, note: str = "") -> Topic:
    """The community party organization accepts a topic and starts its procedure: the steps
    are copied onto the topic and the first one begins."""
    require(actor, "deliberation.triage_topic", topic, _("Only the party organization triages."))
    if (
        procedure is None
        or not Procedure.objects.available_for(topic.node).filter(pk=procedure.pk).exists()
    ):
        raise ActionError(_("Choose a procedure available in this community."), field="procedure")
    steps = list(procedure.steps.order_by("order"))
    if not steps:
        raise ActionError(_("This procedure has no steps."), field="procedure")
    with transaction.atomic():
        transition(
            topic,
            T.IN_PROCEDURE,
            table=TOPIC_TRANSITIONS,
            events=TopicEvent,
            actor=actor,
            note=note,
            evidence={"procedure": procedure.key},
            extra_updates={"procedure": procedure},
        )
        deadlines.meet(topic, TRIAGE)
        created = TopicStep.objects.bulk_create(
            [TopicStep(topic=topic, step=s, order=s.order) for s in steps]
        )
        first = created[0] if created[0].pk else topic.steps.order_by("order").first()
        assert first is not None
        _activate(first, actor)
        notify(
            [topic.proposer],
            "deliberation.accepted",
            _("Topic accepted: %(title)s") % {"title": topic.title},
            url=topic_url(topic),
        )
    return topic


def _activate(topic_step: TopicStep, actor: Any, note: str = "") -> None:
    now = timezone.now()
    step = topic_step.step
    due = None
    if step.deadline_working_days:
        due = due_after(now, working_days=step.deadline_working_days, node=topic_step.topic.node)
    transition(
        topic_step,
        S.ACTIVE,
        table=STEP_TRANSITIONS,
        events=StepEvent,
        actor=actor,
        note=note,
        extra_updates={"started_at": now, "due_at": due.at if due else None, "completed_at": None},
    )
    if due is not None:
        deadlines.schedule(topic_step, STEP, due, node=topic_step.topic.node)
    Topic.objects.filter(pk=topic_step.topic_id).update(current_step=topic_step)
    topic_step.topic.current_step = topic_step
    topic = topic_step.topic
    if step.kind in (StepKind.RESOLUTION, StepKind.RESULTS) and topic.status == T.IN_PROCEDURE:
        # Every deciding step is behind us: the topic is decided.
        transition(
            topic,
            T.DECIDED,
            table=TOPIC_TRANSITIONS,
            events=TopicEvent,
            actor=actor,
            extra_updates={"decided_at": now},
        )
    notify(
        staff_of(topic.node),
        "deliberation.step",
        _("Next step of %(title)s: %(step)s") % {"title": topic.title, "step": step.name},
        url=topic_url(topic),
    )


def current_step(topic: Topic) -> TopicStep | None:
    return topic.steps.select_related("step").filter(status=S.ACTIVE).order_by("order").first()


def complete_step(*, actor: Any, topic: Topic, note: str = "", _system: bool = False) -> TopicStep:
    """Finish the topic's current step as its kind requires (a held meeting and, where the
    step has a rule, a vote; a notice text; a published resolution…), then begin the next.

    A step whose vote failed returns the topic to the previous step (§6.1: "any failed vote →
    RETURNED to previous step with reasons"), or rejects the topic when there is none.
    """
    if not _system:
        require(actor, "deliberation.organise_meeting", topic, _("You may not move this topic."))
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        ts = current_step(topic)
        if ts is None or topic.status not in (T.IN_PROCEDURE, T.DECIDED):
            raise ActionError(_("This topic has no step under way."), field="status")
        ts.topic = topic
        outcome = STEP_KINDS[ts.step.kind].outcome(ts, note)
        if outcome.error:
            raise ActionError(outcome.error, field=outcome.field or "status")
        now = timezone.now()
        deadlines.meet(ts, STEP, now)
        if outcome.passed:
            transition(
                ts,
                S.DONE,
                table=STEP_TRANSITIONS,
                events=StepEvent,
                actor=actor,
                note=note,
                evidence=outcome.evidence,
                extra_updates={"completed_at": now, "outcome": outcome.evidence, "note": note},
            )
            following = topic.steps.select_related("step").filter(order__gt=ts.order).first()
            if following is not None:
                following.topic = topic
                _activate(following, actor)
            else:
                Topic.objects.filter(pk=topic.pk).update(current_step=None)
                transition(
                    topic,
                    T.CLOSED,
                    table=TOPIC_TRANSITIONS,
                    events=TopicEvent,
                    actor=actor,
                    note=note,
                )
            return ts
        previous = topic.steps.select_related("step").filter(order__lt=ts.order).last()
        if ts.step.return_on_failure and previous is not None:
            transition(
                ts,
                S.RETURNED,
                table=STEP_TRANSITIONS,
                events=StepEvent,
                actor=actor,
                note=note,
                evidence=outcome.evidence,
                extra_updates={"outcome": outcome.evidence},
            )
            previous.topic = topic
            _activate(previous, actor, note=_("Returned after a failed vote"))
        else:
            transition(
                ts,
                S.FAILED,
                table=STEP_TRANSITIONS,
                events=StepEvent,
                actor=actor,
                note=note,
                evidence=outcome.evidence,
                extra_updates={"outcome": outcome.evidence},
            )
            Topic.objects.filter(pk=topic.pk).update(current_step=None)
            transition(
                topic,
                T.REJECTED,
                table=TOPIC_TRANSITIONS,
                events=TopicEvent,
                actor=actor,
                note=note,
                evidence=outcome.evidence,
            )
        return ts


def advance_if(topic: Topic, kind: str, actor: Any) -> None:
    """Complete the topic's current step when it is of `kind` (called by the resolution
    actions, which complete the publication steps themselves)."""
    ts = current_step(topic)
    if ts is not None and ts.step.kind == kind:
        complete_step(actor=actor, topic=topic, _system=True)


def create_procedure(
    *,
    actor: Any,
    node: Any,
    key: str,
    name: str,
    steps: Iterable[dict[str, Any]],
    description: str = "",
) -> Procedure:
    """Compose a custom procedure for a community from the same step kinds and bodies."""
    require(actor, "deliberation.manage_procedures", node, _("You may not compose procedures."))
    from cogov.voting import rulesets

    name = text(name, "name", _("Name the procedure."))
    key = text(key, "key", _("Give the procedure a key."))
    if Procedure.objects.filter(key=key).exists():
        raise ActionError(_("This key is taken."), field="key")
    rows = list(steps)
    if not rows:
        raise ActionError(_("A procedure needs at least one step."), field="steps")
    with transaction.atomic():
        procedure = Procedure.objects.create(
            key=key, name=name, description=description, node=node, created_by=actor
        )
        for order, row in enumerate(rows, start=1):
            kind, body, rule = row.get("kind"), row.get("body"), row.get("rule", "")
            if kind not in StepKind.values:
                raise ActionError(f"step {order}: unknown kind {kind!r}", field="steps")
            if body not in BodyKind.values:
                raise ActionError(f"step {order}: unknown body {body!r}", field="steps")
            if rule:
                try:
                    rulesets.get(rule)
                except KeyError:
                    raise ActionError(
                        f"step {order}: unknown rule {rule!r}", field="steps"
                    ) from None
            ProcedureStep.objects.create(
                procedure=procedure,
                order=order,
                key=row.get("key") or f"step-{order}",
                name=text(row.get("name"), "steps", f"step {order}: name it"),
                kind=kind,
                body=body,
                rule=rule,
                matter=row.get("matter", "ordinary"),
                notice_days=row.get("notice_days"),
                deadline_working_days=row.get("deadline_working_days"),
                outputs=list(row.get("outputs", [])),
            )
        from cogov.core import audit

        audit.record(actor, "deliberation.procedure_created", procedure, steps=len(rows))
    return procedure


@deadlines.on_breach(COSIGN)
def _cosign_expired(deadline: Deadline) -> None:
    """Too few co-signatures in time: the topic lapses (withdrawn, with the reason)."""
    topic = Topic.objects.filter(pk=deadline.object_id, status=T.COLLECTING).first()
    if topic is None:
        return
    transition(
        topic,
        T.WITHDRAWN,
        table=TOPIC_TRANSITIONS,
        events=TopicEvent,
        actor=None,
        note="not enough co-signatures in time",
        evidence={"cosignatures": topic.cosign_count, "threshold": topic.cosign_threshold},
    )
    notify(
        [topic.proposer],
        "deliberation.lapsed",
        _("Topic lapsed: %(title)s") % {"title": topic.title},
        url=topic_url(topic),
    )


@deadlines.on_breach(TRIAGE)
def _triage_overdue(deadline: Deadline) -> None:
    topic = Topic.objects.filter(pk=deadline.object_id).select_related("node").first()
    if topic is not None:
        notify(
            staff_of(topic.node),
            "deliberation.triage_overdue",
            _("Triage overdue: %(title)s") % {"title": topic.title},
            url=topic_url(topic),
        )


@deadlines.on_breach(STEP)
def _step_overdue(deadline: Deadline) -> None:
    ts = (
        TopicStep.objects.filter(pk=deadline.object_id)
        .select_related("topic__node", "step")
        .first()
    )
    if ts is not None:
        notify(
            staff_of(ts.topic.node),
            "deliberation.step_overdue",
            _("Step overdue: %(step)s of %(title)s")
            % {"step": ts.step.name, "title": ts.topic.title},
            url=topic_url(ts.topic),
        )


__all__ = [
    "accept_topic",
    "advance_if",
    "complete_step",
    "cosign_topic",
    "create_procedure",
    "current_step",
    "decline_topic",
    "propose_topic",
    "withdraw_topic",
]
