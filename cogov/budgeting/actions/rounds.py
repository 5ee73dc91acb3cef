"""A round's life outside its decisions: create it, open and close the collection of proposals,
cancel it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError

from ..models import (
    BallotKind,
    Completion,
    Round,
    RoundEvent,
    RoundStatus,
    TieRule,
    WinnerRule,
)
from .common import _lock, _money, _move, _require, _text


def create_round(
    *,
    actor: Any,
    node: Any,
    year: int,
    title: str,
    budget: Any,
    collect_opens_at: dt.datetime,
    collect_closes_at: dt.datetime,
    vote_opens_at: dt.datetime,
    vote_closes_at: dt.datetime,
    ballot_kind: str = BallotKind.APPROVAL,
    winner_rule: str = WinnerRule.GREEDY,
    tie_rule: str = TieRule.LOWER_COST,
    completion: str = Completion.GREEDY,
    description: str = "",
) -> Round:
    """Draft a round for a community (or a street) and a year. The public seed of the lottery
    tie rule is drawn now and shown from the start."""
    _require(actor, "budgeting.manage_round", node, "you may not run budgeting rounds here")
    if getattr(node, "level", None) not in ("community", "street"):
        raise ActionError(_("A round belongs to a community or a street."), field="node")
    title = _text(title, "title", _("A round needs a title."))
    amount = _money(budget, "budget")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ActionError(_("The year is a number such as 2026."), field="year") from None
    if not 2000 <= year <= 2100:
        raise ActionError(_("The year is a number such as 2026."), field="year")
    for value, field, choices in (
        (ballot_kind, "ballot_kind", BallotKind.values),
        (winner_rule, "winner_rule", WinnerRule.values),
        (tie_rule, "tie_rule", TieRule.values),
        (completion, "completion", Completion.values),
    ):
        if value not in choices:
            raise ActionError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}, field=field
            )
    if winner_rule == WinnerRule.EQUAL_SHARES and ballot_kind == BallotKind.RANKED:
        raise ActionError(
            _("The Method of Equal Shares counts approval or budget ballots, not ranked ones."),
            field="winner_rule",
        )
    if collect_closes_at <= collect_opens_at:
        raise ActionError(_("The collection must end after it starts."), field="collect_closes_at")
    if vote_opens_at < collect_closes_at:
        raise ActionError(
            _("The vote opens after the collection of proposals ends."), field="vote_opens_at"
        )
    if vote_closes_at <= vote_opens_at:
        raise ActionError(_("The vote must close after it opens."), field="vote_closes_at")
    with transaction.atomic():
        round = Round.objects.create(
            node=node,
            year=year,
            title=title,
            description=description or "",
            budget=amount,
            ballot_kind=ballot_kind,
            winner_rule=winner_rule,
            tie_rule=tie_rule,
            completion=completion,
            collect_opens_at=collect_opens_at,
            collect_closes_at=collect_closes_at,
            vote_opens_at=vote_opens_at,
            vote_closes_at=vote_closes_at,
            created_by=actor,
        )
        RoundEvent.objects.create(
            subject=round, actor=actor, to_status=RoundStatus.DRAFT, evidence={"seed": round.seed}
        )
    return round


def open_collection(*, actor: Any, round: Round) -> Round:
    """Publish the round and start collecting proposals (征集)."""
    _require(actor, "budgeting.manage_round", round, "you may not run this round")
    with transaction.atomic():
        round = _lock(round)
        _move(round, RoundStatus.COLLECTING, actor, seed=round.seed, budget=str(round.budget))
    return round


def close_collection(*, actor: Any, round: Round, note: str = "") -> Round:
    """End the collection and start screening. Before the window's end, say why."""
    _require(actor, "budgeting.manage_round", round, "you may not run this round")
    with transaction.atomic():
        round = _lock(round)
        early = timezone.now() < round.collect_closes_at
        if early and not note.strip():
            raise ActionError(
                _("The collection window is still open: say why it closes early."), field="note"
            )
        _move(
            round,
            RoundStatus.SCREENING,
            actor,
            note=note,
            early=early,
            proposals=round.proposals.count(),
        )
    return round


def cancel_round(*, actor: Any, round: Round, note: str) -> Round:
    _require(actor, "budgeting.manage_round", round, "you may not run this round")
    if not (note or "").strip():
        raise ActionError(_("Say why the round is cancelled."), field="note")
    with transaction.atomic():
        round = _lock(round)
        _move(round, RoundStatus.CANCELLED, actor, note=note)
    return round
