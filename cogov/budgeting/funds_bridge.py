"""Everything participatory budgeting asks of the funds app: the round's fund
(`selectors.fund_for(area, "micro_project", year)`), one budget line per approved proposal
committed in the double-entry ledger (`actions.open_project_budget`, decided by residents), and
the lines to show on the round page. Nothing else in this app imports `cogov.funds`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

FUND_KIND = "micro_project"
SOURCE_APP = "budgeting"


def fund_for(round: Any) -> Any:
    from cogov.funds.selectors import fund_for as find

    return find(round.node, FUND_KIND, round.year)


def commit(*, actor: Any, fund: Any, proposal: Any) -> Any:
    """Open the proposal's budget line and commit its cost (raises ActionError over a cap or
    the fund's available balance). Runs in the caller's transaction."""
    from cogov.funds.actions import open_project_budget

    return open_project_budget(
        actor=actor,
        fund=fund,
        title=f"{proposal.reference} {proposal.title}"[:200],
        kind=proposal.category,
        amount=Decimal(proposal.cost),
        source_app=SOURCE_APP,
        source_ref=str(proposal.uuid),
        decided_by_residents=True,
    )


def commitments(round: Any) -> list[dict[str, Any]]:
    """The budget lines the round's proposals opened, with their journal entries (one query
    for the lines, one for the entries)."""
    from cogov.funds.models import JournalEntry, ProjectBudget

    refs = [str(u) for u in round.proposals.exclude(budget_line="").values_list("uuid", flat=True)]
    if not refs:
        return []
    lines = list(
        ProjectBudget.objects.filter(source_app=SOURCE_APP, source_ref__in=refs)
        .select_related("fund")
        .order_by("pk")
    )
    entries: dict[int, list[Any]] = {}
    for e in JournalEntry.objects.filter(budget__in=lines).order_by("seq"):
        if e.budget_id is not None:
            entries.setdefault(e.budget_id, []).append(e)
    return [
        {
            "line": line,
            "ref": line.source_ref,
            "title": line.title,
            "amount": line.amount,
            "fund": str(line.fund),
            "entries": [
                {
                    "seq": e.seq,
                    "kind": e.kind,
                    "label": e.get_kind_display(),
                    "amount": e.amount,
                    "on": e.occurred_on,
                }
                for e in entries.get(line.pk, [])
            ],
        }
        for line in lines
    ]
