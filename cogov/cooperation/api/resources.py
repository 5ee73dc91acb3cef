"""Resources offered by units and people: list, offer, the needs they could meet (scores
explained), and their steps (list, decline, claim, withdraw)."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Schema

from cogov.web.access import get_visible_or_404

from .. import actions, matching
from ..models import Need, Resource
from .common import NoteIn, _failed, _node, _org, _ref, _run, pick_step, router


def resource_out(r: Resource) -> dict[str, Any]:
    return {
        "uuid": str(r.uuid),
        "kind": r.kind,
        "title": r.title,
        "description": r.description,
        "categories": r.categories,
        "capacity": r.capacity,
        "capacity_unit": r.capacity_unit,
        "committed": getattr(r, "committed", None),
        "available_from": r.available_from,
        "available_until": r.available_until,
        "windows": r.windows,
        "status": r.status,
        "community": _ref(r.community),
        "organization": _ref(r.organization),
    }


class ResourceIn(Schema):
    kind: str
    title: str
    capacity: int
    capacity_unit: str
    categories: list[str]
    organization: uuid_lib.UUID | None = None
    as_person: bool = False
    community: uuid_lib.UUID | None = None
    description: str = ""
    available_from: dt.date | None = None
    available_until: dt.date | None = None
    windows: list[dict[str, Any]] = []


@router.get("/resources")
def list_resources(request: HttpRequest, status: str = "", kind: str = "") -> Any:
    qs = Resource.objects.visible_to(request.user).with_committed().for_list()
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return [resource_out(r) for r in qs[:500]]


@router.post("/resources")
def create_resource(request: HttpRequest, payload: ResourceIn) -> Any:
    data = payload.dict()
    data["organization"] = _org(payload.organization, request.user)
    data["community"] = _node(payload.community, request.user)
    result = _run(actions.offer_resource, actor=request.user, **data)
    return result if _failed(result) else JsonResponse(resource_out(result), status=201)


def _resource(request: HttpRequest, uuid: uuid_lib.UUID) -> Resource:
    return get_visible_or_404(Resource.objects.with_committed().for_list(), request.user, uuid=uuid)


@router.get("/resources/{uuid}")
def get_resource(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return resource_out(_resource(request, uuid))


@router.get("/resources/{uuid}/suggestions")
def resource_suggestions(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    resource = _resource(request, uuid)
    found = matching.suggestions_for_resource(resource, needs=Need.objects.visible_to(request.user))
    return [{**s.as_dict(), "need_title": s.need.title} for s in found]


RESOURCE_ACTIONS: dict[str, Callable[..., Any]] = {
    "list": actions.list_resource,
    "decline": actions.decline_resource,
    "claim": actions.claim_resource,
    "withdraw": actions.withdraw_resource,
}


@router.post("/resources/{uuid}/{step}")
def resource_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str, payload: NoteIn) -> Any:
    resource = _resource(request, uuid)
    action = pick_step(RESOURCE_ACTIONS, step)
    result = _run(action, actor=request.user, resource=resource, note=payload.note)
    return result if _failed(result) else resource_out(_resource(request, uuid))
