"""Year end: close a fund's year, sweeping what is left by the funds.year_end policy (carried
into next year's fund of the same kind, or returned)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cogov.core.errors import ActionError
from cogov.core.policies import get_policy

from .. import policy_kinds as pk
from ..ledger import Line, lock_fund, post
from ..models import (
    CARRYOVER,
    EntryKind,
    Fund,
    FundStatus,
    JournalEntry,
    ProjectBudget,
)
from .common import A, _date, _open, _record, _release, _require
from .funds import _create_fund


def close_year(*, actor: Any, fund: Fund, on: dt.date | None = None) -> list[JournalEntry]:
    """Close the fund's year by the `funds.year_end` rule of its kind: committed-but-unpaid
    money is kept payable or released; then the available money is carried into next year's
    fund of the same kind (opened when missing, with the same sources) or returned to the
    sources. The fund takes no new allocations or commitments afterwards."""
    _require(actor, "funds.close_year", fund)
    day = _date(on)
    rule = get_policy(pk.YEAR_END, node=fund.community, on=dt.date(fund.year, 12, 31))
    if day < dt.date(fund.year, rule.close_from_month, 1):
        raise ActionError(
            gettext("the %(y)d fund can be closed from %(d)s on")
            % {"y": fund.year, "d": dt.date(fund.year, rule.close_from_month, 1)},
            field="date",
        )
    with transaction.atomic():
        fund = lock_fund(fund)
        _open(fund)
        entries: list[JournalEntry] = []
        if rule.for_kind(fund.kind).committed == "release":
            for budget in ProjectBudget.objects.filter(fund=fund, committed__gt=0).order_by("pk"):
                entries.append(
                    _release(
                        fund,
                        budget,
                        budget.committed,
                        actor=actor,
                        on=day,
                        memo=gettext("released at year-end close"),
                    )
                )
        Fund.objects.filter(pk=fund.pk).update(status=FundStatus.CLOSED, closed_at=timezone.now())
        fund.status, fund.closed_at = FundStatus.CLOSED, timezone.now()
        entries.extend(_sweep(fund, actor=actor, on=day))
        _record(
            actor,
            "funds.close_year",
            fund,
            unspent=rule.for_kind(fund.kind).unspent,
            committed=rule.for_kind(fund.kind).committed,
            entries=[str(e.uuid) for e in entries],
        )
    return entries


def _sweep_if_closed(fund: Fund, *, actor: Any, on: dt.date) -> None:
    if fund.status == FundStatus.CLOSED:
        _sweep(fund, actor=actor, on=on)


def _sweep(fund: Fund, *, actor: Any, on: dt.date) -> list[JournalEntry]:
    """Move a closed fund's available money by the year-end rule (carry or return)."""
    from ..models import Account

    available = Account.objects.get(fund=fund, kind=A.AVAILABLE, source="").balance
    if available <= 0:
        return []
    rule = get_policy(pk.YEAR_END, node=fund.community, on=dt.date(fund.year, 12, 31))
    if rule.for_kind(fund.kind).unspent == "return":
        return [
            post(
                fund,
                kind=EntryKind.YEAR_END,
                lines=[Line(A.RETURNED, debit=available), Line(A.AVAILABLE, credit=available)],
                actor=actor,
                occurred_on=on,
                memo=gettext("unspent money returned to the sources"),
            )
        ]
    following = Fund.objects.filter(
        community=fund.community, kind=fund.kind, year=fund.year + 1
    ).first()
    if following is None:
        following = _create_fund(
            actor=actor,
            community=fund.community,
            kind=fund.kind,
            year=fund.year + 1,
            sources=fund.sources,
            carried_from=fund,
        )
    following = lock_fund(following)
    if following.status != FundStatus.OPEN:
        raise ActionError(
            gettext("next year's fund %(f)s is closed: nothing can be carried into it")
            % {"f": following},
            field="fund",
        )
    out = post(
        fund,
        kind=EntryKind.YEAR_END,
        lines=[Line(A.CARRIED_OUT, debit=available), Line(A.AVAILABLE, credit=available)],
        actor=actor,
        occurred_on=on,
        memo=gettext("carried into %(f)s") % {"f": following},
    )
    carried_in = post(
        following,
        kind=EntryKind.ALLOCATION,
        lines=[
            Line(A.AVAILABLE, debit=available),
            Line(A.SOURCE, credit=available, source=CARRYOVER),
        ],
        actor=actor,
        occurred_on=_carry_date(on, following),
        memo=gettext("carried over from %(f)s") % {"f": fund},
        counterpart=out,
    )
    return [out, carried_in]


def _carry_date(on: dt.date, following: Fund) -> dt.date:
    """Carried money enters next year's fund on 1 January, or on the closing day when the
    close happens before the new year (a date in the future is not posted), and never before
    that fund's last entry."""
    from ..ledger import last_date

    first = dt.date(following.year, 1, 1)
    day = first if on < first <= timezone.localdate() else on
    last = last_date(following)
    return max(day, last) if last is not None else day
