"""The router and the helpers every cases endpoint uses: action refusals as 403/400, visible
lookups as 404, and the JSON shapes of a case."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.errors import HttpError

from cogov.organizations.models import Organization
from cogov.web.access import get_visible_or_404

from ..models import Case, Category

router = Router(tags=["cases"])


def _case(request: HttpRequest, uuid: uuid_lib.UUID) -> Case:
    qs = Case.objects.select_related(
        "category__parent", "grid", "community", "street", "lead_organization", "reporter_person"
    )
    return get_visible_or_404(qs, request.user, uuid=uuid)


def _org(uuid: uuid_lib.UUID | None, field: str) -> Organization:
    org = Organization.objects.filter(uuid=uuid).first() if uuid else None
    if org is None:
        raise HttpError(400, f"{field}: no such organization")
    return org


def _category(code: str, field: str = "category") -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise HttpError(400, f"{field}: no such category")
    return category


def _org_ref(org: Organization | None) -> dict[str, Any] | None:
    return None if org is None else {"uuid": org.uuid, "name": org.name, "kind": org.kind}


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "uuid": case.uuid,
        "number": case.number,
        "status": case.status,
        "channel": case.channel,
        "work_type": case.work_type,
        "urgency": case.urgency,
        "category": case.category.code,
        "category_name": case.category.name,
        "description": case.description,
        "address": case.address,
        "lon": case.lon,
        "lat": case.lat,
        "grid": case.grid.code if case.grid else None,
        "community": case.community.code if case.community else None,
        "lead_organization": _org_ref(case.lead_organization),
        "reported_at": case.reported_at,
        "reply_due_at": case.reply_due_at,
        "overdue": case.overdue,
        "supervised": case.supervised,
    }


def _detail(case: Case) -> Any:
    case = Case.objects.select_related(
        "category", "grid", "community", "lead_organization", "duplicate_of"
    ).get(pk=case.pk)
    events = case.events.select_related("actor", "organization").order_by("at", "pk")
    return {
        **_case_out(case),
        "caller_name": case.caller_name,
        "caller_phone": case.masked_caller_phone,
        "anonymous": case.anonymous,
        "reply": case.reply,
        "co_handlers": [_org_ref(o) for o in case.co_handlers.all()],
        "duplicate_of": case.duplicate_of.number if case.duplicate_of else None,
        "revisit_resolution": case.revisit_resolution,
        "revisit_satisfaction": case.revisit_satisfaction,
        "hung_until": case.hung_until,
        "timeline": [
            {
                "at": e.at,
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": str(e.actor) if e.actor else None,
                "organization": e.organization.name if e.organization else None,
                "note": e.note,
                "evidence": e.evidence,
            }
            for e in events
        ],
        "attachments": [
            {"uuid": a.uuid, "stage": a.stage, "url": a.file.url} for a in case.attachments.all()
        ],
    }


def _respond(result: Any) -> Any:
    return result if isinstance(result, HttpResponse) else _detail(result)
