"""Named permissions of the funds app, registered with their role matrix
(cogov.accounts.matrix.permission; docs/permissions.md, docs/funds.md). The cells come from
predicates.FUNDS_ROLES through `funds_cell`."""

from __future__ import annotations

from typing import Any

from cogov.accounts.matrix import permission

from .predicates import (
    ALLOCATE,
    CLOSE,
    COMMIT,
    CREATE,
    PAY,
    RELEASE,
    REVERSE,
    VIEW,
    can_allocate,
    can_close,
    can_commit,
    can_create,
    can_pay,
    can_release,
    can_reverse,
    can_view_journal,
    funds_cell,
    signed_in,
)

# name: (predicate, checked on, summary, cell rule, extra condition)
SPECS: dict[str, tuple[Any, str, str, Any, str]] = {
    "funds.view_summary": (
        signed_in,
        "fund",
        "See a community fund's balances and budget lines (居务公开)",
        funds_cell(VIEW, everyone=True),
        "every signed-in user holding a role",
    ),
    "funds.view_journal": (
        can_view_journal,
        "fund",
        "See a fund's journal with payees and vouchers; export it",
        funds_cell(VIEW),
        "",
    ),
    "funds.create_fund": (
        can_create,
        "community node",
        "Open a fund of a kind and year for a community",
        funds_cell(CREATE),
        "",
    ),
    "funds.allocate": (
        can_allocate,
        "fund",
        "Record money allocated into a fund by its sources",
        funds_cell(ALLOCATE),
        "",
    ),
    "funds.commit": (
        can_commit,
        "fund",
        "Open a project budget line and commit money to it",
        funds_cell(COMMIT),
        "",
    ),
    "funds.pay": (
        can_pay,
        "fund",
        "Record a payment or a refund on a budget line",
        funds_cell(PAY),
        "",
    ),
    "funds.release": (
        can_release,
        "fund",
        "Release committed money back to available",
        funds_cell(RELEASE),
        "",
    ),
    "funds.reverse": (
        can_reverse,
        "fund",
        "Reverse a journal entry (a mirror entry, never an edit)",
        funds_cell(REVERSE),
        "",
    ),
    "funds.close_year": (
        can_close,
        "fund",
        "Close a fund's year by the year-end rule",
        funds_cell(CLOSE),
        "",
    ),
}

PERMISSIONS = {name: spec[0] for name, spec in SPECS.items()}

for _name, (_predicate, _on, _summary, _rule, _condition) in SPECS.items():
    permission(
        _name,
        capability="funds",
        on=_on,
        summary=_summary,
        predicate=_predicate,
        rule=_rule,
        condition=_condition,
    )
