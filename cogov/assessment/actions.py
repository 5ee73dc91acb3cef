"""Writes of assessment. Every function takes keyword-only `actor` and checks permission."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.workflow import transition

from . import engine
from .models import (
    APPEAL_TRANSITIONS,
    ROUND_TRANSITIONS,
    Appeal,
    AppealEvent,
    AppealStatus,
    Indicator,
    ManualScore,
    Result,
    Round,
    RoundEvent,
    RoundStatus,
    SystemVersion,
)


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise NotAllowed()


def create_round(
    *,
    actor: Any,
    version: SystemVersion,
    scope: Any,
    level: str,
    start: dt.date,
    end: dt.date,
    name: str,
) -> Round:
    """Open a draft round over the units of `level` under `scope` for [start, end)."""
    _require(actor, "assessment.manage_round", scope)
    if end <= start:
        raise ActionError("the period must end after it starts", field="period_end")
    with transaction.atomic():
        rnd = Round.objects.create(
            name=name, version=version, scope=scope, level=level, period_start=start, period_end=end
        )
        audit.record(actor, "assessment.create_round", rnd)
    return rnd


def record_manual_score(
    *, actor: Any, round: Round, node: Any, indicator: Indicator, value: float
) -> ManualScore:
    """An evaluator's score for a manual indicator; refused once the round is published."""
    _require(actor, "assessment.manage_round", round)
    if round.status == RoundStatus.PUBLISHED:
        raise ActionError("the round is published", field="value")
    if not indicator.manual or indicator.version_id != round.version_id:
        raise ActionError("not a manual indicator of this round", field="indicator")
    with transaction.atomic():
        score, _ = ManualScore.objects.update_or_create(
            round=round,
            node=node,
            indicator=indicator,
            defaults={"value": value, "evaluator": actor},
        )
        round.evaluators.add(actor)
        audit.record(actor, "assessment.manual_score", round, node=node.pk, value=value)
    return score


def _store_results(rnd: Round, results: list[dict[str, Any]]) -> None:
    Result.objects.filter(round=rnd).delete()
    Result.objects.bulk_create(
        Result(
            round=rnd,
            node_id=r["unit"],
            score=r["score"],
            rank=r["rank"],
            grade=r["grade"],
            blocks=r["blocks"],
        )
        for r in results
    )


def compute_round(*, actor: Any, round: Round) -> list[dict[str, Any]]:
    """Read the live metrics and manual scores into a fresh snapshot and score it.

    A published round is never recomputed live: use `engine.score_snapshot(round.snapshot)`.
    """
    _require(actor, "assessment.manage_round", round)
    if round.status == RoundStatus.PUBLISHED:
        raise ActionError("a published round is frozen", field="status")
    snap = engine.gather(round)
    results = engine.score_snapshot(snap)
    with transaction.atomic():
        Round.objects.filter(pk=round.pk).update(snapshot=snap)
        round.snapshot = snap
        _store_results(round, results)
        transition(round, RoundStatus.COMPUTED, table=ROUND_TRANSITIONS, events=RoundEvent,
                   actor=actor)  # fmt: skip
    return results


def publish_round(*, actor: Any, round: Round) -> Round:
    """Publish the computed results; the snapshot and the system version freeze."""
    _require(actor, "assessment.manage_round", round)
    with transaction.atomic():
        transition(
            round,
            RoundStatus.PUBLISHED,
            table=ROUND_TRANSITIONS,
            events=RoundEvent,
            actor=actor,
            extra_updates={"published_at": timezone.now()},
        )
        SystemVersion.objects.filter(pk=round.version_id).update(frozen=True)
    return round


def raise_appeal(*, actor: Any, round: Round, node: Any, reason: str) -> Appeal:
    """A unit's staff (who can view the round) appeal its published result."""
    _require(actor, "assessment.view_round", node)
    if round.status != RoundStatus.PUBLISHED:
        raise ActionError("only published results can be appealed", field="round")
    if not reason.strip():
        raise ActionError("give a reason", field="reason")
    with transaction.atomic():
        appeal = Appeal.objects.create(round=round, node=node, raised_by=actor, reason=reason)
        AppealEvent.objects.create(subject=appeal, actor=actor, to_status=AppealStatus.OPEN,
                                   note=reason)  # fmt: skip
    return appeal


def decide_appeal(*, actor: Any, appeal: Appeal, accept: bool, note: str) -> Appeal:
    """An evaluator accepts or rejects; an accepted appeal is corrected in a new round."""
    _require(actor, "assessment.manage_round", appeal.round)
    to = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    with transaction.atomic():
        transition(appeal, to, table=APPEAL_TRANSITIONS, events=AppealEvent, actor=actor,
                   note=note)  # fmt: skip
    return appeal
