"""Resolutions and the two disclosures (两公开): the resolution on the community notice board
with an objection window, implementation tasks, the results of implementation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import WorkflowEvent
from cogov.core.workflow import TransitionTable

from .topics import Topic


class ResolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RESULTS_PUBLISHED = "results", _("Results published")


R = ResolutionStatus
RESOLUTION_TRANSITIONS = TransitionTable(
    {R.DRAFT: {R.PUBLISHED}, R.PUBLISHED: {R.RESULTS_PUBLISHED}}
)


class ResolutionQuerySet(models.QuerySet["Resolution"]):
    def public(self) -> ResolutionQuerySet:
        """What the notice board shows to anyone: published resolutions (never drafts)."""
        return self.filter(status__in=[R.PUBLISHED, R.RESULTS_PUBLISHED], posted_at__isnull=False)

    def on_board(self, node) -> ResolutionQuerySet:  # type: ignore[no-untyped-def]
        return self.public().filter(node__path__startswith=node.path)

    def visible_to(self, user) -> ResolutionQuerySet:  # type: ignore[no-untyped-def]
        from ..access import community_paths, staff_paths

        paths = community_paths(user)
        if paths is None:
            return self
        staff = Q(pk__in=[])
        for path in staff_paths(user):
            staff |= Q(node__path__startswith=path)
        return self.filter(Q(pk__in=self.public().values("pk")) | staff)


class Resolution(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, related_name="resolution")
    node = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    text = models.TextField(_("text of the resolution"))
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    vote_uuid = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ResolutionStatus.choices, default=R.DRAFT)
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_until = models.DateTimeField(null=True, blank=True)
    objections_until = models.DateTimeField(null=True, blank=True)
    results_text = models.TextField(_("results of implementation"), blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-posted_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def objections_open(self, at=None) -> bool:  # type: ignore[no-untyped-def]
        """THE one place that says whether objections are accepted."""
        at = at or timezone.now()
        return (
            self.status == R.PUBLISHED
            and self.objections_until is not None
            and at < self.objections_until
        )


class ResolutionEvent(WorkflowEvent):
    subject = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("resolution event")
        verbose_name_plural = _("resolution events")


class Objection(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="objections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("objection"))
    at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ImplementationTask(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default="open")
    done_at = models.DateTimeField(null=True, blank=True)
    report = models.TextField(_("progress report"), blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title
