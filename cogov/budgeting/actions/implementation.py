"""After approval: progress on milestones, acceptance by residents' representatives and staff,
closing a proposal with its final cost, and closing the round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError

from ..models import (
    Acceptance,
    Milestone,
    Proposal,
    Round,
    RoundStatus,
    Status,
)
from .common import TWO, _fresh, _lock, _money, _move, _move_proposal, _policy, _require, _text


def report_progress(
    *,
    actor: Any,
    proposal: Proposal,
    title: str,
    percent: Any,
    evidence: str,
    reported_on: dt.date | None = None,
) -> Milestone:
    """A progress report (monthly at least): a milestone, how far (0-100 %, never less than the
    last report), with evidence. The first report starts the implementation."""
    round = proposal.round
    _require(actor, "budgeting.manage_round", round, "you may not report on this project")
    title = _text(title, "title", _("Name the milestone."))
    evidence = _text(
        evidence, "evidence", _("Progress needs evidence (photos, documents, minutes)."), 2000
    )
    try:
        value = int(percent)
    except (TypeError, ValueError):
        raise ActionError(
            _("Progress is a whole percentage from 0 to 100."), field="percent"
        ) from None
    if not 0 <= value <= 100:
        raise ActionError(_("Progress is a whole percentage from 0 to 100."), field="percent")
    day = reported_on or timezone.localdate()
    if day > timezone.localdate():
        raise ActionError(_("The report date is in the future."), field="reported_on")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status not in (Status.APPROVED, Status.IMPLEMENTING):
            raise ActionError(
                _("Progress is reported on approved projects being implemented."), code="phase"
            )
        last = proposal.milestones.order_by("-reported_on", "-pk").first()
        if last is not None and value < last.percent:
            raise ActionError(
                _("Progress cannot go back (last report: %(p)d%%).") % {"p": last.percent},
                field="percent",
            )
        if proposal.status == Status.APPROVED:
            _move_proposal(proposal, Status.IMPLEMENTING, actor, note=title)
        milestone = Milestone.objects.create(
            proposal=proposal,
            title=title,
            percent=value,
            evidence=evidence,
            reported_on=day,
            reported_by=actor,
        )
        audit.record(actor, "budgeting.progress", proposal, percent=value, title=title)
    return milestone


def record_acceptance(
    *,
    actor: Any,
    proposal: Proposal,
    representatives: Iterable[str],
    satisfaction: Any,
    passed: bool,
    note: str = "",
    accepted_on: dt.date | None = None,
) -> Acceptance:
    """Record the acceptance (验收) by residents' representatives, with their satisfaction. It
    needs the last progress report at 100 % and at least the policy's number of named
    representatives. Not passed: the project stays in implementation for rectification."""
    round = proposal.round
    _require(actor, "budgeting.manage_round", round, "you may not record this acceptance")
    names = [str(n).strip() for n in representatives if str(n).strip()]
    if len(set(names)) != len(names):
        raise ActionError(_("A representative is named twice."), field="representatives")
    minimum = _policy(round).acceptance_min_representatives
    if len(names) < minimum:
        raise ActionError(
            _("Acceptance needs at least %(n)d residents' representatives.") % {"n": minimum},
            field="representatives",
        )
    try:
        score = Decimal(str(satisfaction))
    except InvalidOperation:
        raise ActionError(
            _("Satisfaction is a percentage from 0 to 100."), field="satisfaction"
        ) from None
    if not score.is_finite() or not 0 <= score <= 100:
        raise ActionError(_("Satisfaction is a percentage from 0 to 100."), field="satisfaction")
    if not passed and not (note or "").strip():
        raise ActionError(_("Say what must be put right."), field="note")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Status.IMPLEMENTING:
            raise ActionError(_("Only a project being implemented is accepted."), code="phase")
        last = proposal.milestones.order_by("-reported_on", "-pk").first()
        if last is None or last.percent < 100:
            raise ActionError(
                _("Acceptance comes after a progress report of 100%."), code="not_finished"
            )
        acceptance = Acceptance.objects.create(
            proposal=proposal,
            representatives=names,
            satisfaction=score.quantize(TWO),
            passed=bool(passed),
            note=(note or "").strip(),
            accepted_on=accepted_on or timezone.localdate(),
            recorded_by=actor,
        )
        if passed:
            _move_proposal(
                proposal,
                Status.ACCEPTED,
                actor,
                note=note,
                representatives=names,
                satisfaction=str(score),
            )
        else:
            audit.record(actor, "budgeting.acceptance_failed", proposal, note=note)
    return acceptance


def close_proposal(*, actor: Any, proposal: Proposal, final_cost: Any, note: str = "") -> Proposal:
    """Close an accepted project with its final cost (决算), published with the round."""
    round = proposal.round
    _require(actor, "budgeting.manage_round", round, "you may not close this project")
    cost = _money(final_cost, "final_cost")
    with transaction.atomic():
        proposal = _fresh(proposal)
        _move_proposal(
            proposal,
            Status.CLOSED,
            actor,
            note=note,
            extra={"final_cost": cost},
            final_cost=str(cost),
            estimate=str(proposal.cost),
        )
    return proposal


def close_round(*, actor: Any, round: Round, note: str = "") -> Round:
    """Close an approved round once every approved project is closed."""
    _require(actor, "budgeting.manage_round", round, "you may not run this round")
    with transaction.atomic():
        round = _lock(round)
        open_projects = round.proposals.filter(
            status__in=[Status.APPROVED, Status.IMPLEMENTING, Status.ACCEPTED]
        ).count()
        if open_projects:
            raise ActionError(
                _("%(n)d approved project(s) are not closed yet.") % {"n": open_projects},
                code="pending",
            )
        _move(round, RoundStatus.CLOSED, actor, note=note)
    return round
