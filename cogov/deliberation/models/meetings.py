"""Meetings: notice, participants and sign-in, agenda, motions under simple rules of order,
speeches, minutes with attachments and signatures."""

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

from .topics import BodyKind, Topic, TopicStep


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOTICED = "noticed", _("Notice given")
    IN_SESSION = "in_session", _("In session")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


M = MeetingStatus
MEETING_TRANSITIONS = TransitionTable(
    {
        M.DRAFT: {M.NOTICED, M.CANCELLED},
        M.NOTICED: {M.IN_SESSION, M.CANCELLED},
        M.IN_SESSION: {M.CLOSED},
    }
)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user) -> MeetingQuerySet:  # type: ignore[no-untyped-def]
        """Meetings of the user's communities; drafts only for the staff who organise them."""
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
        return self.filter(condition).exclude(Q(status=M.DRAFT) & ~staff)


class Meeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    node = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    topic_step = models.ForeignKey(
        TopicStep, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    body = models.CharField(_("body"), max_length=32, choices=BodyKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization (branch, committee)"),
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=0)
    noticed_at = models.DateTimeField(null=True, blank=True)
    # Who counts: a voting electorate kind (cogov.voting ElectorateKind values) with the
    # organization for "party_members" and "body"; its rule set gives quorum and majority.
    electorate = models.CharField(_("participants"), max_length=20, blank=True)
    rule = models.CharField(_("quorum and decision rule"), max_length=40, blank=True)
    matter = models.CharField(max_length=10, default="ordinary")
    rules_of_order = models.BooleanField(_("simple rules of order"), default=True)
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=M.DRAFT)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeetingEvent(WorkflowEvent):
    subject = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")


class ParticipantRole(models.TextChoices):
    MEMBER = "member", _("Member of the body")
    HOUSEHOLD = "household", _("Household representative")
    OWNER = "owner", _("Owner")
    RESIDENT = "resident", _("Resident")
    PARTY_MEMBER = "party_member", _("Party member")
    OBSERVER = "observer", _("Observer (not counted)")


class Participant(models.Model):
    """One person expected at the meeting. `heads` and `area` count toward the quorum
    (owners: units and exclusive area); observers count for nothing."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    key = models.CharField(max_length=80)  # "person:12", "household:5", "owner:3", "user:4"
    label = models.CharField(max_length=200)
    role = models.CharField(max_length=16, choices=ParticipantRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accounts = models.JSONField(default=list, blank=True)  # user ids that may sign in
    heads = models.PositiveSmallIntegerField(default=1)
    area = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "key"], name="delib_participant_key")
        ]

    def __str__(self) -> str:
        return self.label


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["meeting", "order"]

    def __str__(self) -> str:
        return self.title


class MotionStatus(models.TextChoices):
    MOVED = "moved", _("Moved, awaiting a second")
    DEBATE = "debate", _("Under debate")
    VOTING = "voting", _("Being voted on")
    CARRIED = "carried", _("Carried")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


MO = MotionStatus
MOTION_TRANSITIONS = TransitionTable(
    {
        MO.MOVED: {MO.DEBATE, MO.WITHDRAWN},
        MO.DEBATE: {MO.VOTING, MO.WITHDRAWN},
        MO.VOTING: {MO.CARRIED, MO.FAILED},
    }
)


class Motion(models.Model):
    """A concrete, actionable proposal (动议); one pending main motion at a time."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="motions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="motions"
    )
    text = models.TextField(_("motion"))
    mover = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seconder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=MotionStatus.choices, default=MO.MOVED)
    # The voting app's vote (by uuid: this app does not depend on the voting app's tables).
    vote_uuid = models.UUIDField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class MotionEvent(WorkflowEvent):
    subject = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("motion event")
        verbose_name_plural = _("motion events")


class Position(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    NEUTRAL = "neutral", _("Neutral / question")


class Speech(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="speeches")
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(max_length=8, choices=Position.choices)
    summary = models.CharField(max_length=500, blank=True)
    minutes_allowed = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["motion", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.position}"


class MinutesAttachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    file = models.FileField(_("file"), upload_to="deliberation/minutes/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class MinutesSignature(models.Model):
    """A signature under the minutes (chair, recorder, attendees' representatives)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(_("signs as"), max_length=60)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="delib_one_signature")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.capacity})"
