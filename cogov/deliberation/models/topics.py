"""Procedures as data (steps with the acting body, notice, rule, deadline, outputs), topics and
their run through a procedure's steps."""

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


class BodyKind(models.TextChoices):
    PARTY_ORGANIZATION = "party_organization", _("Community party organization")
    TWO_COMMITTEES = "two_committees", _("The two committees (party and residents')")
    PARTY_MEMBERS = "party_members", _("Party members' meeting")
    RESIDENTS_MEETING = "residents_meeting", _("Residents' meeting")
    RESIDENTS_REPRESENTATIVES = (
        "residents_representatives",
        _("Residents' representatives' meeting"),
    )
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    OWNERS_ASSEMBLY = "owners_assembly", _("Owners' assembly")
    CONSULTATION = "consultation", _("Consultation meeting of the parties concerned")
    SUPERVISION = "supervision", _("Residents' supervision committee")


class StepKind(models.TextChoices):
    """What completes a step (see procedures.STEP_KINDS)."""

    MEETING = "meeting", _("A meeting of the body (with a vote when the step has a rule)")
    NOTICE = "notice", _("A notice published to residents")
    CONSULTATION = "consultation", _("Online and offline consultation")
    RESOLUTION = "resolution", _("Publication of the resolution")
    RESULTS = "results", _("Publication of the results of implementation")
    RECORD = "record", _("A record by staff")


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def available_for(self, node) -> ProcedureQuerySet:  # type: ignore[no-untyped-def]
        """Platform procedures and the custom ones of `node` or a node above it."""
        ids = node.ancestor_ids(include_self=True) if node is not None else []
        return self.filter(Q(node__isnull=True) | Q(node_id__in=ids), active=True)


class Procedure(models.Model):
    """A named sequence of steps. The three statutory/common ones ship as data (migration
    0002); staff compose custom ones for their community from the same step kinds."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(pgettext_lazy("identifier", "key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    builtin = models.BooleanField(_("shipped with CoGov"), default=False)
    node = models.ForeignKey(
        "territory.Node",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community (custom procedures)"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["-builtin", "name"]

    def __str__(self) -> str:
        return self.name


class ProcedureStep(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(pgettext_lazy("identifier", "key"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    body = models.CharField(_("acting body"), max_length=32, choices=BodyKind.choices)
    # The voting rule set (cogov.voting.rulesets key) that gives the quorum and the decision
    # rule; empty: the step is not decided by a vote.
    rule = models.CharField(_("quorum and decision rule"), max_length=40, blank=True)
    matter = models.CharField(_("matter"), max_length=10, default="ordinary")
    # Notice before the step's meeting: the `deliberation.notice_periods` policy for this body
    # (None) or an explicit number of calendar days.
    notice_days = models.PositiveSmallIntegerField(_("notice (days)"), null=True, blank=True)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline (working days)"), null=True, blank=True
    )
    outputs = models.JSONField(_("outputs"), default=list, blank=True)
    return_on_failure = models.BooleanField(
        _("a failed vote returns the topic to the previous step"), default=True
    )

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="delib_step_order_unique"),
            models.UniqueConstraint(fields=["procedure", "key"], name="delib_step_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Source(models.TextChoices):
    RESIDENTS = "residents", _("Residents (with co-signatures)")
    NEEDS = "needs", _("The needs list")
    CASES = "cases", _("Recurring cases")
    PARTY = "party", _("The party organization")


class TopicStatus(models.TextChoices):
    COLLECTING = "collecting", _("Collecting co-signatures")
    SUBMITTED = "submitted", _("Awaiting triage")
    DECLINED = "declined", _("Declined")
    IN_PROCEDURE = "in_procedure", _("In deliberation")
    DECIDED = "decided", _("Decided")
    REJECTED = "rejected", _("Rejected by vote")
    CLOSED = "closed", _("Results published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


T = TopicStatus
TOPIC_TRANSITIONS = TransitionTable(
    {
        T.COLLECTING: {T.SUBMITTED, T.WITHDRAWN},
        T.SUBMITTED: {T.IN_PROCEDURE, T.DECLINED, T.WITHDRAWN},
        T.IN_PROCEDURE: {T.DECIDED, T.REJECTED},
        T.DECIDED: {T.CLOSED},
    }
)


class TopicQuerySet(models.QuerySet["Topic"]):
    def visible_to(self, user) -> TopicQuerySet:  # type: ignore[no-untyped-def]
        """Topics of the communities the user belongs to (any role there, including party
        members of a branch based there), plus the user's own proposals."""
        from ..access import community_paths

        paths = community_paths(user)
        if paths is None:
            return self
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(node__path__startswith=path)
        if getattr(user, "pk", None):
            condition |= Q(proposer_id=user.pk)
        return self.filter(condition)

    def open(self) -> TopicQuerySet:
        return self.exclude(status__in=[T.DECLINED, T.REJECTED, T.CLOSED, T.WITHDRAWN])

    def in_region(self, node) -> TopicQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(node__path__startswith=node.path)

    def for_list(self) -> TopicQuerySet:
        return self.select_related("node", "procedure", "current_step__step", "proposer")


class Topic(models.Model):
    """A matter put forward for deliberation (议题)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    node = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # A generic reference to where the topic came from: "case-category:<code>@<node code>",
    # "need:<uuid>" (the needs app comes later), free text for the party organization.
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TopicStatus.choices, default=T.SUBMITTED
    )
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.PROTECT, related_name="topics"
    )
    current_step = models.ForeignKey(
        "TopicStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cosign_threshold = models.PositiveIntegerField(default=0, editable=False)
    cosign_until = models.DateTimeField(null=True, blank=True)
    cosign_count = models.PositiveIntegerField(default=0, editable=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    extraordinary = models.BooleanField(
        _("extraordinary owners' assembly requested by owners"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["node", "status"])]

    def __str__(self) -> str:
        return self.title


class TopicEvent(WorkflowEvent):
    subject = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")


class Cosignature(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="cosignatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="delib_one_cosign_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.topic_id}"


class StepStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("step", "Pending")
    ACTIVE = "active", _("Under way")
    DONE = "done", _("Done")
    RETURNED = "returned", _("Returned")
    FAILED = "failed", _("Failed")


S = StepStatus
STEP_TRANSITIONS = TransitionTable(
    {
        S.PENDING: {S.ACTIVE},
        S.ACTIVE: {S.DONE, S.RETURNED, S.FAILED},
        S.RETURNED: {S.ACTIVE},
        S.DONE: {S.ACTIVE},  # a later failed vote sends the topic back to this step
    }
)


class TopicStep(models.Model):
    """A topic's run through one step of its procedure (copied when the procedure starts)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(ProcedureStep, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=StepStatus.choices, default=S.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("topic step")
        verbose_name_plural = _("topic steps")
        ordering = ["topic", "order"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "order"], name="delib_topic_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.step.name}"


class StepEvent(WorkflowEvent):
    subject = models.ForeignKey(TopicStep, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("step event")
        verbose_name_plural = _("step events")
