"""What the budgeting actions share: permission and input checks, the locked round or proposal,
and moves through the transition tables with their event rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from ..models import (
    ROUND_TRANSITIONS,
    TRANSITIONS,
    Proposal,
    ProposalEvent,
    Round,
    RoundEvent,
)
from ..policy_kinds import PROCESS, Process

TWO = Decimal("0.01")


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise NotAllowed(message)


def _policy(round: Round, on: dt.date | None = None) -> Process:
    return get_policy(PROCESS, node=round.node, on=on or timezone.localdate())  # type: ignore[no-any-return]


def _money(value: Any, field: str, *, positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise ActionError(
            _("%(value)s is not an amount in yuan.") % {"value": value}, field=field
        ) from None
    if not amount.is_finite():
        raise ActionError(_("%(value)s is not an amount in yuan.") % {"value": value}, field=field)
    if amount != amount.quantize(TWO):
        raise ActionError(_("An amount has at most two decimals (fen)."), field=field)
    if amount < 0 or (positive and amount == 0):
        raise ActionError(_("The amount must be more than zero."), field=field)
    if amount >= Decimal("1e12"):
        raise ActionError(_("The amount is too large."), field=field)
    return amount.quantize(TWO)


def _text(value: Any, field: str, message: str, max_length: int = 200) -> str:
    text = str(value or "").strip()
    if not text:
        raise ActionError(message, field=field)
    if len(text) > max_length:
        raise ActionError(
            _("At most %(n)d characters.") % {"n": max_length},
            field=field,
        )
    return text


def _move(round: Round, to: str, actor: Any, note: str = "", **evidence: Any) -> None:
    transition(
        round,
        to,
        table=ROUND_TRANSITIONS,
        events=RoundEvent,
        actor=actor,
        note=note,
        evidence=evidence,
    )


def _move_proposal(
    proposal: Proposal,
    to: str,
    actor: Any,
    note: str = "",
    extra: dict[str, Any] | None = None,
    **evidence: Any,
) -> None:
    transition(
        proposal,
        to,
        table=TRANSITIONS,
        events=ProposalEvent,
        actor=actor,
        note=note,
        evidence=evidence,
        extra_updates=extra,
    )


def _lock(round: Round) -> Round:
    return Round.objects.select_for_update().select_related("node").get(pk=round.pk)


def _fresh(proposal: Proposal) -> Proposal:
    """The proposal as it is now, locked until the transaction ends (callers may hold an old
    copy; the transition starts from the stored status)."""
    return Proposal.objects.select_for_update().select_related("round__node").get(pk=proposal.pk)
