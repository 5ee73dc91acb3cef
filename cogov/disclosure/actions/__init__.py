"""Writes of the disclosure app. Every one: keyword-only `actor`, a permission check, one
transaction, a NoticeEvent (or audit) row, notifications inside the transaction.

Notices: create_notice → submit (draft → in_review) → review (the secrecy check, recorded with
the reviewer) → approve | escalate → approve (street) → publish → archive; return_to_draft and
withdraw (with a reason) on the way. Residents object while the objection window is open;
staff answer.

Other apps call `trigger` when something happens that the catalogue says must be published
(a fund-raising started, the committee changed):

    from cogov.disclosure.actions import trigger
    trigger(actor=None, community=node, trigger="fundraising_started", ref=str(drive.uuid),
            on=date, strict=False)

It creates one obligation per catalogue item with that trigger, due N working days after
`on`; calling it again with the same `ref` changes nothing.

`at` (where accepted) records when something happened, for the demo generator and imports of
past paper postings; the pages and the API never pass it.
"""

from .common import SECRECY_CHECKLIST, item_for, touched
from .notices import (
    attach_table,
    attach_table_file,
    community_user,
    create_from_ledger,
    create_notice,
    edit_notice,
    fill_from_ledger,
    fills_from_ledger,
    ledger_item,
)
from .objections import answer_objection, object_to
from .publishing import (
    approve,
    archive,
    escalate,
    publish,
    return_to_draft,
    review,
    submit,
    withdraw,
)
from .triggers import trigger

__all__ = [
    "SECRECY_CHECKLIST",
    "answer_objection",
    "approve",
    "archive",
    "attach_table",
    "attach_table_file",
    "community_user",
    "create_from_ledger",
    "create_notice",
    "edit_notice",
    "escalate",
    "fill_from_ledger",
    "fills_from_ledger",
    "item_for",
    "ledger_item",
    "object_to",
    "publish",
    "return_to_draft",
    "review",
    "submit",
    "touched",
    "trigger",
    "withdraw",
]
