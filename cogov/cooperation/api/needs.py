"""Needs (raised, triaged, listed, claimed, met), their matching suggestions, and needs
raised from a community's case trends."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Schema
from ninja.errors import HttpError

from cogov.web.access import get_visible_or_404

from .. import actions, matching, selectors
from ..models import Need, Resource
from .common import NoteIn, _failed, _node, _org, _ref, _run, pick_step, router

# --- needs ---------------------------------------------------------------------------------


def need_out(n: Need) -> dict[str, Any]:
    return {
        "uuid": str(n.uuid),
        "title": n.title,
        "description": n.description,
        "category": n.category,
        "wanted_kinds": n.wanted_kinds,
        "quantity": n.quantity,
        "people_affected": n.people_affected,
        "source": n.source,
        "status": n.status,
        "community": _ref(n.community),
        "grid": _ref(n.grid),
        "claimed_by": _ref(n.claimed_by),
        "created_at": n.created_at,
        "listed_at": n.listed_at,
        "claimed_at": n.claimed_at,
        "met_at": n.met_at,
    }


class NeedIn(Schema):
    title: str
    category: str
    community: uuid_lib.UUID | None = None
    building: uuid_lib.UUID | None = None
    description: str = ""
    wanted_kinds: list[str] = []
    quantity: int | None = None
    people_affected: int = 1
    source: str | None = None


@router.get("/needs")
def list_needs(
    request: HttpRequest, status: str = "", community: uuid_lib.UUID | None = None
) -> Any:
    qs = Need.objects.visible_to(request.user).for_list()
    if status:
        qs = qs.filter(status=status)
    if community:
        qs = qs.in_region(_node(community, request.user))
    return [need_out(n) for n in qs[:500]]


@router.post("/needs")
def create_need(request: HttpRequest, payload: NeedIn) -> Any:
    from cogov.territory.models import Building

    building = None
    if payload.building:
        building = get_visible_or_404(
            Building.objects.select_related("grid"), request.user, uuid=payload.building
        )
    result = _run(
        actions.raise_need,
        actor=request.user,
        title=payload.title,
        category=payload.category,
        community=_node(payload.community, request.user),
        building=building,
        description=payload.description,
        wanted_kinds=payload.wanted_kinds,
        quantity=payload.quantity,
        people_affected=payload.people_affected,
        source=payload.source,
    )
    return result if _failed(result) else JsonResponse(need_out(result), status=201)


def _need(request: HttpRequest, uuid: uuid_lib.UUID) -> Need:
    return get_visible_or_404(Need.objects.for_list(), request.user, uuid=uuid)


@router.get("/needs/{uuid}")
def get_need(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return need_out(_need(request, uuid))


@router.get("/needs/{uuid}/suggestions")
def need_suggestions(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    """Resources for the need, best first, each score with its components and weights."""
    need = _need(request, uuid)
    found = matching.suggestions_for_need(need, resources=Resource.objects.visible_to(request.user))
    return [{**s.as_dict(), "resource_title": s.resource.title} for s in found]


NEED_ACTIONS: dict[str, Callable[..., Any]] = {
    "triage": actions.triage_need,
    "list": actions.list_need,
    "reject": actions.reject_need,
    "withdraw": actions.withdraw_need,
    "release": actions.release_need,
    "claim": actions.claim_need,
}


@router.post("/needs/{uuid}/{step}")
def need_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str, payload: NoteIn) -> Any:
    need = _need(request, uuid)
    action = pick_step(NEED_ACTIONS, step)
    extra = {"organization": _org(payload.organization, request.user)} if step == "claim" else {}
    result = _run(action, actor=request.user, need=need, note=payload.note, **extra)
    return result if _failed(result) else need_out(result)


# --- case trends ---------------------------------------------------------------------------


@router.get("/case-trends")
def list_case_trends(request: HttpRequest, community: uuid_lib.UUID) -> Any:
    node = _node(community, request.user)
    if not request.user.has_perm("cooperation.triage_need", node):
        raise HttpError(404, "not found")
    return [t.__dict__ for t in selectors.case_trends(node)]


class TrendIn(Schema):
    community: uuid_lib.UUID
    category_code: str
    category: str = "governance"


@router.post("/case-trends")
def raise_from_trend(request: HttpRequest, payload: TrendIn) -> Any:
    result = _run(
        actions.raise_need_from_case_trend,
        actor=request.user,
        community=_node(payload.community, request.user),
        category_code=payload.category_code,
        category=payload.category,
    )
    return result if _failed(result) else JsonResponse(need_out(result), status=201)
