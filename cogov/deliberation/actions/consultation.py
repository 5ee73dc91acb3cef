"""Online consultation: comments (threaded, official replies), moderation with reasons and
appeals, abuse reports; surveys with questions as data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.workflow import TransitionTable, transition

from ..access import ORGANISERS, holds
from ..models import (
    AbuseReport,
    Appeal,
    AppealStatus,
    Comment,
    CommentEvent,
    CommentStatus,
    Motion,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyEvent,
    SurveyKind,
    SurveyParticipation,
    SurveyStatus,
    Topic,
)
from ..models.consultation import SURVEY_TRANSITIONS
from .common import require, staff_of, text, topic_url

C = CommentStatus
COMMENT_TRANSITIONS = TransitionTable({C.VISIBLE: {C.HIDDEN}, C.HIDDEN: {C.VISIBLE}})


def official_voice(user: Any, node: Any) -> str:
    """The body a user answers for in `node`: an organization of theirs based there (residents'
    committee, property company, owners' committee…), else the staff role. Empty: none."""
    from cogov.accounts.models import Membership
    from cogov.accounts.roles import ROLES

    membership = (
        Membership.objects.current()
        .filter(user=user, organization__node__path__startswith=node.path)
        .exclude(role="party_member")
        .select_related("organization")
        .first()
    )
    if membership is not None and membership.organization is not None:
        return membership.organization.name
    if holds(user, ORGANISERS, node):
        for m in Membership.objects.current().filter(user=user, role__in=sorted(ORGANISERS)):
            return str(ROLES[m.role].label)
        return str(ROLES["admin"].label)
    return ""


def post_comment(
    *,
    actor: Any,
    topic: Topic,
    body: str,
    parent: Comment | None = None,
    motion: Motion | None = None,
    official: bool = False,
) -> Comment:
    """Comment on a topic (or on a motion of its meetings), or reply in a thread. An official
    reply is marked with the body the author answers for."""
    require(actor, "deliberation.comment", topic, _("You may not comment here."))
    body = text(body, "body", _("Write a comment."))
    if parent is not None and parent.topic_id != topic.pk:
        raise ActionError(_("Reply within the same topic."), field="parent")
    if motion is not None and (motion.meeting.topic_id != topic.pk):
        raise ActionError(_("This motion belongs to another topic."), field="motion")
    voice = ""
    if official:
        voice = official_voice(actor, topic.node)
        if not voice:
            raise NotAllowed(_("Only the bodies concerned reply officially."))
    with transaction.atomic():
        comment = Comment.objects.create(
            topic=topic,
            parent=parent,
            motion=motion,
            author=actor,
            body=body,
            official_for=voice[:150],
        )
        if parent is not None and parent.author_id != actor.pk:
            notify(
                [parent.author],
                "deliberation.reply",
                _("Reply to your comment"),
                body=body[:200],
                url=topic_url(topic),
            )
    return comment


def hide_comment(*, actor: Any, comment: Comment, reason: str) -> Comment:
    """A moderator hides a comment, always with a reason; the author may appeal."""
    require(actor, "deliberation.moderate", comment, _("You may not moderate here."))
    reason = text(reason, "reason", _("Give the reason for hiding the comment."))
    with transaction.atomic():
        transition(
            comment,
            C.HIDDEN,
            table=COMMENT_TRANSITIONS,
            events=CommentEvent,
            actor=actor,
            note=reason,
        )
        AbuseReport.objects.filter(comment=comment, handled_at__isnull=True).update(
            handled_at=timezone.now()
        )
        notify(
            [comment.author],
            "deliberation.hidden",
            _("Your comment was hidden"),
            body=reason,
            url=topic_url(comment.topic),
        )
    return comment


def report_abuse(*, actor: Any, comment: Comment, reason: str) -> AbuseReport:
    require(actor, "deliberation.report_abuse", comment)
    reason = text(reason, "reason", _("Say what is wrong with the comment."))
    try:
        with transaction.atomic():
            report = AbuseReport.objects.create(
                comment=comment, reporter=actor, reason=reason[:300]
            )
            notify(
                staff_of(comment.topic.node, ORGANISERS),
                "deliberation.abuse",
                _("Comment reported"),
                body=reason,
                url=topic_url(comment.topic),
            )
            return report
    except IntegrityError:
        raise ActionError(_("You have already reported this comment."), field="comment") from None


def appeal_moderation(*, actor: Any, comment: Comment, reason: str) -> Appeal:
    """The author appeals against the hiding of their comment."""
    require(actor, "deliberation.appeal", comment, _("Only the author appeals."))
    if comment.status != C.HIDDEN:
        raise ActionError(_("The comment is not hidden."), field="comment")
    reason = text(reason, "reason", _("Say why the comment should be restored."))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(comment=comment, author=actor, reason=reason)
    except IntegrityError:
        raise ActionError(_("An appeal is already pending."), field="comment") from None
    notify(
        staff_of(comment.topic.node, ORGANISERS),
        "deliberation.appeal",
        _("Appeal against moderation"),
        body=reason,
        url=topic_url(comment.topic),
    )
    return appeal


def decide_appeal(*, actor: Any, appeal: Appeal, uphold: bool, reason: str) -> Appeal:
    """Another moderator than the one who hid the comment decides the appeal, with a reason."""
    comment = appeal.comment
    require(actor, "deliberation.moderate", comment)
    reason = text(reason, "reason", _("Give the reason for the decision."))
    hider = comment.events.filter(to_status=C.HIDDEN).order_by("-at").first()
    if hider is not None and hider.actor_id == actor.pk and not actor.is_superuser:
        raise NotAllowed(_("Another moderator decides the appeal."))
    with transaction.atomic():
        updated = Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.PENDING).update(
            status=AppealStatus.UPHELD if uphold else AppealStatus.REJECTED,
            decided_by=actor,
            decision_reason=reason,
            decided_at=timezone.now(),
        )
        if not updated:
            raise ActionError(_("The appeal was already decided."), field="appeal")
        if uphold:
            transition(
                comment,
                C.VISIBLE,
                table=COMMENT_TRANSITIONS,
                events=CommentEvent,
                actor=actor,
                note=reason,
                evidence={"appeal": appeal.pk},
            )
        appeal.refresh_from_db()
        notify(
            [appeal.author],
            "deliberation.appeal_decided",
            _("Your appeal was decided"),
            body=reason,
            url=topic_url(comment.topic),
        )
    return appeal


