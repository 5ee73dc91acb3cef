"""Points accounts and their ledger: balances, entries, the leaderboard and opting in to it,
staff corrections (adjust, reverse), and the time bank (transfers of hours, spending them)."""

from __future__ import annotations

import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError

from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from .. import actions, selectors
from ..models import Account, Entry
from .common import Reason, router


def _account_out(a: Account) -> dict[str, Any]:
    return {
        "uuid": a.uuid,
        "kind": a.kind,
        "community": a.community.name,
        "balance": str(a.balance),
        "leaderboard_opt_in": a.leaderboard_opt_in,
    }


def _entry_out(e: Entry) -> dict[str, Any]:
    return {
        "uuid": e.uuid,
        "seq": e.seq,
        "kind": e.kind,
        "amount": str(e.amount),
        "balance_after": str(e.balance_after),
        "occurred_at": e.occurred_at,
        "memo": e.memo,
        "rule": e.rule,
        "reverses": e.reverses.uuid if e.reverses_id and e.reverses else None,
        "hash": e.hash,
    }


@router.get("/accounts")
def list_accounts(request: HttpRequest) -> Any:
    qs = Account.objects.visible_to(request.user).select_related("community").order_by("pk")[:200]
    return [_account_out(a) for a in qs]


@router.get("/accounts/{uuid}/entries")
def account_entries(request: HttpRequest, uuid: uuid_lib.UUID, before: int | None = None) -> Any:
    account = get_visible_or_404(Account.objects.all(), request.user, uuid=uuid)
    qs = account.entries.select_related("reverses").order_by("-seq")
    if before:
        qs = qs.filter(seq__lt=before)
    return [_entry_out(e) for e in qs[:100]]


class OptIn(Schema):
    opt_in: bool


@router.post("/accounts/{uuid}/leaderboard")
def opt_in(request: HttpRequest, uuid: uuid_lib.UUID, body: OptIn) -> Any:
    account = get_visible_or_404(
        Account.objects.select_related("community"), request.user, uuid=uuid
    )
    return run_action(
        actions.set_leaderboard_opt_in,
        _account_out,
        actor=request.user,
        account=account,
        opt_in=body.opt_in,
    )


class Amount(Schema):
    amount: Decimal
    reason: str


@router.post("/accounts/{uuid}/adjust")
def adjust(request: HttpRequest, uuid: uuid_lib.UUID, body: Amount) -> Any:
    account = get_visible_or_404(
        Account.objects.select_related("community"), request.user, uuid=uuid
    )
    return run_action(
        actions.adjust,
        _entry_out,
        actor=request.user,
        account=account,
        amount=body.amount,
        reason=body.reason,
    )


@router.post("/entries/{uuid}/reverse")
def reverse(request: HttpRequest, uuid: uuid_lib.UUID, body: Reason) -> Any:
    entry = get_visible_or_404(
        Entry.objects.select_related("account__community"), request.user, uuid=uuid
    )
    return run_action(
        actions.reverse_entry, _entry_out, actor=request.user, entry=entry, reason=body.reason
    )


# the leaderboard, the time bank --------------------------------------------------------------


@router.get("/leaderboard/{community}")
def leaderboard(request: HttpRequest, community: uuid_lib.UUID) -> Any:
    from cogov.territory.models import Node

    node = get_visible_or_404(Node.objects.all(), request.user, uuid=community)
    if not request.user.has_perm("points.view_leaderboard", node):
        raise HttpError(404, "Not found")
    return [
        {"rank": i + 1, "name": row.display_name, "balance": str(row.balance)}
        for i, row in enumerate(selectors.leaderboard(node))
    ]


class TransferIn(Schema):
    recipient: uuid_lib.UUID
    hours: Decimal
    key: str | None = None


@router.post("/accounts/{uuid}/transfer")
def transfer(request: HttpRequest, uuid: uuid_lib.UUID, body: TransferIn) -> Any:
    from cogov.people.models import Person

    source = get_visible_or_404(
        Account.objects.select_related("person", "community"), request.user, uuid=uuid
    )
    recipient = Person.objects.filter(uuid=body.recipient).first()
    if recipient is None:
        raise HttpError(400, "recipient: no such person")
    return run_action(
        actions.transfer_time,
        lambda pair: {"out": _entry_out(pair[0]), "in": pair[1].uuid},
        actor=request.user,
        source=source,
        recipient=recipient,
        hours=body.hours,
        key=body.key,
    )


class SpendIn(Schema):
    hours: Decimal
    service: str


@router.post("/accounts/{uuid}/spend")
def spend(request: HttpRequest, uuid: uuid_lib.UUID, body: SpendIn) -> Any:
    account = get_visible_or_404(
        Account.objects.select_related("person", "community"), request.user, uuid=uuid
    )
    return run_action(
        actions.spend_time,
        _entry_out,
        actor=request.user,
        account=account,
        hours=body.hours,
        service=body.service,
    )
