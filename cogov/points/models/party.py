"""Party-member point records: claims of the scheme's items, with evidence and approval."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import WorkflowEvent


class RecordStatus(models.TextChoices):
    CLAIMED = "claimed", pgettext_lazy("party points", "Claimed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


RECORD_TRANSITIONS = {
    RecordStatus.CLAIMED: {RecordStatus.APPROVED, RecordStatus.REJECTED},
}


class PartyRecordQuerySet(models.QuerySet["PartyRecord"]):
    def visible_to(self, user) -> PartyRecordQuerySet:  # type: ignore[no-untyped-def]
        """The member's own records and those of the members of communities the user manages."""
        from cogov.accounts.scopes import reach

        from ..predicates import manager_paths

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        if getattr(user, "is_authenticated", False):
            condition |= Q(member__person__user=user)
        for path in manager_paths(r):
            condition |= Q(member__branch__node__path__startswith=path)
        return self.filter(condition)


class PartyRecord(models.Model):
    """One item of a member's yearly scheme (a deduction, a task, a bonus, an extra), as
    claimed and decided. Points are copied from the scheme when claimed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(
        "people.PartyMember", on_delete=models.PROTECT, related_name="point_records"
    )
    code = models.CharField(_("item"), max_length=32)
    label = models.CharField(_("item name"), max_length=100)
    bucket = models.CharField(_("bucket"), max_length=8)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.CLAIMED
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(default=timezone.now)

    objects = PartyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("party point record")
        verbose_name_plural = _("party point records")
        ordering = ["occurred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.member} · {self.label} · {self.points}"


class PartyRecordEvent(WorkflowEvent):
    subject = models.ForeignKey(PartyRecord, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("party record event")
        verbose_name_plural = _("party record events")
