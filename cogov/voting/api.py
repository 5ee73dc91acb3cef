"""Voting endpoints under /api/voting/: create, open, close, tally, cast, results, verify.

A vote outside the caller's reach answers 404, like a missing one; refused actions 403/400.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from cogov.organizations.models import Organization
from cogov.territory.models import Node
from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from . import actions, integrity
from .models import Elector, Vote
from .thresholds import Result

router = Router(tags=["voting"])


def _vote(request: HttpRequest, uuid: uuid_lib.UUID) -> Vote:
    return get_visible_or_404(Vote.objects.select_related("node"), request.user, uuid=uuid)


class VoteOut(Schema):
    uuid: uuid_lib.UUID
    title: str
    node: uuid_lib.UUID
    electorate: str
    rule: str
    matter: str
    ballot_kind: str
    options: list[dict[str, str]]
    secret: bool
    mode: str
    status: str
    is_open: bool
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    vote_date: dt.date | None
    entitled_heads: int
    entitled_area: str
    ballots: int
    digest: str


def _out(vote: Vote) -> dict[str, Any]:
    return {
        "uuid": vote.uuid,
        "title": vote.title,
        "node": vote.node.uuid,
        "electorate": vote.electorate,
        "rule": vote.rule,
        "matter": vote.matter,
        "ballot_kind": vote.ballot_kind,
        "options": vote.options,
        "secret": vote.secret,
        "mode": vote.mode,
        "status": vote.status,
        "is_open": vote.is_open(),
        "opens_at": vote.opens_at,
        "closes_at": vote.closes_at,
        "vote_date": vote.vote_date,
        "entitled_heads": vote.entitled_heads,
        "entitled_area": f"{vote.entitled_area:.2f}",
        "ballots": vote.ballot_count,
        "digest": vote.digest,
    }


class VoteIn(Schema):
    node: uuid_lib.UUID
    title: str
    electorate: str
    rule: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None = None
    ballot_kind: str = "yes_no"
    options: list[Any] = []
    secret: bool = True
    mode: str = "written"
    matter: str = "ordinary"
    organization: uuid_lib.UUID | None = None
    description: str = ""
    budget_limit: Decimal | None = None


class CastIn(Schema):
    choice: list[str]
    elector: str | None = None  # the elector key, when an account speaks for several


@router.get("/", response=list[VoteOut])
def list_votes(request: HttpRequest) -> Any:
    qs = Vote.objects.visible_to(request.user).select_related("node").order_by("-opens_at", "-pk")
    return [_out(v) for v in qs[:200]]


@router.post("/", response={201: VoteOut})
def create_vote(request: HttpRequest, payload: VoteIn) -> Any:
    node = Node.objects.visible_to(request.user).filter(uuid=payload.node).first()
    if node is None:
        raise Http404
    org = None
    if payload.organization:
        org = (
            Organization.objects.visible_to(request.user).filter(uuid=payload.organization).first()
        )
        if org is None:
            raise HttpError(400, "organization: no such organization")
    data = payload.dict(exclude={"node", "organization"})
    result = run_action(
        actions.create_vote, actor=request.user, node=node, organization=org, **data
    )
    if isinstance(result, JsonResponse):
        return result
    return 201, _out(result)


@router.get("/{uuid}", response=VoteOut)
def vote_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    vote = _vote(request, uuid)
    if not request.user.has_perm("voting.view_vote", vote):
        raise Http404
    return _out(vote)


def _step(request: HttpRequest, uuid: uuid_lib.UUID, func: Callable[..., Any]) -> Any:
    vote = _vote(request, uuid)
    result = run_action(func, actor=request.user, vote=vote)
    return result if isinstance(result, JsonResponse) else _out(result)


@router.post("/{uuid}/open", response=VoteOut)
def open_vote(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    """Freeze the rule (by the vote's date) and the electorate; start accepting ballots."""
    return _step(request, uuid, actions.open_vote)


@router.post("/{uuid}/close", response=VoteOut)
def close_vote(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    """Stop accepting ballots; publish the digest of the ballot log."""
    return _step(request, uuid, actions.close_vote)


@router.post("/{uuid}/tally", response=VoteOut)
def tally_vote(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    """Verify the log and count; the result is stored and published."""
    return _step(request, uuid, actions.tally_vote)


@router.post("/{uuid}/ballots", response={201: dict[str, Any]})
def cast(request: HttpRequest, uuid: uuid_lib.UUID, payload: CastIn) -> Any:
    vote = _vote(request, uuid)
    elector = None
    if payload.elector:
        elector = Elector.objects.filter(vote=vote, key=payload.elector).first()
    result = run_action(
        actions.cast_ballot, actor=request.user, vote=vote, choice=payload.choice, elector=elector
    )
    if isinstance(result, JsonResponse):
        return result
    # The receipt: the ballot's position and hash in the published log.
    return 201, {"seq": result.seq, "hash": result.hash}


@router.get("/{uuid}/results", response=dict[str, Any])
def results(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    vote = _vote(request, uuid)
    if not request.user.has_perm("voting.view_results", vote):
        return JsonResponse({"detail": "results are published when the vote closes"}, status=403)
    if vote.result:
        return vote.result
    from .tally import tally

    data: dict[str, Any] = tally(vote).to_dict()
    data["provisional"] = True
    return data


@router.get("/{uuid}/verify", response=dict[str, Any])
def verify(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    vote = _vote(request, uuid)
    if not request.user.has_perm("voting.verify_vote", vote):
        return JsonResponse({"detail": "verification opens when the vote closes"}, status=403)
    report = integrity.verify(vote)
    return {
        "ok": report.ok,
        "ballots": report.ballots,
        "digest": report.digest,
        "problems": report.problems,
    }


_ = Result  # the shape of /results: cogov.voting.thresholds.Result.to_dict()