# --- surveys ---------------------------------------------------------------------------------


def create_survey(
    *,
    actor: Any,
    node: Any,
    title: str,
    questions: Iterable[dict[str, Any]],
    kind: str = SurveyKind.SURVEY,
    anonymous: bool = False,
    topic: Topic | None = None,
    resolution: Any = None,
    closes_at: dt.datetime | None = None,
) -> Survey:
    """Draft a survey or satisfaction questionnaire; questions are data:
    {"kind": "single"|"multiple"|"scale"|"text", "text": ..., "options": [...],
    "scale_min": 1, "scale_max": 5, "required": True}."""
    require(actor, "deliberation.organise_meeting", node, _("You may not run surveys here."))
    title = text(title, "title", _("A survey needs a title."))
    rows = list(questions)
    if not rows:
        raise ActionError(_("Add at least one question."), field="questions")
    if kind not in SurveyKind.values:
        raise ActionError(f"unknown kind {kind!r}", field="kind")
    with transaction.atomic():
        survey = Survey.objects.create(
            node=node,
            title=title,
            kind=kind,
            anonymous=anonymous,
            topic=topic,
            resolution=resolution,
            closes_at=closes_at,
            created_by=actor,
        )
        for order, row in enumerate(rows, start=1):
            qkind = row.get("kind")
            if qkind not in QuestionKind.values:
                raise ActionError(f"question {order}: unknown kind {qkind!r}", field="questions")
            options = [str(o) for o in row.get("options", [])]
            if qkind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
                raise ActionError(f"question {order}: give at least two options", field="questions")
            lo, hi = int(row.get("scale_min", 1)), int(row.get("scale_max", 5))
            if qkind == QuestionKind.SCALE and lo >= hi:
                raise ActionError(f"question {order}: the scale is empty", field="questions")
            Question.objects.create(
                survey=survey,
                order=order,
                kind=qkind,
                text=text(row.get("text"), "questions", f"question {order}: ask something"),
                options=options,
                scale_min=lo,
                scale_max=hi,
                required=bool(row.get("required", True)),
            )
        SurveyEvent.objects.create(subject=survey, actor=actor, to_status=SurveyStatus.DRAFT)
    return survey


