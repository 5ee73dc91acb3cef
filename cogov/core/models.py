"""Shared mechanisms stored in the database: policies, audit, deadlines, notifications.

`WorkflowEvent` is the abstract base of every app's append-only event log.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Event logs are never edited or deleted through the ORM."""

    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self):  # type: ignore[no-untyped-def]
        raise TypeError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError(f"{type(self).__name__} rows are append-only")


class WorkflowEvent(AppendOnlyModel):
    """One transition of a stateful object: who, when, from, to, why, with what evidence.

    Concrete subclasses add a `subject` foreign key to the object whose status moved.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    note = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class Policy(models.Model):
    """One version of a local rule (a deadline table, a threshold, a points table…).

    A policy applies to its territory node and everything below it from `effective_from`;
    lookup walks up from a node to the root and takes the nearest node's latest version that
    is in effect on the date asked. Rows are never edited: a change is a new version.
    A null node is the platform-wide value set by an administrator over the shipped default.
    """

    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    node = models.ForeignKey(
        "territory.Node", null=True, blank=True, on_delete=models.PROTECT, related_name="policies"
    )
    effective_from = models.DateField(_("effective from"))
    value = models.JSONField(_("value"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["kind", "node_id", "-effective_from", "-created_at"]
        indexes = [models.Index(fields=["kind", "node", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.kind}@{self.node_id or '*'} from {self.effective_from}"


class AuditLog(AppendOnlyModel):
    """Who did or saw what. Reads of personal information are recorded here too."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class Deadline(models.Model):
    """A time limit on some object, e.g. "reply within 7 working days".

    The sweep marks `breached_at` exactly once (a conditional UPDATE decides which worker wins)
    and hands the breach to the handler registered for `kind`.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    node = models.ForeignKey(
        "territory.Node", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    basis = models.JSONField(default=dict, blank=True, help_text="how due_at was computed")
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="deadline_open_due",
                condition=models.Q(
                    met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True
                ),
            ),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.breached_at is None and self.cancelled_at is None


class Notification(models.Model):
    """An entry in a user's in-app inbox (the channel every notification goes to)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.title
