"""Every write of participatory budgeting (docs/budgeting.md). Each action takes a keyword-only
`actor`, checks its named permission on the ROUND (never on a proposal's grid), runs in one
transaction, moves the status through the transition table with an event row, and notifies
on commit. Views, the API, the admin and the demo call these functions.
"""

from .decision import approve_round, count_and_select, selection_record, start_vote
from .implementation import close_proposal, close_round, record_acceptance, report_progress
from .proposals import (
    finish_screening,
    record_council_review,
    screen_proposal,
    submit_proposal,
    withdraw_proposal,
)
from .rounds import cancel_round, close_collection, create_round, open_collection

__all__ = [
    "approve_round",
    "cancel_round",
    "close_collection",
    "close_proposal",
    "close_round",
    "count_and_select",
    "create_round",
    "finish_screening",
    "open_collection",
    "record_acceptance",
    "record_council_review",
    "report_progress",
    "screen_proposal",
    "selection_record",
    "start_vote",
    "submit_proposal",
    "withdraw_proposal",
]
