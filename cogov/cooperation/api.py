"""REST endpoints under /api/cooperation/: needs, resources, projects (with their vote),
micro-wishes, case trends, matching suggestions (scores explained), charitable funds and
their ledger, social organization profiles, certifications, five-society overview, units.

Every lookup goes through visible_to(user): an invisible object answers 404. Action refusals
answer 403 (not allowed), 409 (someone else got there first: code "taken") or 400.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.metrics import Period
from cogov.web.access import get_visible_or_404

from . import actions, matching, selectors
from .metrics import unit_contribution
from .models import (
    CharityFund,
    LedgerEntry,
    Need,
    Project,
    Resource,
    SocialWorkerCertification,
    Wish,
)

router = Router(tags=["cooperation"])


def _run(func: Callable[..., Any], **kwargs: Any) -> Any:
    """Call an action; refusals become 403 / 409 / 400 answers."""
    try:
        return func(**kwargs)
    except NotAllowed as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=403)
    except ActionError as exc:
        status = 409 if exc.code == "taken" else 400
        return JsonResponse(
            {"detail": exc.message, "field": exc.field, "code": exc.code}, status=status
        )


def _failed(result: Any) -> bool:
    return isinstance(result, JsonResponse)


def _node(uuid: uuid_lib.UUID | None, user: Any, field: str = "community") -> Any:
    from cogov.territory.models import Node

    if uuid is None:
        return None
    node = Node.objects.filter(uuid=uuid).first()
    if node is None:
        raise HttpError(400, f"{field}: no such area")
    return node


def _org(uuid: uuid_lib.UUID | None, user: Any, field: str = "organization") -> Any:
    from cogov.organizations.models import Organization

    if uuid is None:
        return None
    org = Organization.objects.filter(uuid=uuid).first()
    if org is None:
        raise HttpError(400, f"{field}: no such organization")
    return org


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"uuid": str(obj.uuid), "name": str(obj)}


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


class NoteIn(Schema):
    note: str = ""
    organization: uuid_lib.UUID | None = None


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
}


@router.post("/needs/{uuid}/{step}")
def need_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str, payload: NoteIn) -> Any:
    need = _need(request, uuid)
    if step == "claim":
        result = _run(
            actions.claim_need,
            actor=request.user,
            need=need,
            organization=_org(payload.organization, request.user),
            note=payload.note,
        )
    elif step in NEED_ACTIONS:
        result = _run(NEED_ACTIONS[step], actor=request.user, need=need, note=payload.note)
    else:
        raise HttpError(404, "no such step")
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


# --- resources -----------------------------------------------------------------------------


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
    if step not in RESOURCE_ACTIONS:
        raise HttpError(404, "no such step")
    result = _run(RESOURCE_ACTIONS[step], actor=request.user, resource=resource, note=payload.note)
    return result if _failed(result) else resource_out(_resource(request, uuid))


# --- projects ------------------------------------------------------------------------------


def project_out(p: Project) -> dict[str, Any]:
    from . import voting_bridge

    return {
        "uuid": str(p.uuid),
        "title": p.title,
        "description": p.description,
        "status": p.status,
        "community": _ref(p.community),
        "body": p.body,
        "lead_organization": _ref(p.lead_organization),
        "vote": voting_bridge.summary(p) if p.vote_uuid else None,
        "outputs": p.outputs,
        "evidence": p.evidence,
        "rating": str(p.rating) if p.rating is not None else None,
        "needs": [str(link.need.uuid) for link in p.need_links.select_related("need")],
        "resources": [
            {"uuid": str(link.resource.uuid), "quantity": link.quantity}
            for link in p.resource_links.select_related("resource")
        ],
        "created_at": p.created_at,
        "approved_at": p.approved_at,
        "claimed_at": p.claimed_at,
        "delivered_at": p.delivered_at,
        "evaluated_at": p.evaluated_at,
    }


class ResourceUse(Schema):
    resource: uuid_lib.UUID
    quantity: int


class ProjectIn(Schema):
    title: str
    needs: list[uuid_lib.UUID]
    resources: list[ResourceUse]
    description: str = ""


@router.get("/projects")
def list_projects(request: HttpRequest, status: str = "") -> Any:
    qs = Project.objects.visible_to(request.user).for_list()
    if status:
        qs = qs.filter(status=status)
    return [
        {
            "uuid": str(p.uuid),
            "title": p.title,
            "status": p.status,
            "community": _ref(p.community),
            "lead_organization": _ref(p.lead_organization),
            "rating": str(p.rating) if p.rating is not None else None,
        }
        for p in qs[:500]
    ]


@router.post("/projects")
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    needs = [get_visible_or_404(Need.objects.all(), request.user, uuid=u) for u in payload.needs]
    uses = [
        (get_visible_or_404(Resource.objects.all(), request.user, uuid=u.resource), u.quantity)
        for u in payload.resources
    ]
    result = _run(
        actions.propose_project,
        actor=request.user,
        title=payload.title,
        needs=needs,
        resources=uses,
        description=payload.description,
    )
    return result if _failed(result) else JsonResponse(project_out(result), status=201)


def _project(request: HttpRequest, uuid: uuid_lib.UUID) -> Project:
    return get_visible_or_404(Project.objects.for_list(), request.user, uuid=uuid)


@router.get("/projects/{uuid}")
def get_project(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return project_out(_project(request, uuid))


class ParticipantIn(Schema):
    role: str
    organization: uuid_lib.UUID | None = None
    certification: uuid_lib.UUID | None = None
    fund: uuid_lib.UUID | None = None
    hours: Decimal = Decimal(0)
    note: str = ""


@router.post("/projects/{uuid}/participants")
def add_participant(request: HttpRequest, uuid: uuid_lib.UUID, payload: ParticipantIn) -> Any:
    project = _project(request, uuid)
    cert = (
        SocialWorkerCertification.objects.filter(uuid=payload.certification).first()
        if payload.certification
        else None
    )
    fund = (
        get_visible_or_404(CharityFund.objects.all(), request.user, uuid=payload.fund)
        if payload.fund
        else None
    )
    result = _run(
        actions.add_participant,
        actor=request.user,
        project=project,
        role=payload.role,
        organization=_org(payload.organization, request.user),
        certification=cert,
        fund=fund,
        hours=payload.hours,
        note=payload.note,
    )
    return (
        result
        if _failed(result)
        else JsonResponse({"uuid": str(result.uuid), "role": result.role}, status=201)
    )


class StepIn(Schema):
    note: str = ""
    organization: uuid_lib.UUID | None = None
    body: str = "joint_committee"
    closes_at: dt.datetime | None = None
    choice: str = ""
    outputs: str = ""
    evidence: list[str] = []
    score: int | None = None
    comment: str = ""


@router.post("/projects/{uuid}/{step}")
def project_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str, payload: StepIn) -> Any:
    project = _project(request, uuid)
    user = request.user
    calls: dict[str, Callable[[], Any]] = {
        "vote": lambda: _run(
            actions.put_to_vote,
            actor=user,
            project=project,
            body=payload.body,
            organization=_org(payload.organization, user),
            closes_at=payload.closes_at,
        ),
        "ballot": lambda: _run(
            actions.cast_project_vote, actor=user, project=project, choice=payload.choice
        ),
        "decide": lambda: _run(
            actions.record_decision, actor=user, project=project, note=payload.note
        ),
        "claim": lambda: _run(
            actions.claim_project,
            actor=user,
            project=project,
            organization=_org(payload.organization, user),
            note=payload.note,
        ),
        "start": lambda: _run(
            actions.start_project, actor=user, project=project, note=payload.note
        ),
        "deliver": lambda: _run(
            actions.deliver_project,
            actor=user,
            project=project,
            outputs=payload.outputs,
            evidence=payload.evidence,
        ),
        "rate": lambda: _run(
            actions.rate_project,
            actor=user,
            project=project,
            score=payload.score or 0,
            comment=payload.comment,
        ),
        "evaluate": lambda: _run(
            actions.evaluate_project, actor=user, project=project, note=payload.note
        ),
        "archive": lambda: _run(
            actions.archive_project, actor=user, project=project, note=payload.note
        ),
        "cancel": lambda: _run(
            actions.cancel_project, actor=user, project=project, note=payload.note
        ),
    }
    if step not in calls:
        raise HttpError(404, "no such step")
    result = calls[step]()
    return result if _failed(result) else project_out(_project(request, uuid))


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


# --- micro-wishes --------------------------------------------------------------------------


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
    if step not in calls:
        raise HttpError(404, "no such step")
    result = calls[step]()
    return result if _failed(result) else wish_out(_wish(request, uuid), user)


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
