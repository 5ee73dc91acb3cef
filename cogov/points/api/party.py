"""Party members' points: the yearly score with its evidence, claims of party records, and the
branch's decision on them."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema
from ninja.errors import HttpError

from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from .. import actions
from ..models import PartyRecord
from ..scoring import yearly_score
from .common import router


def _member(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    from cogov.people.models import PartyMember

    member = get_object_or_404(
        PartyMember.objects.select_related("person", "branch__node"), uuid=uuid
    )
    if not request.user.has_perm("points.view_party_score", member):
        raise HttpError(404, "Not found")
    return member


@router.get("/party/{uuid}/score")
def score(request: HttpRequest, uuid: uuid_lib.UUID, year: int | None = None) -> Any:
    member = _member(request, uuid)
    result = yearly_score(member, year or timezone.localdate().year)
    return {
        "year": result.year,
        "total": str(result.total),
        "extra": str(result.extra),
        "buckets": {k: str(v) for k, v in result.buckets.items()},
        "items": [
            {
                "bucket": i.bucket,
                "code": i.code,
                "label": i.label,
                "on": i.on,
                "points": str(i.points),
                "counted": str(i.counted),
                "evidence": [{"kind": e.kind, "ref": e.ref, "label": e.label} for e in i.evidence],
            }
            for i in result.items
        ],
    }


class ClaimIn(Schema):
    code: str
    occurred_on: dt.date
    description: str = ""
    evidence: list[dict[str, str]] = []


def _record_out(r: PartyRecord) -> dict[str, Any]:
    return {"uuid": r.uuid, "code": r.code, "points": str(r.points), "status": r.status}


@router.post("/party/{uuid}/records")
def claim(request: HttpRequest, uuid: uuid_lib.UUID, body: ClaimIn) -> Any:
    member = _member(request, uuid)
    return run_action(
        actions.claim_party_record,
        _record_out,
        actor=request.user,
        member=member,
        code=body.code,
        occurred_on=body.occurred_on,
        description=body.description,
        evidence=body.evidence,
    )


class DecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/party/records/{uuid}/decide")
def decide(request: HttpRequest, uuid: uuid_lib.UUID, body: DecisionIn) -> Any:
    qs = PartyRecord.objects.select_related("member__branch__node", "member__person")
    record = get_visible_or_404(qs, request.user, uuid=uuid)
    return run_action(
        actions.decide_party_record,
        _record_out,
        actor=request.user,
        record=record,
        approve=body.approve,
        note=body.note,
    )
