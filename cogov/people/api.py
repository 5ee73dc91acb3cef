"""People endpoints under /api/people/: the roster (masked), reveals (logged) and verifications.

A resident or a verification outside the caller's scopes answers 404, exactly like a missing
one; one the caller may see but not act on answers 403.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from cogov.accounts.http import action_errors
from cogov.territory.models import Household, PropertyUnit

from . import actions
from .models import Person, Verification, VerificationStatus
from .selectors import roster_match

router = Router(tags=["people"])

MAX_LIMIT = 200


def _visible(qs: Any, user: Any, **lookup: Any) -> Any:
    """Forbidden and missing answer alike (404)."""
    found = qs.visible_to(user).filter(**lookup).first()
    if found is None:
        raise Http404("not found")
    return found


# Schemas --------------------------------------------------------------------------------


class PlaceOut(Schema):
    uuid: uuid_lib.UUID
    code: str
    name: str


class HouseholdOut(Schema):
    uuid: uuid_lib.UUID
    code: str
    building: str
    door: str


class PersonOut(Schema):
    uuid: uuid_lib.UUID
    name: str
    gender: str
    relation: str
    masked_id_number: str
    masked_phone: str
    tags: list[str]
    household: HouseholdOut | None
    grid: PlaceOut | None


class PersonDetailOut(PersonOut):
    verified_account: bool
    can_reveal: bool
    can_manage: bool


class PersonPage(Schema):
    items: list[PersonOut]
    next_after: int | None = Field(None, description="pass as `after` for the next page")


class RevealOut(Schema):
    id_number: str
    phone: str


def _person_out(p: Person) -> dict[str, Any]:
    household = None
    if p.household is not None:
        household = {
            "uuid": p.household.uuid,
            "code": p.household.code,
            "building": p.household.building.name,
            "door": p.household.door,
        }
    grid = {"uuid": p.grid.uuid, "code": p.grid.code, "name": p.grid.name} if p.grid else None
    return {
        "uuid": p.uuid,
        "name": p.name,
        "gender": p.gender,
        "relation": p.relation,
        "masked_id_number": p.masked_id_number,
        "masked_phone": p.masked_phone,
        "tags": list(p.tags),
        "household": household,
        "grid": grid,
    }


class PersonFilters(Schema):
    q: str = Field("", description="Chinese search on name and address (words cut by jieba)")
    after: int | None = Field(None, description="keyset cursor: the `next_after` of the last page")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


# Residents ------------------------------------------------------------------------------


@router.get("/", response=PersonPage)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    """Residents the caller may see, masked, in id order. A fixed number of queries per page."""
    qs = Person.objects.visible_to(request.user).for_list()
    if filters.q:
        qs = qs.search(filters.q)
    if filters.after is not None:
        qs = qs.filter(pk__gt=filters.after)
    rows = list(qs.order_by("pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [_person_out(p) for p in rows], "next_after": rows[-1].pk if more else None}


@router.get("/{uuid:person_uuid}", response=PersonDetailOut)
def person_detail(request: HttpRequest, person_uuid: uuid_lib.UUID) -> dict[str, Any]:
    person = _visible(Person.objects.for_list(), request.user, uuid=person_uuid)
    user = request.user
    return {
        **_person_out(person),
        "verified_account": person.user_id is not None,
        "can_reveal": user.has_perm("people.reveal_pii", person),
        "can_manage": user.has_perm("people.manage_person", person),
    }


@router.post("/{uuid:person_uuid}/reveal", response=RevealOut)
def reveal(request: HttpRequest, person_uuid: uuid_lib.UUID) -> dict[str, str]:
    """The clear identity and phone numbers. Every call is written to the audit log."""
    person = _visible(Person.objects.all(), request.user, uuid=person_uuid)
    with action_errors():
        return actions.reveal_pii(actor=request.user, person=person)


# Verifications --------------------------------------------------------------------------


class VerificationOut(Schema):
    uuid: uuid_lib.UUID
    kind: str
    status: str
    method: str
    claimant: str
    claimed_name: str
    masked_claimed_id_number: str
    household: uuid_lib.UUID | None
    unit: uuid_lib.UUID | None
    target: str
    person: uuid_lib.UUID | None
    roster_match: uuid_lib.UUID | None = Field(
        None,
        description="for those who decide a pending claim: the roster record with the claimed "
        "name and identity number, if any",
    )
    created_at: dt.datetime
    can_decide: bool


class VerificationIn(Schema):
    kind: str = Field(..., description='"resident" or "owner"')
    household: uuid_lib.UUID | None = None
    unit: uuid_lib.UUID | None = None
    claimed_name: str
    claimed_id_number: str


class ConfirmIn(Schema):
    person: uuid_lib.UUID | None = Field(None, description="the roster record to link (optional)")
    note: str = ""


class RejectIn(Schema):
    reason: str


def _verification_out(v: Verification, user: Any) -> dict[str, Any]:
    from cogov.lib.masking import mask_id_number

    can_decide = v.status == VerificationStatus.PENDING and user.has_perm("people.verify", v)
    match = None
    if can_decide:
        target = v.household or v.unit
        match = roster_match(v.kind, target, v.claimed_name, v.claimed_id_number)
    return {
        "uuid": v.uuid,
        "kind": v.kind,
        "status": v.status,
        "method": v.method,
        "claimant": str(v.user),
        "claimed_name": v.claimed_name,
        "masked_claimed_id_number": mask_id_number(v.claimed_id_number),
        "household": v.household.uuid if v.household else None,
        "unit": v.unit.uuid if v.unit else None,
        "target": str(v.household or v.unit),
        "person": v.person.uuid if v.person else None,
        "roster_match": match.uuid if match is not None else None,
        "created_at": v.created_at,
        "can_decide": can_decide,
    }


def _verifications() -> Any:
    return Verification.objects.select_related(
        "user", "household__building__grid", "unit__building__grid", "person"
    )


@router.get("/verifications", response=list[VerificationOut])
def list_verifications(
    request: HttpRequest, status: str = "", after: int | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Claims the caller made, and the claims of the areas where the caller verifies residents.
    Keyset by id, newest first (`after`: the last id of the previous page)."""
    qs = _verifications().visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    if after is not None:
        qs = qs.filter(pk__lt=after)
    limit = max(1, min(limit, MAX_LIMIT))
    return [_verification_out(v, request.user) for v in qs.order_by("-pk")[:limit]]


