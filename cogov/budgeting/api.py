"""Participatory budgeting under /api/budgeting/: rounds, their phases, proposals with cost
items, screening, the council's review, counting and selection, approval (commitments in the
funds ledger), progress, acceptance, closing, and the public results.

A round outside the caller's reach answers 404 like a missing one; refused actions 403; bad
input 400 with the field at fault. `GET /{uuid}/results` needs no account once the round is
published (全流程公示), like the results page.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from ninja import Router, Schema

from cogov.territory.models import Node
from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from . import actions, funds_bridge
from .models import Proposal, Round

router = Router(tags=["budgeting"])


def _round(request: HttpRequest, uuid: uuid_lib.UUID) -> Round:
    return get_visible_or_404(Round.objects.select_related("node"), request.user, uuid=uuid)  # type: ignore[no-any-return]


def _proposal(request: HttpRequest, uuid: uuid_lib.UUID) -> Proposal:
    return get_visible_or_404(  # type: ignore[no-any-return]
        Proposal.objects.select_related("round__node"), request.user, uuid=uuid
    )


class RoundOut(Schema):
    uuid: uuid_lib.UUID
    node: uuid_lib.UUID
    year: int
    title: str
    budget: str
    ballot_kind: str
    winner_rule: str
    tie_rule: str
    completion: str
    seed: str
    status: str
    collect_opens_at: dt.datetime
    collect_closes_at: dt.datetime
    vote_opens_at: dt.datetime
    vote_closes_at: dt.datetime
    vote: uuid_lib.UUID | None


def _round_out(r: Round) -> dict[str, Any]:
    return {
        "uuid": r.uuid,
        "node": r.node.uuid,
        "year": r.year,
        "title": r.title,
        "budget": f"{r.budget:.2f}",
        "ballot_kind": r.ballot_kind,
        "winner_rule": r.winner_rule,
        "tie_rule": r.tie_rule,
        "completion": r.completion,
        "seed": r.seed,
        "status": r.status,
        "collect_opens_at": r.collect_opens_at,
        "collect_closes_at": r.collect_closes_at,
        "vote_opens_at": r.vote_opens_at,
        "vote_closes_at": r.vote_closes_at,
        "vote": r.vote_uuid,
    }


class ItemIn(Schema):
    description: str
    quantity: Decimal = Decimal(1)
    unit: str = ""
    unit_price: Decimal


class ProposalOut(Schema):
    uuid: uuid_lib.UUID
    reference: str
    round: uuid_lib.UUID
    title: str
    description: str
    category: str
    cost: str
    beneficiaries: int
    location: str
    proposer_kind: str
    proposer_name: str
    status: str
    rejection_reason: str
    council: dict[str, Any]
    votes: str
    final_cost: str | None
    items: list[dict[str, str]]


def _proposal_out(p: Proposal) -> dict[str, Any]:
    return {
        "uuid": p.uuid,
        "reference": p.reference,
        "round": p.round.uuid,
        "title": p.title,
        "description": p.description,
        "category": p.category,
        "cost": f"{p.cost:.2f}",
        "beneficiaries": p.beneficiaries,
        "location": p.location,
        "proposer_kind": p.proposer_kind,
        "proposer_name": p.proposer_name,
        "status": p.status,
        "rejection_reason": p.rejection_reason,
        "council": p.council,
        "votes": p.votes,
        "final_cost": f"{p.final_cost:.2f}" if p.final_cost is not None else None,
        "items": [
            {
                "description": i.description,
                "quantity": f"{i.quantity}",
                "unit": i.unit,
                "unit_price": f"{i.unit_price:.2f}",
                "amount": f"{i.amount:.2f}",
            }
            for i in p.items.all()
        ],
    }


class RoundIn(Schema):
    node: uuid_lib.UUID
    year: int
    title: str
    budget: Decimal
    collect_opens_at: dt.datetime
    collect_closes_at: dt.datetime
    vote_opens_at: dt.datetime
    vote_closes_at: dt.datetime
    ballot_kind: str = "approval"
    winner_rule: str = "greedy"
    tie_rule: str = "lower_cost"
    completion: str = "greedy"
    description: str = ""


class NoteIn(Schema):
    note: str = ""


class ProposalIn(Schema):
    title: str
    description: str
    category: str
    items: list[ItemIn]
    beneficiaries: int = 0
    location: str = ""
    proposer_kind: str = "resident"
    proposer_name: str = ""


class ScreenIn(Schema):
    eligible: bool
    reason: str = ""


class CouncilIn(Schema):
    members: int
    present: int
    yes: int
    no: int
    abstain: int = 0
    score: Decimal | None = None
    note: str = ""


class ProgressIn(Schema):
    title: str
    percent: int
    evidence: str
    reported_on: dt.date | None = None


class AcceptanceIn(Schema):
    representatives: list[str]
    satisfaction: Decimal
    passed: bool
    note: str = ""


class CloseIn(Schema):
    final_cost: Decimal
    note: str = ""


@router.get("/", response=list[RoundOut])
def list_rounds(request: HttpRequest) -> Any:
    qs = Round.objects.visible_to(request.user).select_related("node").order_by("-year", "-pk")
    return [_round_out(r) for r in qs[:200]]


@router.post("/", response={201: RoundOut})
def create_round(request: HttpRequest, payload: RoundIn) -> Any:
    node = Node.objects.visible_to(request.user).filter(uuid=payload.node).first()
    if node is None:
        raise Http404
    data = payload.dict(exclude={"node"})
    result = run_action(actions.create_round, actor=request.user, node=node, **data)
    return result if isinstance(result, JsonResponse) else (201, _round_out(result))


@router.get("/{uuid}", response=RoundOut)
def round_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _round_out(_round(request, uuid))


ROUND_STEPS: dict[str, Callable[..., Any]] = {
    "open": lambda actor, round, note: actions.open_collection(actor=actor, round=round),
    "close-collection": lambda actor, round, note: actions.close_collection(
        actor=actor, round=round, note=note
    ),
    "finish-screening": lambda actor, round, note: actions.finish_screening(
        actor=actor, round=round
    ),
    "start-vote": lambda actor, round, note: actions.start_vote(actor=actor, round=round),
    "count": lambda actor, round, note: actions.count_and_select(
        actor=actor, round=round, note=note
    ),
    "approve": lambda actor, round, note: actions.approve_round(
        actor=actor, round=round, note=note
    ),
    "close": lambda actor, round, note: actions.close_round(actor=actor, round=round, note=note),
    "cancel": lambda actor, round, note: actions.cancel_round(actor=actor, round=round, note=note),
}


@router.post("/{uuid}/phase/{step}", response=RoundOut)
def round_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str, payload: NoteIn) -> Any:
    """Move the round: `open`, `close-collection`, `finish-screening`, `start-vote`, `count`,
    `approve`, `close`, `cancel`."""
    round = _round(request, uuid)
    run = ROUND_STEPS.get(step)
    if run is None:
        raise Http404
    result = run_action(run, actor=request.user, round=round, note=payload.note)
    return result if isinstance(result, JsonResponse) else _round_out(result)


@router.get("/{uuid}/proposals", response=list[ProposalOut])
def list_proposals(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    round = _round(request, uuid)
    qs = round.proposals.select_related("round").prefetch_related("items").order_by("number")
    return [_proposal_out(p) for p in qs]


@router.post("/{uuid}/proposals", response={201: ProposalOut})
def submit(request: HttpRequest, uuid: uuid_lib.UUID, payload: ProposalIn) -> Any:
    round = _round(request, uuid)
    data = payload.dict(exclude={"items"})
    items = [i.dict() for i in payload.items]
    result = run_action(
        actions.submit_proposal, actor=request.user, round=round, items=items, **data
    )
    return result if isinstance(result, JsonResponse) else (201, _proposal_out(result))


@router.get("/{uuid}/results", auth=None)
def results(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    """The published selection (rule, tie rule, seed, votes, each step), the proposals and the
    commitments in the funds ledger. No account needed once the round is published."""
    round = Round.objects.public().select_related("node").filter(uuid=uuid).first()
    if round is None:
        raise Http404
    proposals = round.proposals.select_related("round").prefetch_related("items")
    return {
        "round": _round_out(round) | {"node": str(round.node.uuid)},
        "selection": round.selection,
        "proposals": [_proposal_out(p) for p in proposals.order_by("number")],
        "commitments": [
            {
                "proposal": c["ref"],
                "title": c["title"],
                "amount": f"{c['amount']:.2f}",
                "fund": c["fund"],
                "entries": [
                    {"seq": e["seq"], "kind": e["kind"], "amount": f"{e['amount']:.2f}"}
                    for e in c["entries"]
                ],
            }
            for c in funds_bridge.commitments(round)
        ],
    }


@router.get("/proposals/{uuid}", response=ProposalOut)
def proposal_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _proposal_out(_proposal(request, uuid))


def _proposal_step(request: HttpRequest, uuid: uuid_lib.UUID, func: Any, **kw: Any) -> Any:
    proposal = _proposal(request, uuid)
    result = run_action(func, actor=request.user, proposal=proposal, **kw)
    if isinstance(result, JsonResponse):
        return result
    proposal.refresh_from_db()
    return _proposal_out(proposal)


@router.post("/proposals/{uuid}/screen", response=ProposalOut)
def screen(request: HttpRequest, uuid: uuid_lib.UUID, payload: ScreenIn) -> Any:
    return _proposal_step(request, uuid, actions.screen_proposal, **payload.dict())


@router.post("/proposals/{uuid}/council", response=ProposalOut)
def council(request: HttpRequest, uuid: uuid_lib.UUID, payload: CouncilIn) -> Any:
    return _proposal_step(request, uuid, actions.record_council_review, **payload.dict())


@router.post("/proposals/{uuid}/progress", response=ProposalOut)
def progress(request: HttpRequest, uuid: uuid_lib.UUID, payload: ProgressIn) -> Any:
    return _proposal_step(request, uuid, actions.report_progress, **payload.dict())


@router.post("/proposals/{uuid}/acceptance", response=ProposalOut)
def acceptance(request: HttpRequest, uuid: uuid_lib.UUID, payload: AcceptanceIn) -> Any:
    return _proposal_step(request, uuid, actions.record_acceptance, **payload.dict())


@router.post("/proposals/{uuid}/close", response=ProposalOut)
def close(request: HttpRequest, uuid: uuid_lib.UUID, payload: CloseIn) -> Any:
    return _proposal_step(request, uuid, actions.close_proposal, **payload.dict())


@router.post("/proposals/{uuid}/withdraw", response=ProposalOut)
def withdraw(request: HttpRequest, uuid: uuid_lib.UUID, payload: NoteIn) -> Any:
    return _proposal_step(request, uuid, actions.withdraw_proposal, note=payload.note)
