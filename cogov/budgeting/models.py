"""Participatory budgeting (民生微实事, governance-mechanisms.md §12): rounds in phases and the
proposals residents put to them, from submission to acceptance and closing.

Two workflows, each one transition table with append-only events (docs/budgeting.md):

- `Round`: draft → collecting (征集) → screening (初审) → council (居民议事会评议) → voting
  (public vote through cogov.voting) → selected (winners by the documented rule, published)
  → approved (street 立项; commitments in the funds ledger) → closed. Cancelled from the
  first four.
- `Proposal`: submitted → screened_in | rejected (reason, published) → council_passed |
  council_failed → on_ballot → won | lost → approved → implementing (milestones) → accepted
  (residents' representatives, satisfaction) → closed (final cost). A proposer may withdraw a
  proposal not yet screened.

Whether a phase is active is computed in exactly one place: `Round.phase_active`.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import AppendOnlyModel, WorkflowEvent
from cogov.core.workflow import TransitionTable


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COLLECTING = "collecting", _("Collecting proposals")
    SCREENING = "screening", _("Screening")
    COUNCIL = "council", _("Residents' council review")
    VOTING = "voting", _("Public vote")
    SELECTED = "selected", _("Winners selected")
    APPROVED = "approved", pgettext_lazy("budgeting", "Approved")
    CLOSED = "closed", pgettext_lazy("budgeting round", "Closed")
    CANCELLED = "cancelled", _("Cancelled")


ROUND_TRANSITIONS = TransitionTable(
    {
        RoundStatus.DRAFT: {RoundStatus.COLLECTING, RoundStatus.CANCELLED},
        RoundStatus.COLLECTING: {RoundStatus.SCREENING, RoundStatus.CANCELLED},
        RoundStatus.SCREENING: {RoundStatus.COUNCIL, RoundStatus.CANCELLED},
        RoundStatus.COUNCIL: {RoundStatus.VOTING, RoundStatus.CANCELLED},
        RoundStatus.VOTING: {RoundStatus.SELECTED},
        RoundStatus.SELECTED: {RoundStatus.APPROVED},
        RoundStatus.APPROVED: {RoundStatus.CLOSED},
    }
)

# Statuses in which the round's proposals and their outcomes are public (全流程公示).
PUBLIC_STATUSES = tuple(s for s in RoundStatus.values if s != RoundStatus.DRAFT)
RESULT_STATUSES = (RoundStatus.SELECTED, RoundStatus.APPROVED, RoundStatus.CLOSED)


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval (tick any number)")
    RANKED = "ranked", _("Ranked (Borda count)")
    BUDGET = "budget", _("Approval within the budget (picks must fit the budget)")


class WinnerRule(models.TextChoices):
    GREEDY = "greedy", _("Greedy by votes within the budget")
    EQUAL_SHARES = "equal_shares", _("Method of Equal Shares")


class TieRule(models.TextChoices):
    LOWER_COST = "lower_cost", _("Lower cost first")
    EARLIER_SUBMISSION = "earlier_submission", _("Earlier submission first")
    LOTTERY = "lottery", _("Lottery with the published seed")


class Completion(models.TextChoices):
    GREEDY = "greedy", _("Fill the money left with greedy by votes")
    NONE = "none", _("Leave the money left unspent")


class Category(models.TextChoices):
    SERVICE = "service", pgettext_lazy("budgeting category", "Service")
    GOODS = "goods", pgettext_lazy("budgeting category", "Goods")
    WORKS = "works", pgettext_lazy("budgeting category", "Works")


class ProposerKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GROUP = "group", _("Group of residents or organization")
    UNIT = "unit", _("Unit (co-construction unit, enterprise, institution)")


class BudgetRoundQuerySet(models.QuerySet["Round"]):
    def visible_to(self, user) -> BudgetRoundQuerySet:  # type: ignore[no-untyped-def]
        """Rounds whose area overlaps one of the user's territorial scopes (above or below it)
        or contains the base of one of the user's organizations; drafts only for organisers."""
        from cogov.accounts.roles import VERIFY
        from cogov.accounts.scopes import reach

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        for path in r.node_paths:
            condition |= Q(node__path__startswith=path)
            condition |= Q(node__path__in=_prefixes(path))
        org_paths = _organization_node_paths(r)
        for path in org_paths:
            condition |= Q(node__path__startswith=path) | Q(node__path__in=_prefixes(path))
        organiser = Q(pk__in=[])
        for path in r.paths_with(VERIFY):
            organiser |= Q(node__path__startswith=path)
        return self.filter(condition).exclude(Q(status=RoundStatus.DRAFT) & ~organiser)

    def public(self) -> BudgetRoundQuerySet:
        return self.filter(status__in=PUBLIC_STATUSES)


