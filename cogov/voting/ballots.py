"""Checks of a ballot's content by ballot kind: a registry, not an `if kind == …` chain.

`actions.normalise_choice` runs the generic checks (known options, no duplicates, how many)
and then the check registered for the vote's ballot kind, if any. A check raises
`ActionError(field="choice")` with a message the voter can act on.

`budget` (participatory budgeting, docs/budgeting.md): each option carries a cost and the
vote a `budget_limit`; the costs of the options a voter ticks, summed, must not exceed it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from cogov.core.errors import ActionError

from .models import BallotKind

Check = Callable[[Any, list[str]], None]
_CHECKS: dict[str, Check] = {}


def register(kind: str) -> Callable[[Check], Check]:
    def wrap(check: Check) -> Check:
        _CHECKS[kind] = check
        return check

    return wrap


def check(vote: Any, picked: list[str]) -> None:
    """Run the check registered for the vote's ballot kind (none: nothing more to check)."""
    found = _CHECKS.get(str(vote.ballot_kind))
    if found is not None:
        found(vote, picked)


def picked_cost(vote: Any, picked: list[str]) -> Decimal:
    return sum((vote.option_cost(k) or Decimal(0) for k in picked), Decimal(0))


@register(BallotKind.BUDGET)
def fits_budget(vote: Any, picked: list[str]) -> None:
    """The ticked options' costs, summed, are at most the vote's budget."""
    limit = vote.budget_limit
    if limit is None:
        raise ActionError(_("This budget ballot has no budget."), field="choice")
    total = picked_cost(vote, picked)
    if total > limit:
        raise ActionError(
            _("Your choices cost %(total)s yuan, more than the budget of %(limit)s yuan.")
            % {"total": f"{total:.2f}", "limit": f"{Decimal(limit):.2f}"},
            field="choice",
            code="over_budget",
        )


def clean_budget_options(options: list[dict[str, Any]], raw: list[Any], limit: Any) -> Decimal:
    """For `create_vote`: every option of a budget ballot has a cost ≥ 0 (kept as text of a
    Decimal with two places); the budget is > 0. Returns the budget."""
    if limit is None or str(limit).strip() == "":
        raise ActionError(_("A budget ballot needs its budget."), field="budget_limit")
    try:
        budget = Decimal(str(limit))
    except ArithmeticError:
        raise ActionError(_("The budget is not a number."), field="budget_limit") from None
    if not budget.is_finite() or budget <= 0:
        raise ActionError(_("The budget must be more than zero."), field="budget_limit")
    for index, (option, source) in enumerate(zip(options, raw, strict=True), start=1):
        cost = source.get("cost") if isinstance(source, dict) else None
        try:
            value = Decimal(str(cost))
        except ArithmeticError:
            value = Decimal("NaN")
        if cost is None or not value.is_finite() or value < 0:
            raise ActionError(
                _("Option %(n)s needs a cost of zero or more.") % {"n": index}, field="options"
            )
        option["cost"] = f"{value.quantize(Decimal('0.01'))}"
    return budget.quantize(Decimal("0.01"))
