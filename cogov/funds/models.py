"""Community funds and their double-entry ledger (docs/funds.md).

A `Fund` is one year's money of one kind for one community (党组织服务群众经费, 民生微实事, working
funds, donations…). Each fund has its own accounts: one `source` account per funding level
(city, district, donor, carry-over from last year) and the five accounts the money moves through:
`available` → `committed` (to a `ProjectBudget` line) → `spent` (paid out), and at year end
`returned` (to the source) or `carried_out` (into next year's fund).

Amounts are `Decimal(14, 2)` in yuan, never floats. An account's `balance` is debits minus
credits: source accounts are never positive (money came from them), the others never negative.
`JournalEntry` and `JournalLine` rows are append-only: a correction is a reversal entry that
mirrors an earlier one. Every entry balances (sum of debits = sum of credits = `amount`): the
posting code checks it, and on PostgreSQL a deferred constraint trigger checks it again at commit
(migration 0002).

Reconciliation, per fund and to the cent: the balance of every account equals the sum of its
lines, and available + committed + spent + returned + carried_out = allocated (the credits to
the source accounts). `cogov verify-funds` checks it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import AppendOnlyModel, AppendOnlyQuerySet

ZERO = Decimal("0.00")


class FundKind(models.TextChoices):
    PARTY_SERVICE = "party_service", _("Party organization service fund")
    MICRO_PROJECT = "micro_project", _("Livelihood micro-projects")
    WORKING = "working", _("Community working fund")
    CHARITY = "charity", _("Donations and charity")
    OTHER = "other", pgettext_lazy("fund kind", "Other")


class FundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("fund", "Open")
    CLOSED = "closed", pgettext_lazy("fund", "Closed for the year")


def journal_condition(user, prefix: str = "") -> Q:  # type: ignore[no-untyped-def]
    """A filter on funds (through `prefix`, e.g. "fund__") whose journal the user may read."""
    from cogov.accounts.scopes import reach

    from .predicates import VIEW, funds_paths

    r = reach(user)
    if r.everything:
        return Q()
    condition = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for path in funds_paths(r, VIEW):
        condition |= Q(**{f"{prefix}community__path__startswith": path})
    return condition


class FundQuerySet(models.QuerySet["Fund"]):
    def visible_to(self, user) -> FundQuerySet:  # type: ignore[no-untyped-def]
        """A fund's summary is public to every signed-in user holding a role (居务公开); the
        journal with payees is for staff (`funds.view_journal`)."""
        from cogov.accounts.scopes import reach

        if not reach(user).grants:
            return self.none()
        return self

    def journal_visible_to(self, user) -> FundQuerySet:  # type: ignore[no-untyped-def]
        """Funds whose journal (payees, vouchers) the user's roles may read."""
        return self.filter(journal_condition(user))

    def in_node(self, node) -> FundQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(community__path__startswith=node.path)


class Fund(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FundKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    # [{"level": "city", "share": "50.00"}, {"level": "district", "share": "50.00"}]
    sources = models.JSONField(_("sources"), default=list)
    status = models.CharField(
        _("status"), max_length=8, choices=FundStatus.choices, default=FundStatus.OPEN
    )
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )
    entry_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-year", "community_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "year"], name="funds_fund_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class AccountKind(models.TextChoices):
    SOURCE = "source", _("Source")
    AVAILABLE = "available", _("Available")
    COMMITTED = "committed", _("Committed")
    SPENT = "spent", pgettext_lazy("funds", "Spent")
    RETURNED = "returned", _("Returned to source")
    CARRIED_OUT = "carried_out", _("Carried to next year")


FUND_ACCOUNTS = (
    AccountKind.AVAILABLE,
    AccountKind.COMMITTED,
    AccountKind.SPENT,
    AccountKind.RETURNED,
    AccountKind.CARRIED_OUT,
)
CARRYOVER = "carryover"  # the source level of money carried in from last year's fund


class Account(models.Model):
    """One account of a fund. `balance` = debits − credits, a cache of the lines kept under the
    fund's row lock; `cogov verify-funds` recomputes it."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    source = models.CharField(_("source level"), max_length=32, blank=True)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("fund account")
        verbose_name_plural = _("fund accounts")
        ordering = ["fund_id", "kind", "source"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "kind", "source"], name="funds_account_unique"),
            models.CheckConstraint(
                condition=(Q(kind="source") & Q(balance__lte=0))
                | (~Q(kind="source") & Q(balance__gte=0)),
                name="funds_account_balance_sign",
            ),
        ]

    def __str__(self) -> str:
        label = str(self.get_kind_display())
        return f"{label}:{self.source}" if self.source else label


class BudgetKind(models.TextChoices):
    SERVICE = "service", pgettext_lazy("funds", "Services")
    GOODS = "goods", pgettext_lazy("funds", "Goods")
    WORKS = "works", _("Works")


class ProjectBudgetQuerySet(models.QuerySet["ProjectBudget"]):
    def visible_to(self, user) -> ProjectBudgetQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(fund__in=Fund.objects.visible_to(user))


class ProjectBudget(models.Model):
    """A budget line for one project inside a fund. `source_app` + `source_ref` name what decided
    it (a participatory-budgeting proposal, a co-construction project, a resolution) without a
    foreign key into that app. `committed` and `paid` cache the line's balances on the committed
    and spent accounts (kept under the fund lock, checked by `cogov verify-funds`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="budgets")
    title = models.CharField(pgettext_lazy("funds", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=BudgetKind.choices)
    amount = models.DecimalField(_("budgeted amount"), max_digits=14, decimal_places=2)
    source_app = models.CharField(_("decided in"), max_length=40, blank=True)
    source_ref = models.CharField(_("reference"), max_length=100, blank=True)
    decided_by_residents = models.BooleanField(_("decided by residents"), default=False)
    committed = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO, editable=False)
    paid = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ProjectBudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["fund_id", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_budget_amount_positive"),
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(paid__gte=0), name="funds_budget_not_negative"
            ),
            models.UniqueConstraint(
                fields=["fund", "source_app", "source_ref"],
                condition=~Q(source_ref=""),
                name="funds_budget_source_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation")
    COMMITMENT = "commitment", _("Commitment")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    RELEASE = "release", _("Release")
    REVERSAL = "reversal", _("Reversal")
    YEAR_END = "year_end", _("Year-end close")


class JournalEntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user) -> JournalEntryQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(journal_condition(user, "fund__"))


class JournalEntry(AppendOnlyModel):
    """One balanced movement inside a fund. Never edited, never deleted."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(pgettext_lazy("funds", "amount"), max_digits=14, decimal_places=2)
    occurred_on = models.DateField(_("date"), db_index=True)
    budget = models.ForeignKey(
        ProjectBudget,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("budget line"),
    )
    payee = models.CharField(_("payee"), max_length=200, blank=True)
    voucher_no = models.CharField(_("voucher no."), max_length=64, blank=True)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    counterpart = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the other fund's entry of a carry-over
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = JournalEntryQuerySet.as_manager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["fund_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "seq"], name="funds_entry_seq_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_entry_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()} {self.amount}"


class JournalLine(AppendOnlyModel):
    """One side of an entry: a debit or a credit (exactly one of them positive) on one account,
    optionally for one budget line."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    budget = models.ForeignKey(
        ProjectBudget, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    debit = models.DecimalField(_("debit"), max_digits=14, decimal_places=2, default=ZERO)
    credit = models.DecimalField(_("credit"), max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["entry_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="funds_line_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} Dr {self.debit} Cr {self.credit}"
