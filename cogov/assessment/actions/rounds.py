"""Writes of evaluation rounds: open, appoint evaluators, manual scores, compute, publish,
appeals. Every function takes keyword-only `actor` and checks permission."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.workflow import transition

from .. import engine
from ..models import (
    APPEAL_TRANSITIONS,
    ORG_LEVELS,
    ROUND_TRANSITIONS,
    UNIT_LEVELS,
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
    version: SystemVersion | None,
    scope: Any,
    level: str,
    start: dt.date,
    end: dt.date,
    name: str,
) -> Round:
    """Open a draft round over the units of `level` under `scope` for [start, end)."""
    _require(actor, "assessment.manage_round", scope)
    if level not in UNIT_LEVELS:
        raise ActionError(
            _("Unknown unit level; the levels are %(levels)s.")
            % {"levels": ", ".join(UNIT_LEVELS)},
            field="level",
        )
    if not name.strip():
        raise ActionError(_("Give the round a name."), field="name")
    if version is None:
        raise ActionError(_("Choose a version of an indicator system."), field="version")
    if end <= start:
        raise ActionError(_("The period must end after it starts."), field="period_end")
    with transaction.atomic():
        rnd = Round.objects.create(
            name=name, version=version, scope=scope, level=level, period_start=start, period_end=end
        )
        audit.record(actor, "assessment.create_round", rnd)
    return rnd


def _unit_of(rnd: Round, unit: Any) -> dict[str, Any]:
    """The Result/ManualScore/Appeal fields of `unit` (a node or an organization), checked to
    be one of the round's units."""
    units = {u["id"] for u in engine.round_units(rnd)}
    if getattr(unit, "pk", None) not in units or (
        (rnd.level in ORG_LEVELS) != (not hasattr(unit, "level"))
    ):
        raise ActionError(_("This is not a unit of this round."), field="unit")
    return {"organization": unit} if rnd.level in ORG_LEVELS else {"node": unit}


def appoint_evaluator(*, actor: Any, round: Round, user: Any) -> Round:
    """Add an evaluator (who may then record manual scores in this round)."""
    _require(actor, "assessment.manage_round", round)
    if round.status == RoundStatus.PUBLISHED:
        raise ActionError(_("The round is published."), field="user")
    with transaction.atomic():
        round.evaluators.add(user)
        audit.record(actor, "assessment.appoint_evaluator", round, user=user.pk)
    return round


def record_manual_score(
    *, actor: Any, round: Round, unit: Any = None, indicator: Indicator, value: float,
    node: Any = None,
) -> ManualScore:  # fmt: skip
    """An evaluator's score for a manual indicator (0–100); refused once the round is
    published. `unit` is a node or an organization (`node` is the older name)."""
    unit = unit if unit is not None else node
    _require(actor, "assessment.score_round", round)
    if round.status == RoundStatus.PUBLISHED:
        raise ActionError(_("The round is published."), field="value")
    if not indicator.manual or indicator.version_id != round.version_id:
        raise ActionError(_("This is not a manual indicator of this round."), field="indicator")
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 100:
        raise ActionError(_("A manual score is a number from 0 to 100."), field="value")
    where = _unit_of(round, unit)
    with transaction.atomic():
        score, _created = ManualScore.objects.update_or_create(
            round=round, indicator=indicator, **where,
            defaults={"value": value, "evaluator": actor},
        )  # fmt: skip
        round.evaluators.add(actor)
        audit.record(actor, "assessment.manual_score", round, unit=unit.pk, value=value)
    return score


def clear_manual_score(*, actor: Any, round: Round, unit: Any, indicator: Indicator) -> None:
    _require(actor, "assessment.score_round", round)
    if round.status == RoundStatus.PUBLISHED:
        raise ActionError(_("The round is published."), field="value")
    where = _unit_of(round, unit)
    with transaction.atomic():
        ManualScore.objects.filter(round=round, indicator=indicator, **where).delete()
        audit.record(actor, "assessment.clear_manual_score", round, unit=unit.pk)


def _store_results(rnd: Round, results: list[dict[str, Any]]) -> None:
    Result.objects.filter(round=rnd).delete()
    Result.objects.bulk_create(
        Result(
            round=rnd,
            **{("organization_id" if rnd.level in ORG_LEVELS else "node_id"): r["unit"]},
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
        raise ActionError(_("A published round is frozen."), field="status")
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


def raise_appeal(*, actor: Any, round: Round, node: Any = None, unit: Any = None,
                 reason: str) -> Appeal:  # fmt: skip
    """A unit's staff (who can view the round over that unit) appeal its published result."""
    unit = unit if unit is not None else node
    where = _unit_of(round, unit)
    _require(actor, "assessment.view_round", getattr(unit, "node", None) or unit)
    if round.status != RoundStatus.PUBLISHED:
        raise ActionError(_("Only published results can be appealed."), field="round")
    if not reason.strip():
        raise ActionError(_("Give a reason."), field="reason")
    with transaction.atomic():
        appeal = Appeal.objects.create(round=round, raised_by=actor, reason=reason, **where)
        AppealEvent.objects.create(subject=appeal, actor=actor, to_status=AppealStatus.OPEN,
                                   note=reason)  # fmt: skip
    return appeal


def decide_appeal(*, actor: Any, appeal: Appeal, accept: bool, note: str) -> Appeal:
    """An evaluator accepts or rejects, with the reasons; the published round stays as it was
    (an accepted appeal is corrected in a new round over a new snapshot)."""
    _require(actor, "assessment.manage_round", appeal.round)
    if not note.strip():
        raise ActionError(_("Give the reasons for the decision."), field="note")
    to = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    with transaction.atomic():
        transition(appeal, to, table=APPEAL_TRANSITIONS, events=AppealEvent, actor=actor,
                   note=note, extra_updates={"decision": note})  # fmt: skip
    return appeal
