"""Reads of participatory budgeting for its pages, its API and other apps."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from cogov.core.policies import get_policy

from . import funds_bridge, voting_bridge
from .models import Milestone, Proposal, Round, RoundStatus, Status
from .policy_kinds import PROCESS, Process


def policy_for(round: Round) -> Process:
    return get_policy(PROCESS, node=round.node, on=timezone.localdate())  # type: ignore[no-any-return]


def proposals_of(round: Round) -> list[Proposal]:
    """The round's proposals with their items and milestones (three queries)."""
    return list(
        round.proposals.select_related("grid", "organization")
        .prefetch_related(
            "items",
            Prefetch("milestones", queryset=Milestone.objects.order_by("reported_on", "pk")),
        )
        .order_by("number")
    )


def progress_of(proposal: Proposal) -> int | None:
    milestones = list(proposal.milestones.all())
    return milestones[-1].percent if milestones else None


def fraction_text(value: str | None) -> str:
    """ "7/2" → "3.5" for reading (exact text stays beside it where it matters)."""
    if not value:
        return "0"
    f = Fraction(value)
    if f.denominator == 1:
        return str(f.numerator)
    d = Decimal(f.numerator) / Decimal(f.denominator)
    return f"{d.quantize(Decimal('0.0001'))}"


def selection_rows(round: Round, proposals: list[Proposal]) -> list[dict[str, Any]]:
    """The published steps of the selection, with the proposals' titles."""
    by_ref = {p.reference: p for p in proposals}
    rows = []
    for step in (round.selection or {}).get("steps", []):
        p = by_ref.get(step["key"])
        rows.append(
            {
                **step,
                "proposal": p,
                "cost_text": fraction_text(step["cost"]),
                "votes_text": fraction_text(step["votes"]),
                "remaining_text": fraction_text(step["remaining_after"]),
                "lottery": ((round.selection or {}).get("lottery") or {}).get(step["key"]),
            }
        )
    return rows


def ties_at_margin(round: Round) -> list[str]:
    """References of proposals that had the same votes as another proposal in the ranking:
    where the tie rule decided the order."""
    votes = (round.selection or {}).get("votes") or {}
    order = (round.selection or {}).get("order") or []
    counts = Counter(votes.get(k) for k in order)
    return [k for k in order if counts[votes.get(k)] > 1]


def public_context(round: Round) -> dict[str, Any]:
    proposals = proposals_of(round)
    spent = sum((p.cost for p in proposals if p.status in WON_OR_LATER), Decimal(0))
    return {
        "round": round,
        "proposals": proposals,
        "rejected": [p for p in proposals if p.status == Status.REJECTED],
        "council": [p for p in proposals if p.council],
        "steps": selection_rows(round, proposals),
        "ties": ties_at_margin(round),
        "winners": [p for p in proposals if p.status in WON_OR_LATER],
        "spent": spent,
        "left": round.budget - spent,
        "vote_results": voting_bridge.results_context(round) if round.has_results else None,
        "commitments": funds_bridge.commitments(round),
        "policy": policy_for(round),
        "progress": {p.pk: progress_of(p) for p in proposals},
    }


WON_OR_LATER = (
    Status.WON,
    Status.APPROVED,
    Status.IMPLEMENTING,
    Status.ACCEPTED,
    Status.CLOSED,
)


def round_context(round: Round, user: Any) -> dict[str, Any]:
    context = public_context(round)
    manage = user.has_perm("budgeting.manage_round", round)
    context.update(
        {
            "can_manage": manage,
            "can_propose": user.has_perm("budgeting.submit_proposal", round)
            and round.phase_active(RoundStatus.COLLECTING),
            "can_review": user.has_perm("budgeting.review_council", round),
            "can_approve": user.has_perm("budgeting.approve_round", round),
            "collecting": round.phase_active(RoundStatus.COLLECTING),
            "vote": voting_bridge.vote_of(round) if round.vote_uuid else None,
            "events": list(round.events.select_related("actor").order_by("at", "pk")),
            "now": timezone.now(),
        }
    )
    return context


def proposal_context(proposal: Proposal, user: Any) -> dict[str, Any]:
    round = proposal.round
    return {
        "proposal": proposal,
        "round": round,
        "items": list(proposal.items.all()),
        "milestones": list(proposal.milestones.order_by("reported_on", "pk")),
        "acceptances": list(proposal.acceptances.order_by("accepted_on", "pk")),
        "events": list(proposal.events.select_related("actor").order_by("at", "pk")),
        "can_manage": user.has_perm("budgeting.manage_round", round),
        "can_review": user.has_perm("budgeting.review_council", round),
        "is_proposer": proposal.submitted_by_id == getattr(user, "pk", None),
        "policy": policy_for(round),
    }
