"""What the funds actions share: permission and input checks, the audit row, the cap error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed

from ..ledger import Line, post, q
from ..models import (
    AccountKind,
    EntryKind,
    Fund,
    FundStatus,
    JournalEntry,
    ProjectBudget,
)

A = AccountKind


class CapExceeded(ActionError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="amount", code="over_cap")


def _require(actor: Any, permission: str, obj: Any) -> None:
    if not actor.has_perm(permission, obj):
        raise NotAllowed(gettext("you may not do this"))


def _amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ActionError(
            gettext("%(v)s is not an amount in yuan") % {"v": value}, field=field
        ) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ActionError(gettext("an amount has at most two decimals (fen)"), field=field)
    if amount <= 0:
        raise ActionError(gettext("the amount must be more than zero"), field=field)
    if amount >= Decimal("1e12"):
        raise ActionError(gettext("the amount is too large"), field=field)
    return q(amount)


def _date(value: dt.date | None) -> dt.date:
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise ActionError(gettext("the date %(d)s is in the future") % {"d": day}, field="date")
    return day


def _open(fund: Fund) -> None:
    if fund.status != FundStatus.OPEN:
        raise ActionError(
            gettext("the fund %(f)s is closed for the year") % {"f": fund}, field="fund"
        )


def _text(value: str, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(gettext("%(label)s is required") % {"label": label}, field=field)
    if len(value) > max_length:
        raise ActionError(
            gettext("%(label)s is longer than %(n)d characters")
            % {"label": label, "n": max_length},
            field=field,
        )
    return value


def _record(actor: Any, action: str, obj: Any, entry: JournalEntry | None = None, **detail: Any):  # type: ignore[no-untyped-def]
    if entry is not None:
        detail.update(entry=str(entry.uuid), seq=entry.seq, amount=str(entry.amount))
    return audit.record(actor, action, obj, **detail)


def _release(
    fund: Fund, budget: ProjectBudget, amount: Decimal, *, actor: Any, on: dt.date, memo: str
) -> JournalEntry:
    return post(
        fund,
        kind=EntryKind.RELEASE,
        lines=[Line(A.AVAILABLE, debit=amount), Line(A.COMMITTED, credit=amount, budget=budget)],
        actor=actor,
        occurred_on=on,
        budget=budget,
        memo=memo,
    )
