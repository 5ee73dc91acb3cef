"""The points ledger: accounts and append-only entries chained by hashes.

An account belongs to a person in a community and is either a points account or a time-bank
account. Its `balance` is a cache of the sum of its entries: it is changed only by
`cogov.points.ledger.append` in the same transaction as the entry, under the account's row lock,
and `cogov verify-ledgers` checks it against the entries. Each entry carries the balance after it
and a SHA-256 hash over the previous entry's hash of the same account and its own canonical
content, so an entry changed in the database no longer matches its hash.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.models import AppendOnlyModel, AppendOnlyQuerySet

GENESIS = "0" * 64


class AccountKind(models.TextChoices):
    POINTS = "points", _("Points")
    TIME = "time", _("Time bank")


class AccountQuerySet(models.QuerySet["Account"]):
    def visible_to(self, user) -> AccountQuerySet:  # type: ignore[no-untyped-def]
        """The user's own accounts, and those of the communities where a role of the user
        manages points."""
        from cogov.accounts.scopes import reach

        from ..predicates import manager_paths

        r = reach(user)
        if r.everything:
            return self
        condition = Q(pk__in=[])
        if r.person_id is not None:
            condition |= Q(person_id=r.person_id)
        elif getattr(user, "is_authenticated", False):
            condition |= Q(person__user=user)
        for path in manager_paths(r):
            condition |= Q(community__path__startswith=path)
        return self.filter(condition)

    def in_node(self, node) -> AccountQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(community__path__startswith=node.path)


class Account(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="points_accounts"
    )
    community = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AccountKind.choices)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, default=0)
    entry_count = models.PositiveIntegerField(default=0, editable=False)
    head_hash = models.CharField(max_length=64, default=GENESIS, editable=False)
    leaderboard_opt_in = models.BooleanField(_("show me on the leaderboard"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "community", "kind"], name="points_account_unique"
            ),
            models.CheckConstraint(condition=Q(balance__gte=0), name="points_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.community}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    SPEND = "spend", _("Spent")
    ADJUST = "adjust", _("Adjustment")
    EXPIRE = "expire", _("Expired")
    TRANSFER = "transfer", _("Transfer")


class EntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user) -> EntryQuerySet:  # type: ignore[no-untyped-def]
        """Entries of the accounts the user may see."""
        return self.filter(account__in=Account.objects.visible_to(user))


class Entry(AppendOnlyModel):
    """One movement on an account. Never edited, never deleted: a correction is a new entry
    that reverses this one (`reverses`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    balance_after = models.DecimalField(_("balance after"), max_digits=14, decimal_places=2)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    rule = models.CharField(pgettext_lazy("points", "rule"), max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    counterparty = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signup = models.ForeignKey(
        "points.Signup", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    redemption = models.ForeignKey(
        "points.Redemption",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    evidence = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = EntryQuerySet.as_manager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["account_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["account", "seq"], name="points_entry_seq_unique"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="points_entry_balance_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["account", "kind", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.account_id}#{self.seq} {self.kind} {self.amount}"


class Relation(models.Model):
    """A recorded family relation outside the household, for time-bank transfers."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    relative = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=30)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recorded relation")
        verbose_name_plural = _("recorded relations")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="points_relation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.relative} ({self.relation})"
