"""Online consultation: threaded comments with official replies, moderation with reasons and
appeals, abuse reports; surveys with questions as data."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import AppendOnlyModel, WorkflowEvent
from cogov.core.workflow import TransitionTable

from .meetings import Motion
from .topics import Topic


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Comment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments")
    motion = models.ForeignKey(
        Motion, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    # An official reply on behalf of a body concerned (residents' committee, property company…)
    official_for = models.CharField(_("official reply on behalf of"), max_length=150, blank=True)
    status = models.CharField(max_length=8, choices=CommentStatus.choices, default="visible")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def official(self) -> bool:
        return bool(self.official_for)


class CommentEvent(WorkflowEvent):
    """Moderation decisions (hide, restore) with their reasons."""

    subject = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")


class AbuseReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="delib_one_report")
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class AppealStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("appeal", "Pending")
    UPHELD = "upheld", _("Upheld: comment restored")
    REJECTED = "rejected", _("Rejected")


class Appeal(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="appeals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=AppealStatus.choices, default="pending")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment"], condition=Q(status="pending"), name="delib_one_pending_appeal"
            )
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class SurveyKind(models.TextChoices):
    SURVEY = "survey", _("Survey")
    SATISFACTION = "satisfaction", _("Satisfaction questionnaire")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


SURVEY_TRANSITIONS = TransitionTable(
    {SurveyStatus.DRAFT: {SurveyStatus.OPEN}, SurveyStatus.OPEN: {SurveyStatus.CLOSED}}
)


class SurveyQuerySet(models.QuerySet["Survey"]):
    def visible_to(self, user) -> SurveyQuerySet:  # type: ignore[no-untyped-def]
        from ..access import community_paths, staff_paths

        paths = community_paths(user)
        if paths is None:
            return self
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(node__path__startswith=path)
        staff = Q(pk__in=[])
        for path in staff_paths(user):
            staff |= Q(node__path__startswith=path)
        return self.filter(condition).exclude(Q(status=SurveyStatus.DRAFT) & ~staff)


class Survey(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    node = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    resolution = models.ForeignKey(
        "Resolution", null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    kind = models.CharField(max_length=16, choices=SurveyKind.choices, default="survey")
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default="draft")
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class SurveyEvent(WorkflowEvent):
    subject = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("survey event")
        verbose_name_plural = _("survey events")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    TEXT = "text", _("Text")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(pgettext_lazy("survey", "question"), max_length=300)
    options = models.JSONField(default=list, blank=True)  # choice labels
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["survey", "order"]

    def __str__(self) -> str:
        return self.text


class SurveyParticipation(AppendOnlyModel):
    """Who answered (one per user and survey). In an anonymous survey nothing links this row
    to the answers (`Response` has no user and no time)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="delib_one_response_per_user")
        ]


class Response(AppendOnlyModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict)  # {question id: value}