def open_survey(*, actor: Any, survey: Survey) -> Survey:
    require(actor, "deliberation.organise_meeting", survey)
    with transaction.atomic():
        transition(
            survey, SurveyStatus.OPEN, table=SURVEY_TRANSITIONS, events=SurveyEvent, actor=actor
        )
    return survey


def close_survey(*, actor: Any, survey: Survey) -> Survey:
    require(actor, "deliberation.organise_meeting", survey)
    with transaction.atomic():
        transition(
            survey,
            SurveyStatus.CLOSED,
            table=SURVEY_TRANSITIONS,
            events=SurveyEvent,
            actor=actor,
            evidence={"responses": survey.responses.count()},
        )
    return survey


def _clean_answer(q: Question, value: Any) -> Any:
    if value in (None, "", []):
        if q.required:
            raise ActionError(_("Answer: %(q)s") % {"q": q.text}, field=f"q{q.pk}")
        return None
    if q.kind == QuestionKind.SINGLE:
        if value not in q.options:
            raise ActionError(_("Choose one of the options."), field=f"q{q.pk}")
        return value
    if q.kind == QuestionKind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        if any(v not in q.options for v in values):
            raise ActionError(_("Choose among the options."), field=f"q{q.pk}")
        return sorted(set(values), key=q.options.index)
    if q.kind == QuestionKind.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ActionError(_("Choose a number on the scale."), field=f"q{q.pk}") from None
        if not q.scale_min <= number <= q.scale_max:
            raise ActionError(_("Choose a number on the scale."), field=f"q{q.pk}")
        return number
    return str(value).strip()[:2000]


def submit_response(*, actor: Any, survey: Survey, answers: dict[Any, Any]) -> Response:
    """Answer a survey once. In an anonymous survey the answers carry no user and no time;
    a separate row records only that the user took part (and on which day)."""
    require(actor, "deliberation.answer_survey", survey, _("You may not answer this survey."))
    if survey.status != SurveyStatus.OPEN or (
        survey.closes_at is not None and timezone.now() >= survey.closes_at
    ):
        raise ActionError(_("The survey is not open."), field="status")
    clean: dict[str, Any] = {}
    for q in survey.questions.all():
        value = answers.get(q.pk, answers.get(str(q.pk)))
        clean[str(q.pk)] = _clean_answer(q, value)
    try:
        with transaction.atomic():
            SurveyParticipation.objects.create(survey=survey, user=actor)
            return Response.objects.create(
                survey=survey, respondent=None if survey.anonymous else actor, answers=clean
            )
    except IntegrityError:
        raise ActionError(_("You have already answered."), field="survey") from None


def survey_results(survey: Survey) -> list[dict[str, Any]]:
    """Per question: counts per option, scale mean and distribution, or the texts."""
    from statistics import mean

    responses = list(survey.responses.values_list("answers", flat=True))
    results = []
    for q in survey.questions.all():
        values = [r.get(str(q.pk)) for r in responses if r.get(str(q.pk)) is not None]
        row: dict[str, Any] = {"question": q, "answered": len(values)}
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts = dict.fromkeys(q.options, 0)
            for v in values:
                for choice in v if isinstance(v, list) else [v]:
                    counts[choice] = counts.get(choice, 0) + 1
            row["counts"] = list(counts.items())
        elif q.kind == QuestionKind.SCALE:
            row["mean"] = round(mean(values), 2) if values else None
            row["counts"] = [(n, values.count(n)) for n in range(q.scale_min, q.scale_max + 1)]
        else:
            row["texts"] = values
        results.append(row)
    return results
