"""Every write of the funds app (docs/funds.md). Each action takes a keyword-only `actor`,
checks its named permission, runs in one transaction holding the fund's row lock, posts balanced
journal entries through `ledger.post` and writes an audit row.

The interface other apps call (participatory budgeting, co-construction, deliberation):

    open_project_budget(*, actor, fund, title, kind, amount, source_app, source_ref,
                        decided_by_residents=False) -> ProjectBudget
    selectors.fund_for(community, kind, year) -> Fund | None

Errors are `cogov.core.errors.ActionError` (subclasses: `NotAllowed`, `ledger.InsufficientFunds`,
`CapExceeded`) whose message names the amount and the limit.
"""

from cogov.core.errors import ActionError, NotAllowed

from ..ledger import InsufficientFunds
from ..models import ZERO
from .budgets import commit, open_project_budget, pay, refund, release, reverse
from .common import CapExceeded
from .funds import allocate, create_fund
from .year_end import close_year

__all__ = [
    "ZERO",
    "ActionError",
    "CapExceeded",
    "InsufficientFunds",
    "NotAllowed",
    "allocate",
    "close_year",
    "commit",
    "create_fund",
    "open_project_budget",
    "pay",
    "refund",
    "release",
    "reverse",
]
