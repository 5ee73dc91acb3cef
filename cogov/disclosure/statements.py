"""Notices filled from the ledger: the statement of fund use (居委会工作经费使用情况, 民生微实事)
for an obligation's period, read through cogov.funds.selectors.period_statement (a sibling
selector; disclosure imports no funds model).

A catalogue item with `source: "funds.statement"` names the fund kinds it covers. The period is
the obligation's period for a periodic item (a quarter), and the year up to the trigger's day
for a triggered one (a micro-project approved). Payees that are persons are masked (张××,
`privacy.mask_payee`); memos are left out (they may hold anything)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cogov.core.errors import ActionError

from . import privacy
from .policy_kinds import CatalogueItem

SOURCE = "funds.statement"


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def period_for(obligation: Any, item: CatalogueItem) -> tuple[dt.date, dt.date]:
    """[start, end] (both included) of the statement that fulfils `obligation`."""
    if item.periodic:
        return obligation.period_start, obligation.period_end
    end = obligation.period_end
    return dt.date(end.year, 1, 1), end


def build(
    community: Any, item: CatalogueItem, start: dt.date, end: dt.date
) -> tuple[str, dict[str, Any]]:
    """(body text, table) of the statement of `item`'s funds of `community` for [start, end]."""
    from cogov.funds.selectors import period_statement

    statements = period_statement(community, start, end, kinds=item.fund_kinds or None)
    if not statements:
        raise ActionError(
            _("the community has no fund of this kind for %(start)s – %(end)s")
            % {"start": start, "end": end},
            field="obligation",
        )
    kinds = {
        "allocation": pgettext("fund statement", "Allocation"),
        "payment": pgettext("fund statement", "Payment"),
        "refund": pgettext("fund statement", "Refund"),
        "returned": pgettext("fund statement", "Returned to the sources"),
        "carried_out": pgettext("fund statement", "Carried to next year"),
    }
    paragraphs: list[str] = []
    rows: list[list[str]] = []
    for s in statements:
        if not s.reconciles:  # pragma: no cover - the ledger balances by construction
            raise ActionError(_("the fund's statement does not reconcile"), field="obligation")
        name = s.fund.name
        lines = [
            _("%(fund)s, %(start)s to %(end)s (yuan):")
            % {"fund": name, "start": start.isoformat(), "end": end.isoformat()},
            _("Opening balance %(v)s") % {"v": money(s.opening)},
            _("Allocations received %(v)s") % {"v": money(s.allocated)},
            _("Payments %(v)s") % {"v": money(s.paid)},
        ]
        for group in s.lines:
            title = group.title or pgettext("fund statement", "(no budget line)")
            lines.append(_("  %(line)s: %(v)s") % {"line": title, "v": money(group.total)})
        if s.refunds:
            lines.append(_("Refunds %(v)s") % {"v": money(s.refunded)})
        if s.transfers:
            lines.append(_("Returned or carried to next year %(v)s") % {"v": money(s.transferred)})
        lines.append(_("Closing balance %(v)s") % {"v": money(s.closing)})
        paragraphs.append("\n".join(lines))
        ordered = [
            *s.allocations,
            *(p for group in s.lines for p in group.payments),
            *s.refunds,
            *s.transfers,
        ]
        for r in ordered:
            rows.append(
                [
                    name,
                    r.occurred_on.isoformat(),
                    pgettext("fund statement", "%(movement)s (reversal)")
                    % {"movement": kinds[r.kind]}
                    if r.reversal
                    else kinds[r.kind],
                    r.budget,
                    privacy.mask_payee(r.payee),
                    money(r.amount),
                    r.voucher_no,
                ]
            )
    columns = [
        pgettext("fund statement", "Fund"),
        pgettext("fund statement", "Date"),
        pgettext("fund statement", "Movement"),
        pgettext("fund statement", "Budget line"),
        pgettext("fund statement", "Payee"),
        pgettext("fund statement", "Amount (yuan)"),
        pgettext("fund statement", "Voucher no."),
    ]
    table = {
        "title": _("Income and payments, %(start)s to %(end)s")
        % {"start": start.isoformat(), "end": end.isoformat()},
        "columns": columns,
        "rows": rows,
    }
    return "\n\n".join(paragraphs), table
