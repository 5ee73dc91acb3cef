"""Corrections and account settings. Corrections are new entries, never edits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from cogov.core import audit
from cogov.core.errors import ActionError
from cogov.core.notifications import notify

from .. import ledger
from ..models import Account, Entry, EntryKind
from .common import require


def reverse_entry(*, actor: Any, entry: Entry, reason: str) -> Entry:
    """Correct a wrong entry by appending its exact opposite (kind "adjust", `reverses` set).
    An entry is reversed at most once (unique in the database). Transfers and shop payments
    are undone by their own actions (cancel the redemption), not here."""
    require(actor, "points.correct_ledger", entry.account)
    if not reason.strip():
        raise ActionError(gettext("give the reason for the correction"), field="reason")
    if entry.kind == EntryKind.TRANSFER or entry.redemption_id:
        raise ActionError(gettext("transfers and shop payments are undone by their own actions"))
    if entry.reverses_id:
        raise ActionError(gettext("a correction is not reversed; append a new entry instead"))
    with transaction.atomic():
        (account,) = ledger.lock(entry.account)
        if Entry.objects.filter(reverses=entry).exists():
            raise ActionError(
                gettext("this entry has already been reversed"), code="already_reversed"
            )
        correction = ledger.append(
            account,
            kind=EntryKind.ADJUST,
            amount=-entry.amount,
            actor=actor,
            memo=reason,
            rule=entry.rule,
            reverses=entry,
            idempotency_key=f"reverse:{entry.uuid}",
            evidence={"reverses": str(entry.uuid)},
        )
        audit.record(actor, "points.reverse_entry", correction, reverses=str(entry.uuid))
        _tell(account, "points.corrected", f"Correction: {correction.amount} ({reason})")
    return correction


def adjust(*, actor: Any, account: Account, amount: Decimal, reason: str) -> Entry:
    """A manual adjustment (positive or negative) with its reason."""
    require(actor, "points.correct_ledger", account)
    amount = ledger.q(amount)
    if amount == 0:
        raise ActionError(gettext("an adjustment is not zero"), field="amount")
    if not reason.strip():
        raise ActionError(gettext("give the reason for the adjustment"), field="reason")
    with transaction.atomic():
        (locked,) = ledger.lock(account)
        entry = ledger.append(
            locked, kind=EntryKind.ADJUST, amount=amount, actor=actor, memo=reason
        )
        audit.record(actor, "points.adjust", entry, amount=str(amount), reason=reason)
        _tell(locked, "points.adjusted", f"Adjustment: {amount} ({reason})")
    account.refresh_from_db()
    return entry


def expire(*, actor: Any, account: Account, amount: Decimal, reason: str) -> Entry:
    """Points that lapse under a local validity rule leave the account as an "expire" entry."""
    require(actor, "points.correct_ledger", account)
    amount = ledger.q(amount)
    if amount <= 0:
        raise ActionError(gettext("the amount to expire is positive"), field="amount")
    with transaction.atomic():
        (locked,) = ledger.lock(account)
        entry = ledger.append(
            locked, kind=EntryKind.EXPIRE, amount=-amount, actor=actor, memo=reason
        )
        audit.record(actor, "points.expire", entry, amount=str(amount))
    account.refresh_from_db()
    return entry


def set_leaderboard_opt_in(*, actor: Any, account: Account, opt_in: bool) -> Account:
    """The holder chooses whether the community leaderboard shows them (off by default)."""
    require(actor, "points.use_account", account)
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(leaderboard_opt_in=opt_in)
        account.leaderboard_opt_in = opt_in
        audit.record(actor, "points.leaderboard_opt_in", account, opt_in=opt_in)
    return account


def _tell(account: Account, kind: str, title: str) -> None:
    user = account.person.user
    if user is not None:
        notify([user], kind, title, url="/points/")
