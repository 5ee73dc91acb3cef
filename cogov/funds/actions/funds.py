"""Funds: opened for a community, kind and year (with their accounts), and allocated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from cogov.core.errors import ActionError
from cogov.core.policies import get_policy

from .. import policy_kinds as pk
from ..ledger import Line, lock_fund, open_accounts, post, q
from ..models import (
    EntryKind,
    Fund,
    FundKind,
    JournalEntry,
)
from .common import A, _amount, _date, _open, _record, _require


def create_fund(
    *,
    actor: Any,
    community: Any,
    kind: str,
    year: int,
    name: str = "",
    sources: list[dict[str, Any]] | None = None,
) -> Fund:
    """Open the community's fund of `kind` for `year` with its accounts. `sources` (level and
    percentage share, adding up to 100) default to the `funds.source_shares` policy."""
    _require(actor, "funds.create_fund", community)
    with transaction.atomic():
        fund = _create_fund(
            actor=actor, community=community, kind=kind, year=year, name=name, sources=sources
        )
        _record(actor, "funds.create_fund", fund, kind=kind, year=year, sources=fund.sources)
    return fund


def _create_fund(
    *,
    actor: Any,
    community: Any,
    kind: str,
    year: int,
    name: str = "",
    sources: list[dict[str, Any]] | None = None,
    carried_from: Fund | None = None,
) -> Fund:
    if getattr(community, "level", None) != "community":
        raise ActionError(gettext("a fund belongs to a community"), field="community")
    if kind not in FundKind.values:
        raise ActionError(gettext("unknown fund kind %(k)r") % {"k": kind}, field="kind")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ActionError(gettext("the year must be between 2000 and 2100"), field="year")
    if sources is None:
        shares = get_policy(pk.SOURCE_SHARES, node=community, on=dt.date(year, 1, 1)).for_kind(kind)
        sources = [{"level": s.level, "share": f"{s.share:.2f}"} for s in shares]
    else:
        try:
            checked = pk.SourceShares.model_validate({kind: sources})
        except Exception as exc:  # pydantic's error names the source and the problem
            raise ActionError(
                gettext("the sources are not valid: %(e)s") % {"e": exc}, field="sources"
            ) from None
        sources = [{"level": s.level, "share": f"{s.share:.2f}"} for s in checked.for_kind(kind)]
    name = (name or "").strip() or f"{community.name} · {FundKind(kind).label}"
    try:
        with transaction.atomic():
            fund = Fund.objects.create(
                community=community,
                kind=kind,
                year=year,
                name=name[:200],
                sources=sources,
                carried_from=carried_from,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ActionError(
            gettext("%(c)s already has a fund of this kind for %(y)d")
            % {"c": community.name, "y": year},
            field="kind",
            code="duplicate",
        ) from None
    open_accounts(fund, [s["level"] for s in sources])
    return fund


def allocate(
    *,
    actor: Any,
    fund: Fund,
    amount: Any = None,
    source: str = "",
    occurred_on: dt.date | None = None,
    memo: str = "",
    voucher_no: str = "",
) -> JournalEntry:
    """Money into the fund's available account from its sources. Without `source` the amount is
    split by the fund's shares (the last source takes the rounding cent); with `source` it all
    comes from that level (e.g. one level's tranche, a donor). Without `amount`, the standard
    yearly amount of the fund's kind (`funds.annual_amounts`)."""
    _require(actor, "funds.allocate", fund)
    day = _date(occurred_on)
    if amount is None:
        standard = get_policy(
            pk.ANNUAL_AMOUNTS, node=fund.community, on=dt.date(fund.year, 1, 1)
        ).amount_for(fund.kind)
        if standard is None:
            raise ActionError(
                gettext("this kind of fund has no standard amount: state the amount"),
                field="amount",
            )
        amount = standard
    total = _amount(amount)
    levels = [s["level"] for s in fund.sources]
    if source:
        if source not in levels:
            raise ActionError(
                gettext("%(s)s is not a source of this fund (%(all)s)")
                % {"s": source, "all": ", ".join(levels)},
                field="source",
            )
        credits = [Line(A.SOURCE, credit=total, source=source)]
    else:
        credits, left = [], total
        for i, s in enumerate(fund.sources):
            part = left if i == len(fund.sources) - 1 else q(total * Decimal(s["share"]) / 100)
            left -= part
            if part > 0:
                credits.append(Line(A.SOURCE, credit=part, source=s["level"]))
    with transaction.atomic():
        fund = lock_fund(fund)
        _open(fund)
        entry = post(
            fund,
            kind=EntryKind.ALLOCATION,
            lines=[Line(A.AVAILABLE, debit=total), *credits],
            actor=actor,
            occurred_on=day,
            memo=memo,
            voucher_no=voucher_no,
        )
        _record(actor, "funds.allocate", fund, entry, source=source or "shares")
    return entry
