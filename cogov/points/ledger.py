"""Appending to the ledger, and checking it.

Rules that hold for every entry (docs/points.md):
- an entry is appended only while its account row is locked (`lock`), in the caller's
  transaction; the account's cached balance, entry count and head hash change in the same
  transaction, so the cache always equals the entries;
- a balance never goes below zero: `append` refuses, and two CHECK constraints back it up;
- an entry's hash is SHA-256 over the previous entry's hash of the same account and the entry's
  canonical content; `verify` recomputes every chain and names the first broken entry;
- an idempotency key is unique in the database: the same award, however often retried, is one
  entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from cogov.core.errors import ActionError

from .models import GENESIS, Account, Entry

CENT = Decimal("0.01")


def q(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def canonical(entry: Entry) -> bytes:
    """The content an entry's hash covers, as canonical JSON (sorted keys, no spaces)."""
    occurred = entry.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = {
        "uuid": str(entry.uuid),
        "account": entry.account_id,
        "seq": entry.seq,
        "kind": entry.kind,
        "amount": f"{q(entry.amount)}",
        "balance_after": f"{q(entry.balance_after)}",
        "occurred_at": occurred,
        "actor": entry.actor_id,
        "memo": entry.memo,
        "rule": entry.rule,
        "idempotency_key": entry.idempotency_key,
        "reverses": entry.reverses_id,
        "counterparty": entry.counterparty_id,
        "signup": entry.signup_id,
        "redemption": entry.redemption_id,
        "evidence": entry.evidence,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(prev_hash: str, entry: Entry) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(entry)).hexdigest()


def lock(*accounts: Account) -> list[Account]:
    """Lock account rows (in id order, so two transfers cannot deadlock) and return fresh
    copies in the order given. Must run inside a transaction."""
    ids = sorted({a.pk for a in accounts})
    rows = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [rows[a.pk] for a in accounts]


def append(
    account: Account,
    *,
    kind: str,
    amount: Any,
    actor: Any = None,
    occurred_at: dt.datetime | None = None,
    memo: str = "",
    rule: str = "",
    idempotency_key: str | None = None,
    reverses: Entry | None = None,
    counterparty: Account | None = None,
    signup: Any = None,
    redemption: Any = None,
    evidence: dict[str, Any] | None = None,
) -> Entry:
    """Append one entry to a locked account (see `lock`) and move its cached balance.

    Raises ActionError(code="insufficient") when the balance would go below zero.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.append must run inside a transaction, on a locked account")
    amount = q(amount)
    balance = q(account.balance) + amount
    if balance < 0:
        raise ActionError(
            gettext("not enough points on the account"), field="amount", code="insufficient"
        )
    entry = Entry(
        account=account,
        seq=account.entry_count + 1,
        kind=kind,
        amount=amount,
        balance_after=balance,
        occurred_at=occurred_at or timezone.now(),
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        memo=memo[:200],
        rule=rule,
        idempotency_key=idempotency_key,
        reverses=reverses,
        counterparty=counterparty,
        signup=signup,
        redemption=redemption,
        evidence=evidence or {},
        prev_hash=account.head_hash,
    )
    entry.hash = entry_hash(account.head_hash, entry)
    entry.save()
    Account.objects.filter(pk=account.pk).update(
        balance=balance, entry_count=entry.seq, head_hash=entry.hash
    )
    account.balance, account.entry_count, account.head_hash = balance, entry.seq, entry.hash
    return entry


def append_once(account: Account, *, idempotency_key: str, **fields: Any) -> tuple[Entry, bool]:
    """Append unless an entry with `idempotency_key` exists; (entry, created).

    The caller holds the account lock, so retries of the same award queue up behind it and find
    the first one's entry; the unique key in the database is the backstop if they do not.
    """
    existing = Entry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return append(account, idempotency_key=idempotency_key, **fields), True
    except IntegrityError:
        existing = Entry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        account.refresh_from_db()
        return existing, False


@dataclass(frozen=True)
class Problem:
    account: Account
    entry: Entry | None
    reason: str

    def __str__(self) -> str:
        where = (
            f"entry {self.entry.uuid} (account {self.account.uuid} #{self.entry.seq})"
            if self.entry is not None
            else f"account {self.account.uuid}"
        )
        return f"{where}: {self.reason}"


def verify(accounts: Iterable[Account] | None = None) -> Iterator[Problem]:
    """Recompute every account's chain. Yields one problem per broken entry or cached value;
    an account is read in seq order, one query per account, entries streamed."""
    for account in accounts if accounts is not None else Account.objects.order_by("pk"):
        yield from _verify_account(account)


def _verify_account(account: Account) -> Iterator[Problem]:
    prev, balance, seq = GENESIS, Decimal("0.00"), 0
    for entry in Entry.objects.filter(account=account).order_by("seq").iterator(chunk_size=2000):
        seq += 1
        if entry.seq != seq:
            yield Problem(account, entry, f"sequence number {entry.seq}, expected {seq}")
            seq = entry.seq
        if entry.prev_hash != prev:
            yield Problem(account, entry, "does not follow the previous entry (prev_hash)")
        if entry.hash != entry_hash(entry.prev_hash, entry):
            yield Problem(account, entry, "content does not match its hash (changed)")
        balance = balance + q(entry.amount)
        if q(entry.balance_after) != balance:
            yield Problem(
                account, entry, f"balance after is {entry.balance_after}, entries give {balance}"
            )
        if balance < 0:
            yield Problem(account, entry, "balance below zero")
        prev = entry.hash
    if account.entry_count != seq:
        yield Problem(account, None, f"entry count {account.entry_count}, entries {seq}")
    if q(account.balance) != balance:
        yield Problem(account, None, f"cached balance {account.balance}, entries give {balance}")
    if account.head_hash != prev:
        yield Problem(account, None, "head hash does not match the last entry")
