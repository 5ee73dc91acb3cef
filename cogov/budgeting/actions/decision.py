"""The decision: the public vote (in the voting app), the count and the selection of winners
(budgeting/selection.py), and the approval that commits every winner in the funds ledger."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError
from cogov.core.notifications import notify

from .. import funds_bridge, selection, voting_bridge
from ..models import (
    ROUND_TRANSITIONS,
    Round,
    RoundStatus,
    Status,
    TieRule,
    WinnerRule,
)
from .common import _lock, _move, _move_proposal, _policy, _require


def start_vote(*, actor: Any, round: Round) -> Round:
    """After the council: put every council-passed proposal on the ballot and open the public
    vote through cogov.voting (electorate from the policy; the round's ballot kind; a budget
    ballot's limit is the round's budget)."""
    _require(actor, "budgeting.manage_round", round, "you may not run this round")
    with transaction.atomic():
        round = _lock(round)
        waiting = round.proposals.filter(status=Status.SCREENED_IN).count()
        if waiting:
            raise ActionError(
                _("%(n)d proposal(s) still wait for the council's review.") % {"n": waiting},
                code="pending",
            )
        on_ballot = list(round.proposals.filter(status=Status.COUNCIL_PASSED).order_by("number"))
        if len(on_ballot) < 2:
            raise ActionError(
                _("A vote needs at least two proposals passed by the council."), code="too_few"
            )
        if timezone.now() >= round.vote_closes_at:
            raise ActionError(_("The vote's closing time has passed."), field="vote_closes_at")
        vote = voting_bridge.open_round_vote(
            actor=actor, round=round, proposals=on_ballot, electorate=_policy(round).electorate
        )
        for p in on_ballot:
            _move_proposal(p, Status.ON_BALLOT, actor)
        Round.objects.filter(pk=round.pk).update(vote_uuid=vote.uuid)
        round.vote_uuid = vote.uuid
        _move(round, RoundStatus.VOTING, actor, vote=str(vote.uuid), options=len(on_ballot))
    return round


def _candidates(round: Round, votes: dict[str, Fraction]) -> list[selection.Candidate]:
    return [
        selection.Candidate(
            key=p.reference,
            cost=Fraction(p.cost),
            votes=votes.get(p.reference, Fraction(0)),
            submitted=p.number,
        )
        for p in round.proposals.filter(status=Status.ON_BALLOT).order_by("number")
    ]


def _frac(value: Fraction | None) -> str | None:
    if value is None:
        return None
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def selection_record(result: selection.Selection, round: Round, count: Any) -> dict[str, Any]:
    """The published explanation of the selection: rule, tie rule, seed, each step."""
    return {
        "rule": round.winner_rule,
        "tie_rule": round.tie_rule,
        "seed": round.seed,
        "completion": round.completion if round.winner_rule == WinnerRule.EQUAL_SHARES else None,
        "budget": _frac(result.budget),
        "spent": _frac(result.spent),
        "remaining": _frac(result.remaining),
        "winners": list(result.winners),
        "order": list(result.order),
        "ballots": count.participating,
        "entitled": count.entitled,
        "outcome": count.outcome,
        "votes": {k: _frac(v) for k, v in count.votes.items()},
        "steps": [
            {
                "key": s.key,
                "action": s.action,
                "cost": _frac(s.cost),
                "votes": _frac(s.votes),
                "remaining_after": _frac(s.remaining_after),
                "rho": _frac(s.rho),
                "payers": len(s.payments) if s.payments else None,
                "max_payment": _frac(max(s.payments.values())) if s.payments else None,
            }
            for s in result.steps
        ],
        "lottery": (
            {k: selection.lottery_key(round.seed, k) for k in result.order}
            if round.tie_rule == TieRule.LOTTERY
            else None
        ),
    }


def count_and_select(*, actor: Any, round: Round, note: str = "") -> Round:
    """Close and tally the vote (ballot log verified), then choose the winners by the round's
    documented rule (cogov/budgeting/selection.py) and publish the whole computation. Before
    the vote's announced end, say why it closes early."""
    _require(actor, "budgeting.manage_round", round, "you may not run this round")
    with transaction.atomic():
        round = _lock(round)
        ROUND_TRANSITIONS.check(round.status, RoundStatus.SELECTED)
        early = timezone.now() < round.vote_closes_at
        if early and not (note or "").strip():
            raise ActionError(
                _("The vote is announced until %(end)s: say why it closes early.")
                % {"end": timezone.localtime(round.vote_closes_at).strftime("%Y-%m-%d %H:%M")},
                field="note",
            )
        count = voting_bridge.close_and_count(actor=actor, round=round)
        if not count.participating:
            raise ActionError(
                _("No ballot was cast: the winners cannot be chosen by votes."),
                code="no_ballots",
            )
        if _policy(round).vote_needs_quorum and count.outcome != "passed":
            raise ActionError(
                _("The vote did not reach its quorum; the round cannot select winners."),
                code="no_quorum",
            )
        candidates = _candidates(round, count.votes)
        budget = Fraction(round.budget)
        if round.winner_rule == WinnerRule.EQUAL_SHARES:
            result = selection.equal_shares(
                candidates,
                count.ballots,
                budget,
                tie_rule=round.tie_rule,
                seed=round.seed,
                completion=round.completion,  # type: ignore[arg-type]
            )
        else:
            result = selection.greedy(candidates, budget, tie_rule=round.tie_rule, seed=round.seed)
        record = selection_record(result, round, count)
        winners = set(result.winners)
        for p in round.proposals.filter(status=Status.ON_BALLOT):
            votes = count.votes.get(p.reference, Fraction(0))
            _move_proposal(
                p,
                Status.WON if p.reference in winners else Status.LOST,
                actor,
                extra={"votes": _frac(votes)},
                votes=_frac(votes),
            )
        Round.objects.filter(pk=round.pk).update(selection=record)
        round.selection = record
        _move(
            round,
            RoundStatus.SELECTED,
            actor,
            note=note,
            early=early,
            rule=round.winner_rule,
            winners=record["winners"],
            spent=record["spent"],
        )
        notify(
            [
                p.submitted_by
                for p in round.proposals.filter(status__in=[Status.WON, Status.LOST])
                if p.submitted_by
            ],
            "budgeting.selected",
            _("Results of %(title)s") % {"title": round.title},
            url=f"/budgeting/{round.uuid}/results/",
        )
    return round


