"""Votes, their electorate snapshot, who took part, and the anonymous ballot contents.

Storage is split on purpose (docs/voting.md, "Integrity"):

- `Elector`: the electorate, snapshotted when the vote opens (one row per voter: a resident,
  a household, an owner as defined by Civil Code art. 278 and the SPC interpretation art. 9,
  a party member, a member of a body), with its weight (heads 1, exclusive area).
- `Participation`: WHO took part. The unique constraint (vote, elector) is the "one ballot per
  voter" rule, enforced by the database whatever the concurrency.
- `Ballot`: WHAT was chosen: random id, no elector, no timestamp; hash-chained in `seq` order.
  In a secret vote nothing links a `Participation` to a `Ballot`; in an open vote
  `Participation.ballot` points at it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cogov.core.models import AppendOnlyModel, WorkflowEvent
from cogov.core.workflow import TransitionTable


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    TALLIED = "tallied", _("Tallied")
    CANCELLED = "cancelled", _("Cancelled")


TRANSITIONS = TransitionTable(
    {
        Status.DRAFT: {Status.OPEN, Status.CANCELLED},
        Status.OPEN: {Status.CLOSED, Status.CANCELLED},
        Status.CLOSED: {Status.TALLIED},
    }
)


class ElectorateKind(models.TextChoices):
    RESIDENTS = "residents", _("Residents of voting age")
    HOUSEHOLDS = "households", _("Household representatives")
    PARTY_MEMBERS = "party_members", _("Party members of a branch")
    OWNERS = "owners", _("Owners (by unit and exclusive area)")
    BODY = "body", _("Members of a body")


class BallotKind(models.TextChoices):
    YES_NO = "yes_no", _("For / against / abstain")
    SINGLE = "single", _("Single choice")
    APPROVAL = "approval", _("Approval (any number of options)")
    RANKED = "ranked", _("Ranked (Borda count)")
    BUDGET = "budget", _("Approval within a budget (the picks' costs must fit the budget)")


# Ballots on which a voter ticks several options (checkboxes on the ballot page).
MULTIPLE_CHOICE_KINDS = (BallotKind.APPROVAL, BallotKind.RANKED, BallotKind.BUDGET)


class Mode(models.TextChoices):
    MEETING = "meeting", _("In a meeting")
    WRITTEN = "written", _("Written / online over a period")


class Matter(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary matter")
    MAJOR = "major", _("Major matter (Civil Code art. 278 items 6-8)")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper ballot entered by staff")
    PROXY = "proxy", _("Proxy with written authorisation")
    CODE = "code", _("One-time voting code")


YES_NO_OPTIONS = ["for", "against", "abstain"]


class VoteQuerySet(models.QuerySet["Vote"]):
    def visible_to(self, user) -> VoteQuerySet:  # type: ignore[no-untyped-def]
        """Votes in the user's territorial scopes (any staff or resident role there), plus
        votes the user is an elector of."""
        from cogov.accounts.scopes import reach

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        for path in r.node_paths:
            condition |= Q(node__path__startswith=path)
        if getattr(user, "pk", None):
            condition |= Q(pk__in=ElectorAccount.objects.filter(user=user).values("vote_id"))
        return self.filter(condition).exclude(
            Q(status=Status.DRAFT) & ~Q(pk__in=self._organisable_ids(r))
        )

    def _organisable_ids(self, r) -> models.QuerySet:  # type: ignore[no-untyped-def]
        from cogov.accounts.roles import VERIFY

        condition = Q(pk__in=[])
        for path in r.paths_with(VERIFY):
            condition |= Q(node__path__startswith=path)
        return Vote.objects.filter(condition).values("pk")


class Vote(models.Model):
    """One question put to an electorate (a meeting with several motions creates several)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    node = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("body or branch"),
    )
    title = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    electorate = models.CharField(_("electorate"), max_length=20, choices=ElectorateKind.choices)
    rule = models.CharField(_("rule"), max_length=40)
    matter = models.CharField(
        _("matter"), max_length=10, choices=Matter.choices, default=Matter.ORDINARY
    )
    ballot_kind = models.CharField(
        _("ballot"), max_length=10, choices=BallotKind.choices, default=BallotKind.YES_NO
    )
    options = models.JSONField(_("options"), default=list, blank=True)  # [{"key", "label"}]
    # Budget ballots: each option also has a "cost" (text of a Decimal); a ballot's picks
    # must cost no more than this in total (cogov/voting/ballots.py).
    budget_limit = models.DecimalField(
        _("budget of the ballot"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    secret = models.BooleanField(_("secret ballot"), default=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.WRITTEN)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Frozen when the vote opens: the date whose rules apply, the rule, the electorate totals.
    vote_date = models.DateField(_("date of the vote"), null=True, blank=True)
    rule_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    entitled_heads = models.PositiveIntegerField(default=0, editable=False)
    entitled_area = models.DecimalField(max_digits=14, decimal_places=2, default=0, editable=False)
    # The ballot log: number of entries and the hash of the last one.
    ballot_count = models.PositiveIntegerField(default=0, editable=False)
    head_hash = models.CharField(max_length=64, blank=True, editable=False)
    digest = models.CharField(_("published digest"), max_length=64, blank=True, editable=False)
    result = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-opens_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at: dt.datetime | None = None) -> bool:
        """THE one place that says whether ballots are accepted: the vote was opened (and not
        closed) and `at` (now) lies in [opens_at, closes_at)."""
        at = at or timezone.now()
        return (
            self.status == Status.OPEN
            and self.opens_at <= at
            and (self.closes_at is None or at < self.closes_at)
        )

    def option_keys(self) -> list[str]:
        if self.ballot_kind == BallotKind.YES_NO:
            return list(YES_NO_OPTIONS)
        return [str(o["key"]) for o in self.options]

    def option_cost(self, key: str) -> Decimal | None:
        """The cost of an option of a budget ballot (None on other ballots)."""
        for o in self.options:
            if str(o["key"]) == key and o.get("cost") is not None:
                return Decimal(str(o["cost"]))
        return None

    def option_label(self, key: str) -> str:
        labels = {"for": _("For"), "against": _("Against"), "abstain": _("Abstain")}
        if self.ballot_kind == BallotKind.YES_NO:
            return str(labels.get(key, key))
        for o in self.options:
            if str(o["key"]) == key:
                return str(o.get("label") or key)
        return key


class VoteEvent(WorkflowEvent):
    subject = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("vote event")
        verbose_name_plural = _("vote events")


class Elector(AppendOnlyModel):
    """One voter of the snapshot. `key` names it stably: "person:12", "household:5",
    "owner:3,9" (the units of one owner), "developer" (all unsold units), "user:4"."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="electors")
    key = models.CharField(max_length=200)
    label = models.CharField(max_length=200)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "territory.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    heads = models.PositiveSmallIntegerField(default=1)
    area = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    units = models.JSONField(default=list, blank=True)  # property unit ids (owners)

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        ordering = ["vote", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "key"], name="voting_elector_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class ElectorAccount(AppendOnlyModel):
    """An account that may cast the elector's one ballot online (verified when snapshotted).
    Co-owners of a unit are several accounts of one elector: the first ballot counts."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="+")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="accounts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["elector", "user"], name="voting_elector_account_unique"
            )
        ]
        indexes = [models.Index(fields=["vote", "user"])]