def _prefixes(path: str) -> list[str]:
    """The paths of the nodes above a node ("/1/7/42/" → "/1/", "/1/7/")."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def _organization_node_paths(r) -> list[str]:  # type: ignore[no-untyped-def]
    if not r.organization_ids:
        return []
    from cogov.organizations.models import Organization

    return sorted(
        set(
            Organization.objects.filter(pk__in=r.organization_ids).values_list(
                "node__path", flat=True
            )
        )
        - {None}
    )


def _new_seed() -> str:
    return secrets.token_hex(16)


class Round(models.Model):
    """One year's participatory-budgeting round of a community (or a street)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    node = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    ballot_kind = models.CharField(
        _("ballot"), max_length=10, choices=BallotKind.choices, default=BallotKind.APPROVAL
    )
    winner_rule = models.CharField(
        _("winner rule"), max_length=20, choices=WinnerRule.choices, default=WinnerRule.GREEDY
    )
    tie_rule = models.CharField(
        _("tie rule"), max_length=20, choices=TieRule.choices, default=TieRule.LOWER_COST
    )
    completion = models.CharField(
        _("equal shares: money left"),
        max_length=10,
        choices=Completion.choices,
        default=Completion.GREEDY,
    )
    # Published when the round is created, before anyone votes: the lottery tie rule and
    # nothing else uses it, so nobody can choose it after seeing the votes.
    seed = models.CharField(_("public seed"), max_length=64, default=_new_seed, editable=False)
    collect_opens_at = models.DateTimeField(_("proposals from"))
    collect_closes_at = models.DateTimeField(_("proposals until"))
    vote_opens_at = models.DateTimeField(_("vote opens"))
    vote_closes_at = models.DateTimeField(_("vote closes"))
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    vote_uuid = models.UUIDField(null=True, blank=True, editable=False)
    selection = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = BudgetRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("budgeting round")
        verbose_name_plural = _("budgeting rounds")
        ordering = ["-year", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def phase_active(self, phase: str, at: dt.datetime | None = None) -> bool:
        """THE one place that says whether a time-boxed phase accepts input now: proposals are
        accepted while the round is `collecting` and `at` lies in [collect_opens_at,
        collect_closes_at); ballots while it is `voting` (the vote itself also checks its own
        window, cogov.voting's `Vote.is_open`)."""
        at = at or timezone.now()
        if phase == RoundStatus.COLLECTING:
            return (
                self.status == RoundStatus.COLLECTING
                and self.collect_opens_at <= at < self.collect_closes_at
            )
        if phase == RoundStatus.VOTING:
            return (
                self.status == RoundStatus.VOTING and self.vote_opens_at <= at < self.vote_closes_at
            )
        return self.status == phase

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def has_results(self) -> bool:
        return self.status in RESULT_STATUSES


class RoundEvent(WorkflowEvent):
    subject = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("round event")
        verbose_name_plural = _("round events")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SCREENED_IN = "screened_in", _("Passed screening")
    REJECTED = "rejected", _("Rejected at screening")
    COUNCIL_PASSED = "council_passed", _("Passed the residents' council")
    COUNCIL_FAILED = "council_failed", _("Not passed by the residents' council")
    ON_BALLOT = "on_ballot", _("On the ballot")
    WON = "won", _("Won the vote")
    LOST = "lost", _("Not selected")
    APPROVED = "approved", pgettext_lazy("budgeting", "Approved")
    IMPLEMENTING = "implementing", _("Being implemented")
    ACCEPTED = "accepted", _("Accepted by residents' representatives")
    CLOSED = "closed", pgettext_lazy("budgeting project", "Closed")


TRANSITIONS = TransitionTable(
    {
        Status.SUBMITTED: {Status.SCREENED_IN, Status.REJECTED, Status.WITHDRAWN},
        Status.SCREENED_IN: {Status.COUNCIL_PASSED, Status.COUNCIL_FAILED},
        Status.COUNCIL_PASSED: {Status.ON_BALLOT},
        Status.ON_BALLOT: {Status.WON, Status.LOST},
        Status.WON: {Status.APPROVED},
        Status.APPROVED: {Status.IMPLEMENTING},
        Status.IMPLEMENTING: {Status.ACCEPTED},
        Status.ACCEPTED: {Status.CLOSED},
    }
)


class BudgetProposalQuerySet(models.QuerySet["Proposal"]):
    def visible_to(self, user) -> BudgetProposalQuerySet:  # type: ignore[no-untyped-def]
        """Proposals of the rounds the user sees (a round's proposals are public within it)."""
        return self.filter(round__in=Round.objects.visible_to(user))

    def in_period(self, node, lo: dt.datetime, hi: dt.datetime) -> BudgetProposalQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(
            round__node__path__startswith=node.path, submitted_at__gte=lo, submitted_at__lt=hi
        )


class Proposal(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="proposals")
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    cost = models.DecimalField(_("cost estimate (yuan)"), max_digits=14, decimal_places=2)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries (estimate)"), default=0)
    location = models.CharField(_("location"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "territory.Node",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid"),
    )
    proposer_kind = models.CharField(
        _("proposed by"), max_length=10, choices=ProposerKind.choices, default=ProposerKind.RESIDENT
    )
    proposer_name = models.CharField(_("proposer"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # The council's review (居民议事会): its numbers, kept with the decision.
    council = models.JSONField(default=dict, blank=True, editable=False)
    votes = models.CharField(_("votes"), max_length=40, blank=True, editable=False)
    budget_line = models.CharField(max_length=64, blank=True, editable=False)
    final_cost = models.DecimalField(
        _("final cost (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    objects = BudgetProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="budgeting_proposal_number")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"P-{self.number:03d}"


class ProposalEvent(WorkflowEvent):
    subject = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")


class CostItem(models.Model):
    """One line of a proposal's cost estimate: quantity × unit price = amount."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    description = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["proposal", "position"]
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class Milestone(AppendOnlyModel):
    """A progress report of an approved proposal (monthly at least): how far, with evidence."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    evidence = models.TextField(_("evidence"))
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "reported_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")


class Acceptance(AppendOnlyModel):
    """An acceptance inspection (验收) by residents' representatives: who, how satisfied,
    passed or sent back for rectification."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="acceptances")
    representatives = models.JSONField(_("residents' representatives"))
    satisfaction = models.DecimalField(_("satisfaction (%)"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True)
    accepted_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "accepted_on", "pk"]
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
