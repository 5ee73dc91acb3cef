"""The documents of the endpoint as plain values (formats.py renders them): discovery,
services, service definitions, service requests. Reads only."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Prefetch, QuerySet

from cogov.lib.masking import mask_id_number, mask_phone

from .dates import iso
from .jurisdiction import settings

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]

# Cases status → Open311 status. Every status of cogov.cases.workflow.Status is listed (a test
# checks it); docs/open311.md has the same table.
STATUS_MAP: dict[str, str] = {
    "reported": "open",
    "verified": "open",
    "filed": "open",
    "dispatched": "open",
    "returned": "open",
    "signed": "open",
    "handling": "open",
    "postponement_requested": "open",
    "hung": "open",
    "escalated": "open",
    "replied": "open",
    "checked": "open",
    "revisited": "open",
    "closed": "closed",
    "void": "closed",
}


def statuses_for(open311_status: str) -> list[str]:
    return [k for k, v in STATUS_MAP.items() if v == open311_status]


_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def public_text(text: str) -> str:
    """Text published through the endpoint with identity and phone numbers masked (PIPL)."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text or "")
    text = _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group(0)), text)


def discovery(base_url: str) -> dict[str, Any]:
    conf = settings()
    return {
        "changeset": conf.changeset,
        "contact": conf.contact,
        "key_service": conf.key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": conf.changeset,
                "type": conf.endpoint_type,
                "formats": list(FORMATS),
            }
        ],
    }


def service_categories() -> QuerySet[Any]:
    """The categories offered as services: active categories without active children."""
    from cogov.cases.models import Category

    parents = Category.objects.filter(active=True, parent__isnull=False).values("parent_id")
    return (
        Category.objects.filter(active=True)
        .exclude(pk__in=parents)
        .select_related("parent", "open311_service")
        .prefetch_related("open311_attributes")
        .order_by("code")
    )


def _service(category: Any) -> dict[str, Any]:
    info = getattr(category, "open311_service", None)
    description = info.description if info and info.description else ""
    if not description:
        description = f"{category.parent.name} / {category.name}" if category.parent else ""
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": description,
        "metadata": bool(category.open311_attributes.all()),
        "type": info.type if info else "realtime",
        "keywords": info.keywords if info else "",
        "group": category.parent.name if category.parent else "",
    }


def services() -> list[dict[str, Any]]:
    return [_service(c) for c in service_categories()]


def find_service(code: str) -> Any:
    return service_categories().filter(code=code).first()


def service_definition(category: Any) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [
                    {"key": str(v.get("key")), "name": str(v.get("name", ""))}
                    for v in a.values or []
                ],
            }
            for a in sorted(category.open311_attributes.all(), key=lambda a: (a.order, a.code))
        ],
    }


def request_rows(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Cases with what the request document needs, in a fixed number of queries."""
    from cogov.cases.models import AttachmentStage, CaseAttachment

    return (
        qs.select_related("category", "lead_organization", "building", "open311_request")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=CaseAttachment.objects.filter(stage=AttachmentStage.BEFORE),
                to_attr="before_files",
            )
        )
        .annotate(last_event_at=Max("events__at"))
    )


def _open_deadlines(cases: list[Any]) -> dict[str, Any]:
    """The earliest open deadline per case (one query)."""
    from cogov.cases.models import Case
    from cogov.core.models import Deadline

    if not cases:
        return {}
    rows = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_id__in=[str(c.pk) for c in cases],
        met_at__isnull=True,
        breached_at__isnull=True,
        cancelled_at__isnull=True,
    ).values_list("object_id", "due_at")
    earliest: dict[str, Any] = {}
    for object_id, due_at in rows:
        if object_id not in earliest or due_at < earliest[object_id]:
            earliest[object_id] = due_at
    return earliest


def _status_notes(case: Any) -> str:
    from cogov.cases.workflow import Status

    if case.status == Status.VOID and case.duplicate_of_id:
        return "duplicate"
    if case.status == Status.CLOSED and case.reply:
        return public_text(case.reply)
    return str(Status(case.status).label)


def _media_url(case: Any, build_url: Any) -> str | None:
    record = getattr(case, "open311_request", None)
    if record is not None and record.media_url:
        return str(record.media_url)
    files = getattr(case, "before_files", [])
    return build_url(files[0].file.url) if files else None


def service_requests(cases: list[Any], build_url: Any) -> list[dict[str, Any]]:
    """The GET service requests document. Personal data (caller, phone, e-mail, device,
    account) is never part of it; descriptions and notes are published with numbers masked."""
    notice = settings().service_notice
    due = _open_deadlines([c for c in cases if STATUS_MAP[c.status] == "open"])
    out = []
    for case in cases:
        updated = max(t for t in (case.reported_at, getattr(case, "last_event_at", None)) if t)
        out.append(
            {
                "service_request_id": case.number,
                "status": STATUS_MAP[case.status],
                "status_notes": _status_notes(case),
                "service_name": case.category.name,
                "service_code": case.category.code,
                "description": public_text(case.description),
                "agency_responsible": case.lead_organization.name if case.lead_organization else "",
                "service_notice": notice,
                "requested_datetime": iso(case.reported_at),
                "updated_datetime": iso(updated),
                "expected_datetime": iso(due.get(str(case.pk))),
                "address": case.address or (case.building.address if case.building else ""),
                "address_id": case.building.code if case.building else "",
                "zipcode": "",
                "lat": case.lat,
                "long": case.lon,
                "media_url": _media_url(case, build_url),
            }
        )
    return out
