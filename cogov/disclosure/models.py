"""Disclosure (党务公开 / 居务公开): obligations created from the catalogue, notices that fulfil
them through propose → review (secrecy check) → approve → publish → archive, residents'
objections, and the record of scheduler runs.

The compliance state of an obligation is computed in one place, `ObligationQuerySet.with_state`
(and `Obligation.state` for one row): on time, late, overdue (missing), not yet due.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import AppendOnlyModel, WorkflowEvent
from cogov.core.workflow import TransitionTable


class Category(models.TextChoices):
    PARTY = "party", _("Party affairs")
    RESIDENTS = "residents", _("Residents' affairs")


class Cadence(models.TextChoices):
    LONG_TERM = "long_term", _("Long-term")
    ON_CHANGE = "on_change", _("On change")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMIANNUAL = "semiannual", _("Half-yearly")
    ANNUAL = "annual", _("Yearly")
    PER_EVENT = "per_event", _("Per event")


class State(models.TextChoices):
    ON_TIME = "on_time", _("Published on time")
    LATE = "late", _("Published late")
    OVERDUE = "overdue", _("Overdue (missing)")
    NOT_DUE = "not_due", _("Not yet due")


def _community_filter(user, lookup: str) -> Q | None:  # type: ignore[no-untyped-def]
    """None: everything; else the Q of the communities the user's staff roles reach."""
    from cogov.accounts.scopes import reach

    from .predicates import VIEW, paths_with

    r = reach(user)
    if r.everything:
        return None
    condition = Q(pk__in=[])
    for path in paths_with(r, VIEW):
        condition |= Q(**{f"{lookup}__startswith": path})
    return condition


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def visible_to(self, user) -> ObligationQuerySet:  # type: ignore[no-untyped-def]
        """Obligations of the communities the user's staff roles reach (community staff, street
        and district officials, administrators)."""
        condition = _community_filter(user, "community__path")
        return self if condition is None else self.filter(condition)

    def within(self, node) -> ObligationQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(community__path__startswith=node.path)

    def with_state(self, today: dt.date | None = None) -> ObligationQuerySet:
        """Annotate `state`: on_time (published by the due date), late (published after it),
        overdue (not published and the due date has passed), not_due."""
        today = today or timezone.localdate()
        return self.annotate(
            state=Case(
                When(
                    fulfilled_on__isnull=False, fulfilled_on__lte=F("due_on"), then=Value("on_time")
                ),
                When(fulfilled_on__isnull=False, then=Value("late")),
                When(due_on__lt=today, then=Value("overdue")),
                default=Value("not_due"),
                output_field=models.CharField(),
            )
        )

    def due_between(self, start: dt.date, end: dt.date) -> ObligationQuerySet:
        """Due in [start, end)."""
        return self.filter(due_on__gte=start, due_on__lt=end)