class Ballot(AppendOnlyModel):
    """WHAT was chosen. Random id, no elector, no time: shuffle-safe. `hash` covers the
    previous entry's hash and this ballot's canonical content (see integrity.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    seq = models.PositiveIntegerField()
    choice = models.JSONField()  # list of option keys (ranked: in order of preference)
    heads = models.PositiveSmallIntegerField(default=1)
    area = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "seq"], name="voting_ballot_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}#{self.seq}"


class Participation(AppendOnlyModel):
    """WHO took part, by which channel. One per elector and vote (database constraint).

    Secret votes: `ballot`, `on` and `at` stay empty, so that neither a key nor a time links
    this row to the ballot content."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="participations")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    on = models.DateField(null=True, blank=True)  # open votes only
    at = models.DateTimeField(null=True, blank=True)  # open votes only
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_ref = models.CharField(
        _("written authorisation reference"), max_length=100, blank=True
    )
    ballot = models.OneToOneField(
        Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["vote", "elector"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "elector"], name="voting_one_ballot_per_elector"
            )
        ]


class VotingCode(models.Model):
    """A printable one-time code for an elector without a phone. Only an HMAC of the code is
    stored; `used_on` is set once, by a conditional UPDATE."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="codes")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    used_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "elector"],
                condition=Q(revoked_at__isnull=True),
                name="voting_one_live_code_per_elector",
            )
        ]

    def __str__(self) -> str:
        return f"code for {self.elector_id} ({'used' if self.used_on else 'unused'})"