@router.post("/verifications", response={201: VerificationOut})
def create_verification(request: HttpRequest, payload: VerificationIn) -> Status:
    """Claim to be a resident of a household or the owner of a property unit."""
    household = unit = None
    if payload.household is not None:
        household = (
            Household.objects.select_related("building__grid")
            .filter(uuid=payload.household)
            .first()
        )
        if household is None:
            raise HttpError(400, "household: no such household")
    if payload.unit is not None:
        unit = (
            PropertyUnit.objects.select_related("building__grid").filter(uuid=payload.unit).first()
        )
        if unit is None:
            raise HttpError(400, "unit: no such property unit")
    with action_errors():
        verification = actions.request_verification(
            actor=request.user,
            kind=payload.kind,
            household=household,
            unit=unit,
            claimed_name=payload.claimed_name,
            claimed_id_number=payload.claimed_id_number,
        )
    return Status(201, _verification_out(verification, request.user))


@router.get("/verifications/{uuid:verification_uuid}", response=VerificationOut)
def verification_detail(request: HttpRequest, verification_uuid: uuid_lib.UUID) -> dict[str, Any]:
    v = _visible(_verifications(), request.user, uuid=verification_uuid)
    return _verification_out(v, request.user)


@router.post("/verifications/{uuid:verification_uuid}/confirm", response=VerificationOut)
def confirm(
    request: HttpRequest, verification_uuid: uuid_lib.UUID, payload: ConfirmIn
) -> dict[str, Any]:
    v = _visible(_verifications(), request.user, uuid=verification_uuid)
    person = None
    if payload.person is not None:
        person = Person.objects.visible_to(request.user).filter(uuid=payload.person).first()
        if person is None:
            raise HttpError(400, "person: no such resident")
    with action_errors():
        actions.confirm_verification(
            actor=request.user, verification=v, person=person, note=payload.note
        )
    return _verification_out(v, request.user)


@router.post("/verifications/{uuid:verification_uuid}/reject", response=VerificationOut)
def reject(
    request: HttpRequest, verification_uuid: uuid_lib.UUID, payload: RejectIn
) -> dict[str, Any]:
    v = _visible(_verifications(), request.user, uuid=verification_uuid)
    with action_errors():
        actions.reject_verification(actor=request.user, verification=v, reason=payload.reason)
    return _verification_out(v, request.user)


@router.post("/verifications/{uuid:verification_uuid}/withdraw", response=VerificationOut)
def withdraw(request: HttpRequest, verification_uuid: uuid_lib.UUID) -> dict[str, Any]:
    """The claimant withdraws a pending claim."""
    v = _visible(_verifications(), request.user, uuid=verification_uuid)
    with action_errors():
        actions.withdraw_verification(actor=request.user, verification=v)
    return _verification_out(v, request.user)