class Obligation(models.Model):
    """A community must publish catalogue item `item_code` for one period (2026-Q3) or one
    event by `due_on` (a working-day deadline). Fulfilled when a notice for it is published."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    item_code = models.CharField(_("catalogue item"), max_length=40)
    item_label = models.CharField(_("item"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices)
    period_key = models.CharField(_("period"), max_length=80)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"), db_index=True)
    trigger = models.CharField(_("trigger"), max_length=60, blank=True)
    trigger_ref = models.CharField(_("trigger reference"), max_length=120, blank=True)
    basis = models.JSONField(default=dict, blank=True, help_text="how due_on was computed")
    fulfilled_on = models.DateField(_("published on"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        "Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="overdue reminder sent")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure obligation")
        verbose_name_plural = _("disclosure obligations")
        ordering = ["due_on", "community_id", "item_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "item_code", "period_key"], name="disclosure_obligation_once"
            )
        ]
        indexes = [models.Index(fields=["community", "due_on"])]

    def __str__(self) -> str:
        return f"{self.item_label} {self.period_key}"

    def state_on(self, today: dt.date | None = None) -> str:
        """The compliance state (see ObligationQuerySet.with_state, which annotates `state`)."""
        today = today or timezone.localdate()
        if self.fulfilled_on is not None:
            return State.ON_TIME if self.fulfilled_on <= self.due_on else State.LATE
        return State.OVERDUE if self.due_on < today else State.NOT_DUE

    def get_state_display(self) -> str:
        return str(State(getattr(self, "state", None) or self.state_on()).label)


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("notice", "Draft")
    IN_REVIEW = "in_review", _("In review")
    ESCALATED = "escalated", _("Escalated to the street")
    APPROVED = "approved", pgettext_lazy("notice", "Approved")
    PUBLISHED = "published", pgettext_lazy("notice", "Published")
    ARCHIVED = "archived", pgettext_lazy("notice", "Archived")
    WITHDRAWN = "withdrawn", pgettext_lazy("notice", "Withdrawn")


S = NoticeStatus
NOTICE_TRANSITIONS = TransitionTable(
    {
        S.DRAFT: {S.IN_REVIEW, S.WITHDRAWN},
        S.IN_REVIEW: {S.APPROVED, S.ESCALATED, S.DRAFT, S.WITHDRAWN},
        S.ESCALATED: {S.APPROVED, S.DRAFT, S.WITHDRAWN},
        S.APPROVED: {S.PUBLISHED, S.WITHDRAWN},
        S.PUBLISHED: {S.ARCHIVED, S.WITHDRAWN},
    }
)

PUBLIC_STATUSES = (S.PUBLISHED, S.ARCHIVED)


class NoticeQuerySet(models.QuerySet["Notice"]):
    def visible_to(self, user) -> NoticeQuerySet:  # type: ignore[no-untyped-def]
        """Every notice (drafts included) of the communities the user's staff roles reach."""
        condition = _community_filter(user, "community__path")
        return self if condition is None else self.filter(condition)

    def on_board(self, community) -> NoticeQuerySet:  # type: ignore[no-untyped-def]
        """What the public board shows: published or archived, never a draft or withdrawn."""
        return self.filter(community=community, status__in=PUBLIC_STATUSES)

    def current(self, now: dt.datetime | None = None) -> NoticeQuerySet:
        now = now or timezone.now()
        return self.filter(status=S.PUBLISHED).filter(
            Q(posting_ends_at__isnull=True) | Q(posting_ends_at__gt=now)
        )


class Notice(models.Model):
    """A disclosure notice (公开事项). It fulfils one obligation or is ad hoc."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    obligation = models.ForeignKey(
        Obligation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("obligation"),
    )
    item_code = models.CharField(_("catalogue item"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    title = models.CharField(pgettext_lazy("notice", "title"), max_length=200)
    body = models.TextField(pgettext_lazy("notice", "text"))
    table = models.JSONField(
        _("attached table"),
        default=dict,
        blank=True,
        help_text="{'title', 'columns': [...], 'rows': [[...]]}, stored already masked",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=S.DRAFT
    )
    mask_personal_data = models.BooleanField(_("mask personal data"), default=False)
    min_posting_days = models.PositiveIntegerField(_("minimum posting days"), default=7)
    objection_days = models.PositiveIntegerField(_("objection window (days)"), default=0)
    secrecy_check = models.JSONField(_("secrecy check"), default=dict, blank=True)
    pii_findings = models.JSONField(default=list, blank=True)
    pii_justification = models.TextField(_("justification for personal data"), blank=True)
    posting_starts_at = models.DateTimeField(_("posted from"), null=True, blank=True)
    posting_ends_at = models.DateTimeField(_("posted until"), null=True, blank=True)
    objections_until = models.DateTimeField(_("objections until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure notice")
        verbose_name_plural = _("disclosure notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def objections_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == S.PUBLISHED
            and self.objections_until is not None
            and now < self.objections_until
        )


class NoticeEvent(WorkflowEvent):
    subject = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")


class Objection(models.Model):
    """A resident's objection or question about a published notice, answered by staff."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("objection"))
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class ScheduleRun(AppendOnlyModel):
    """One run of the obligation scheduler: when, up to which day, how many it created."""

    at = models.DateTimeField(default=timezone.now)
    on = models.DateField()
    created = models.PositiveIntegerField(default=0)
    communities = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.created}"
