"""Every write of participatory budgeting (docs/budgeting.md). Each action takes a keyword-only
`actor`, checks its named permission on the ROUND (never on a proposal's grid), runs in one
transaction, moves the status through the transition table with an event row, and notifies
on commit. Views, the API, the admin and the demo call these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.metrics import touched
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from . import funds_bridge, selection, voting_bridge
from .models import (
    ROUND_TRANSITIONS,
    TRANSITIONS,
    Acceptance,
    BallotKind,
    Category,
    Completion,
    CostItem,
    Milestone,
    Proposal,
    ProposalEvent,
    ProposerKind,
    Round,
    RoundEvent,
    RoundStatus,
    Status,
    TieRule,
    WinnerRule,
)
from .policy_kinds import PROCESS, Process

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


# --- rounds


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


# --- proposals


def _clean_items(items: Iterable[Any]) -> list[dict[str, Any]]:
    clean: list[dict[str, Any]] = []
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ActionError(_("Cost item %(row)d is not readable.") % {"row": row}, field="items")
        description = str(item.get("description") or "").strip()
        if not description:
            raise ActionError(
                _("Cost item %(row)d: say what it is.") % {"row": row},
                field=f"items[{row}].description",
            )
        quantity = _money(item.get("quantity", "1"), f"items[{row}].quantity")
        price = _money(item.get("unit_price"), f"items[{row}].unit_price", positive=False)
        clean.append(
            {
                "description": description[:200],
                "quantity": quantity,
                "unit": str(item.get("unit") or "").strip()[:20],
                "unit_price": price,
                "amount": (quantity * price).quantize(TWO),
            }
        )
    if not clean:
        raise ActionError(_("A proposal needs at least one cost item."), field="items")
    return clean


def submit_proposal(
    *,
    actor: Any,
    round: Round,
    title: str,
    description: str,
    category: str,
    items: Iterable[Any],
    beneficiaries: Any = 0,
    location: str = "",
    grid: Any = None,
    proposer_kind: str = ProposerKind.RESIDENT,
    proposer_name: str = "",
    organization: Any = None,
) -> Proposal:
    """Submit a proposal while the collection window is open. The cost is the sum of the
    items (quantity × unit price); it must be within the category's cap (policy) and the
    round's budget."""
    _require(actor, "budgeting.submit_proposal", round, "you may not propose in this round")
    title = _text(title, "title", _("A proposal needs a title."))
    description = _text(
        description, "description", _("Describe the proposal and who benefits."), 5000
    )
    if category not in Category.values:
        raise ActionError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Category.values)},
            field="category",
        )
    if proposer_kind not in ProposerKind.values:
        raise ActionError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ProposerKind.values)},
            field="proposer_kind",
        )
    try:
        beneficiaries = int(beneficiaries or 0)
    except (TypeError, ValueError):
        raise ActionError(
            _("The number of beneficiaries is a whole number."), field="beneficiaries"
        ) from None
    if beneficiaries < 0:
        raise ActionError(
            _("The number of beneficiaries is a whole number."), field="beneficiaries"
        )
    if grid is not None and not grid.path.startswith(round.node.path):
        raise ActionError(_("The grid lies outside the round's area."), field="grid")
    if organization is not None and (
        organization.node_id is None or not organization.node.path.startswith(round.node.path)
    ):
        raise ActionError(
            _("The organization is not based in the round's area."), field="organization"
        )
    rows = _clean_items(items)
    cost = sum((r["amount"] for r in rows), Decimal(0))
    if cost <= 0:
        raise ActionError(_("The cost estimate must be more than zero."), field="items")
    policy = _policy(round)
    cap = policy.cap(category)
    if cap is not None and cost > cap:
        raise ActionError(
            _("%(category)s proposals may cost at most %(cap)s yuan; this one costs %(cost)s.")
            % {"category": Category(category).label, "cap": f"{cap:.2f}", "cost": f"{cost:.2f}"},
            field="items",
            code="over_cap",
        )
    if cost > round.budget:
        raise ActionError(
            _("The proposal costs %(cost)s yuan, more than the round's whole budget (%(budget)s).")
            % {"cost": f"{cost:.2f}", "budget": f"{round.budget:.2f}"},
            field="items",
            code="over_budget",
        )
    name = (proposer_name or "").strip() or (
        str(organization) if organization is not None else actor.get_full_name() or str(actor)
    )
    with transaction.atomic():
        round = _lock(round)
        if not round.phase_active(RoundStatus.COLLECTING):
            raise ActionError(
                _("Proposals are accepted only while the collection window is open."),
                code="not_collecting",
            )
        number = (round.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
        proposal = Proposal.objects.create(
            round=round,
            number=number,
            title=title,
            description=description,
            category=category,
            cost=cost,
            beneficiaries=beneficiaries,
            location=(location or "").strip()[:200],
            grid=grid,
            proposer_kind=proposer_kind,
            proposer_name=name[:200],
            organization=organization,
            submitted_by=actor,
        )
        CostItem.objects.bulk_create(
            [CostItem(proposal=proposal, position=i, **r) for i, r in enumerate(rows, start=1)]
        )
        ProposalEvent.objects.create(
            subject=proposal,
            actor=actor,
            to_status=Status.SUBMITTED,
            evidence={"cost": str(cost), "items": len(rows)},
        )
        # budgeting.proposals_per_1000 counts proposals by submission time under the round's node
        touched("budgeting", round.node.path, [proposal.submitted_at])
    return proposal


def withdraw_proposal(*, actor: Any, proposal: Proposal, note: str = "") -> Proposal:
    """The proposer withdraws a proposal not yet screened (staff may too)."""
    round = proposal.round
    own = getattr(actor, "pk", None) and proposal.submitted_by_id == actor.pk
    if not own:
        _require(actor, "budgeting.manage_round", round, "only the proposer may withdraw it")
    with transaction.atomic():
        proposal = _fresh(proposal)
        _move_proposal(proposal, Status.WITHDRAWN, actor, note=note)
    return proposal


def screen_proposal(
    *, actor: Any, proposal: Proposal, eligible: bool, reason: str = ""
) -> Proposal:
    """Screen a proposal (初审) against the scope, the negative list and the caps. A rejection
    needs its reason, which is published with the round."""
    round = proposal.round
    _require(actor, "budgeting.manage_round", round, "you may not screen proposals here")
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise ActionError(_("Give the reason for the rejection; it is published."), field="reason")
    with transaction.atomic():
        round = _lock(round)  # the phase as it is now, held until the proposal has moved
        if round.status != RoundStatus.SCREENING:
            raise ActionError(_("Proposals are screened in the screening phase."), code="phase")
        proposal = _fresh(proposal)
        if eligible:
            _move_proposal(proposal, Status.SCREENED_IN, actor, note=reason)
        else:
            _move_proposal(
                proposal,
                Status.REJECTED,
                actor,
                note=reason,
                extra={"rejection_reason": reason},
                reason=reason,
            )
    return proposal


def finish_screening(*, actor: Any, round: Round) -> Round:
    """Move to the residents' council review once every proposal is screened."""
    _require(actor, "budgeting.manage_round", round, "you may not run this round")
    with transaction.atomic():
        round = _lock(round)
        waiting = round.proposals.filter(status=Status.SUBMITTED).count()
        if waiting:
            raise ActionError(
                _("%(n)d proposal(s) still wait for screening.") % {"n": waiting}, code="pending"
            )
        passed = round.proposals.filter(status=Status.SCREENED_IN).count()
        _move(round, RoundStatus.COUNCIL, actor, screened_in=passed)
    return round


def record_council_review(
    *,
    actor: Any,
    proposal: Proposal,
    members: int,
    present: int,
    yes: int,
    no: int,
    abstain: int = 0,
    score: Any = None,
    note: str = "",
) -> Proposal:
    """Record the residents' council's (居民议事会) review of a screened-in proposal. It passes
    when the quorum (present / members) and the majority (yes / present) of the
    `budgeting.process` policy are reached, in exact fractions."""
    round = proposal.round
    _require(actor, "budgeting.review_council", round, "you may not record the council's review")
    try:
        members, present, yes, no, abstain = (int(v) for v in (members, present, yes, no, abstain))
    except (TypeError, ValueError):
        raise ActionError(_("The council's numbers are whole numbers."), field="members") from None
    if members < 1:
        raise ActionError(_("The council has at least one member."), field="members")
    if not 0 <= present <= members:
        raise ActionError(_("Those present are between 0 and the members."), field="present")
    if min(yes, no, abstain) < 0 or yes + no + abstain != present:
        raise ActionError(
            _("Yes, no and abstentions add up to those present (%(n)d).") % {"n": present},
            field="yes",
        )
    score_value = None
    if score not in (None, ""):
        try:
            score_value = Decimal(str(score))
        except InvalidOperation:
            raise ActionError(_("The score is a number from 0 to 100."), field="score") from None
        if not score_value.is_finite() or not 0 <= score_value <= 100:
            raise ActionError(_("The score is a number from 0 to 100."), field="score")
    policy = _policy(round)
    quorum = Fraction(present, members)
    majority = Fraction(yes, present) if present else Fraction(0)
    quorum_ok = policy.council_quorum.reached(quorum)
    majority_ok = present > 0 and policy.council_majority.reached(majority)
    passed = quorum_ok and majority_ok
    council = {
        "members": members,
        "present": present,
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "score": str(score_value) if score_value is not None else None,
        "quorum": f"{quorum.numerator}/{quorum.denominator}",
        "quorum_required": policy.council_quorum.reading(),
        "quorum_ok": quorum_ok,
        "majority": f"{majority.numerator}/{majority.denominator}",
        "majority_required": policy.council_majority.reading(),
        "majority_ok": majority_ok,
        "passed": passed,
    }
    with transaction.atomic():
        round = _lock(round)
        if round.status != RoundStatus.COUNCIL:
            raise ActionError(_("The council reviews in the council phase."), code="phase")
        proposal = _fresh(proposal)
        _move_proposal(
            proposal,
            Status.COUNCIL_PASSED if passed else Status.COUNCIL_FAILED,
            actor,
            note=note,
            extra={"council": council},
            **council,
        )
    return proposal


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


# --- implementation


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