def approve_round(*, actor: Any, round: Round, note: str = "") -> Round:
    """The street approves the winners (立项): ALL winners' budget lines are opened and their
    costs committed in the funds ledger (decided by residents), or none is: any refusal (a cap,
    the fund's balance, no fund) rolls the whole approval back."""
    _require(actor, "budgeting.approve_round", round, "you may not approve this round")
    with transaction.atomic():
        round = _lock(round)
        ROUND_TRANSITIONS.check(round.status, RoundStatus.APPROVED)
        publicity = _policy(round).publicity_days
        selected_at = round.events.filter(to_status=RoundStatus.SELECTED).order_by("-at").first()
        if selected_at is not None and publicity:
            until = timezone.localdate(selected_at.at) + dt.timedelta(days=publicity)
            if timezone.localdate() < until and not (note or "").strip():
                raise ActionError(
                    _(
                        "The results are published for %(days)d days (until %(until)s); "
                        "approving earlier needs a note."
                    )
                    % {"days": publicity, "until": until.isoformat()},
                    field="note",
                )
        fund = funds_bridge.fund_for(round)
        if fund is None:
            raise ActionError(
                _("No micro-project fund is open for %(area)s in %(year)d.")
                % {"area": round.node.name, "year": round.year},
                field="fund",
                code="no_fund",
            )
        winners = list(round.proposals.filter(status=Status.WON).order_by("number"))
        lines = []
        for p in winners:
            try:
                line = funds_bridge.commit(actor=actor, fund=fund, proposal=p)
            except ActionError as exc:
                raise ActionError(
                    f"{p.reference}: {exc.message}", field=exc.field, code=exc.code
                ) from exc
            _move_proposal(
                p,
                Status.APPROVED,
                actor,
                extra={"budget_line": str(line.uuid)},
                budget_line=str(line.uuid),
                amount=str(line.amount),
            )
            lines.append(str(line.uuid))
        _move(round, RoundStatus.APPROVED, actor, note=note, fund=str(fund.uuid), lines=lines)
        audit.record(actor, "budgeting.approve_round", round, lines=lines)
    return round
