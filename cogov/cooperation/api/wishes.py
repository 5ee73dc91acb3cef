"""Micro-wishes: submitted for a beneficiary, verified, published under a pseudonym, claimed,
fulfilled and acknowledged; the beneficiary's identity only for those entitled to it."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Schema

from cogov.web.access import get_visible_or_404

from .. import actions
from ..models import Wish
from .common import _failed, _org, _ref, _run, pick_step, router


def wish_out(w: Wish, user: Any) -> dict[str, Any]:
    identity = actions.beneficiary_identity(actor=user, wish=w)
    return {
        "uuid": str(w.uuid),
        "pseudonym": w.pseudonym,
        "title": w.title,
        "description": w.description,
        "value": str(w.value),
        "status": w.status,
        "community": _ref(w.community),
        "published_at": w.published_at,
        "claimed_at": w.claimed_at,
        "fulfilled_at": w.fulfilled_at,
        "beneficiary": identity,
    }


class WishIn(Schema):
    beneficiary: uuid_lib.UUID
    title: str
    value: Decimal
    description: str = ""


@router.get("/wishes")
def list_wishes(request: HttpRequest, available: bool = False) -> Any:
    qs = Wish.objects.visible_to(request.user).select_related("community")
    if available:
        qs = qs.on_the_list()
    return [
        {
            "uuid": str(w.uuid),
            "pseudonym": w.pseudonym,
            "title": w.title,
            "value": str(w.value),
            "status": w.status,
            "community": _ref(w.community),
        }
        for w in qs[:500]
    ]


@router.post("/wishes")
def create_wish(request: HttpRequest, payload: WishIn) -> Any:
    from cogov.people.models import Person

    person = get_visible_or_404(
        Person.objects.select_related("grid"), request.user, uuid=payload.beneficiary
    )
    result = _run(
        actions.submit_wish,
        actor=request.user,
        beneficiary=person,
        title=payload.title,
        value=payload.value,
        description=payload.description,
    )
    return result if _failed(result) else JsonResponse(wish_out(result, request.user), status=201)


def _wish(request: HttpRequest, uuid: uuid_lib.UUID) -> Wish:
    return get_visible_or_404(
        Wish.objects.select_related("community", "beneficiary__household__building"),
        request.user,
        uuid=uuid,
    )


@router.get("/wishes/{uuid}")
def get_wish(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    """The beneficiary's identity is included only for the claimant holding the lock and for
    staff who see residents; null for everyone else."""
    return wish_out(_wish(request, uuid), request.user)


class WishStepIn(Schema):
    note: str = ""
    approved: bool = True
    pseudonym: str = ""
    organization: uuid_lib.UUID | None = None
    evidence: list[str] = []


@router.post("/wishes/{uuid}/{step}")
def wish_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str, payload: WishStepIn) -> Any:
    wish = _wish(request, uuid)
    user = request.user
    calls: dict[str, Callable[[], Any]] = {
        "verify": lambda: _run(
            actions.verify_wish,
            actor=user,
            wish=wish,
            approved=payload.approved,
            visit_note=payload.note,
        ),
        "publish": lambda: _run(
            actions.publish_wish, actor=user, wish=wish, pseudonym=payload.pseudonym
        ),
        "claim": lambda: _run(
            actions.claim_wish, actor=user, wish=wish, organization=_org(payload.organization, user)
        ),
        "release": lambda: _run(actions.release_wish, actor=user, wish=wish, note=payload.note),
        "fulfil": lambda: _run(
            actions.fulfil_wish, actor=user, wish=wish, evidence=payload.evidence, note=payload.note
        ),
        "acknowledge": lambda: _run(
            actions.acknowledge_wish, actor=user, wish=wish, note=payload.note
        ),
    }
    result = pick_step(calls, step)()
    return result if _failed(result) else wish_out(_wish(request, uuid), user)
