"""The five-society linkage: who took part in which project, charitable funds and their
ledger, social organization profiles, social-worker certifications, and what a unit pledged
and delivered."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Schema
from ninja.errors import HttpError

from cogov.core.metrics import Period
from cogov.web.access import get_visible_or_404

from .. import actions, selectors
from ..metrics import unit_contribution
from ..models import CharityFund, LedgerEntry, Project
from .common import _failed, _node, _org, _ref, _run, router
from .resources import resource_out


@router.get("/linkage")
def linkage(request: HttpRequest) -> Any:
    """Who of the five took part in which project."""
    rows = selectors.linkage_overview(Project.objects.visible_to(request.user).for_list()[:200])
    return [
        {
            "project": str(row["project"].uuid),
            "title": row["project"].title,
            "community": row["project"].community.name,
            "roles": {
                role: [str(p.organization or p.certification or p.fund) for p in parts]
                for role, parts in row["roles"].items()
            },
        }
        for row in rows
    ]


# --- five-society linkage: funds, profiles, certifications ---------------------------------


def fund_out(f: CharityFund) -> dict[str, Any]:
    b = selectors.fund_balance(f)
    return {
        "uuid": str(f.uuid),
        "name": f.name,
        "kind": f.kind,
        "community": _ref(f.community),
        "balance": {
            "money": str(b.money),
            "goods": str(b.goods),
            "money_in": str(b.money_in),
            "money_out": str(b.money_out),
            "goods_in": str(b.goods_in),
            "goods_out": str(b.goods_out),
        },
    }


class FundIn(Schema):
    community: uuid_lib.UUID
    name: str
    kind: str
    organization: uuid_lib.UUID | None = None


@router.get("/funds")
def list_funds(request: HttpRequest) -> Any:
    return [
        fund_out(f)
        for f in CharityFund.objects.visible_to(request.user).select_related("community")[:200]
    ]


@router.post("/funds")
def create_fund(request: HttpRequest, payload: FundIn) -> Any:
    result = _run(
        actions.open_fund,
        actor=request.user,
        community=_node(payload.community, request.user),
        name=payload.name,
        kind=payload.kind,
        organization=_org(payload.organization, request.user),
    )
    return result if _failed(result) else JsonResponse(fund_out(result), status=201)


def _fund(request: HttpRequest, uuid: uuid_lib.UUID) -> CharityFund:
    return get_visible_or_404(
        CharityFund.objects.select_related("community"), request.user, uuid=uuid
    )


@router.get("/funds/{uuid}")
def get_fund(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    fund = _fund(request, uuid)
    entries = LedgerEntry.objects.filter(fund=fund).select_related("project")
    return {
        **fund_out(fund),
        "ledger": [
            {
                "uuid": str(e.uuid),
                "direction": e.direction,
                "in_kind": e.in_kind,
                "amount": str(e.amount),
                "item": e.item,
                "quantity": e.quantity,
                "donor": e.donor_name,
                "project": str(e.project.uuid) if e.project else None,
                "note": e.note,
                "at": e.at,
            }
            for e in entries
        ],
    }


class LedgerIn(Schema):
    direction: str
    amount: Decimal
    in_kind: bool = False
    item: str = ""
    quantity: int | None = None
    donor_name: str = ""
    donor_organization: uuid_lib.UUID | None = None
    project: uuid_lib.UUID | None = None
    note: str = ""


@router.post("/funds/{uuid}/entries")
def add_entry(request: HttpRequest, uuid: uuid_lib.UUID, payload: LedgerIn) -> Any:
    fund = _fund(request, uuid)
    if payload.direction == "in":
        result = _run(
            actions.record_donation,
            actor=request.user,
            fund=fund,
            amount=payload.amount,
            in_kind=payload.in_kind,
            item=payload.item,
            quantity=payload.quantity,
            donor_name=payload.donor_name,
            donor_organization=_org(payload.donor_organization, request.user),
            note=payload.note,
        )
    elif payload.direction == "out":
        project = (
            get_visible_or_404(Project.objects.all(), request.user, uuid=payload.project)
            if payload.project
            else None
        )
        result = _run(
            actions.record_spending,
            actor=request.user,
            fund=fund,
            amount=payload.amount,
            in_kind=payload.in_kind,
            item=payload.item,
            quantity=payload.quantity,
            project=project,
            note=payload.note,
        )
    else:
        raise HttpError(400, "direction: in or out")
    return result if _failed(result) else JsonResponse(fund_out(fund), status=201)


class ProfileIn(Schema):
    stage: str
    standing: str
    registry_no: str = ""
    service_fields: list[str] = []
    since: dt.date | None = None


@router.put("/social-organizations/{uuid}")
def put_profile(request: HttpRequest, uuid: uuid_lib.UUID, payload: ProfileIn) -> Any:
    from cogov.organizations.models import Organization

    org = get_visible_or_404(Organization.objects.select_related("node"), request.user, uuid=uuid)
    result = _run(
        actions.set_social_org_profile, actor=request.user, organization=org, **payload.dict()
    )
    if _failed(result):
        return result
    return {
        "organization": str(org.uuid),
        "stage": result.stage,
        "standing": result.standing,
        "registry_no": result.registry_no,
        "service_fields": result.service_fields,
    }


class CertificationIn(Schema):
    person: uuid_lib.UUID
    level: str
    certificate_no: str
    issued_on: dt.date
    valid_until: dt.date | None = None
    organization: uuid_lib.UUID | None = None


@router.post("/certifications")
def create_certification(request: HttpRequest, payload: CertificationIn) -> Any:
    from cogov.people.models import Person

    person = get_visible_or_404(
        Person.objects.select_related("grid"), request.user, uuid=payload.person
    )
    result = _run(
        actions.record_certification,
        actor=request.user,
        person=person,
        level=payload.level,
        certificate_no=payload.certificate_no,
        issued_on=payload.issued_on,
        valid_until=payload.valid_until,
        organization=_org(payload.organization, request.user),
    )
    if _failed(result):
        return result
    return JsonResponse(
        {"uuid": str(result.uuid), "level": result.level, "person": str(person.uuid)}, status=201
    )


# --- units ---------------------------------------------------------------------------------


@router.get("/units/{uuid}")
def unit(request: HttpRequest, uuid: uuid_lib.UUID, period: str = "") -> Any:
    """What a unit pledged and delivered, and its contribution in a period (YYYY or YYYY-MM)."""
    from cogov.organizations.models import Organization

    org = get_visible_or_404(Organization.objects.select_related("node"), request.user, uuid=uuid)
    try:
        span = Period.parse(period) if period else Period.year(timezone.localdate().year)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    page = selectors.unit_page(org)
    c = unit_contribution(org, span)
    return {
        "organization": _ref(org),
        "period": str(span),
        "pledged": {
            "resources": [resource_out(r) for r in page.resources],
            "capacity": page.offered_capacity,
            "needs_claimed": [str(n.uuid) for n in page.needs_claimed],
        },
        "delivered": {
            "projects": page.delivered,
            "capacity_used": page.used_capacity,
            "average_rating": str(page.average_rating) if page.average_rating is not None else None,
            "wishes_fulfilled": page.wishes_fulfilled,
        },
        "contribution": {
            k: (str(v) if isinstance(v, Decimal) else v) for k, v in c.__dict__.items()
        },
    }
