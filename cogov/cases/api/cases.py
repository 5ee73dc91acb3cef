"""Categories and cases: create, list (keyset), detail with timeline, one endpoint per action."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from cogov.web.actions import run_action

from .. import actions
from ..models import Case, Category
from .common import _case, _case_out, _category, _detail, _org, _respond, router
from .schemas import (
    AnswerIn,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CasePage,
    CategoryOut,
    CheckIn,
    DecideIn,
    DispatchIn,
    HangIn,
    MergeIn,
    NoteIn,
    PostponeIn,
    ReasonIn,
    ReplyIn,
    RevisitIn,
    VerifyIn,
)


@router.get("/categories", response=list[CategoryOut])
def list_categories(request: HttpRequest) -> Any:
    return [
        {
            "uuid": c.uuid,
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent else None,
            "urgency": c.urgency,
            "default_org_kind": c.default_org_kind,
        }
        for c in Category.objects.filter(active=True).select_related("parent")
    ]


@router.post("/cases", response={201: CaseDetailOut})
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    from cogov.territory.models import Building

    building = None
    if payload.building:
        building = Building.objects.filter(uuid=payload.building).first()
        if building is None:
            raise HttpError(400, "building: no such building")
    data = payload.dict(exclude={"category", "building"})
    result = run_action(
        actions.report_case,
        actor=request.user,
        category=_category(payload.category),
        building=building,
        **data,
    )
    return result if isinstance(result, HttpResponse) else Status(201, _detail(result))


@router.get("/cases", response=CasePage)
def list_cases(
    request: HttpRequest,
    status: str | None = None,
    category: str | None = None,
    node: uuid_lib.UUID | None = None,
    open: bool = False,
    queue: bool = False,
    cursor: int | None = None,
    limit: int = Query(50, ge=1, le=200),  # type: ignore[type-arg]
) -> Any:
    """Newest first, keyset-paginated: pass `next_cursor` back as `cursor`."""
    qs = Case.objects.visible_to(request.user).for_list()
    if queue:
        qs = qs.queue_for(request.user)
    if open:
        qs = qs.open()
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code__startswith=category)
    if node:
        from cogov.territory.models import Node

        region = Node.objects.visible_to(request.user).filter(uuid=node).first()
        if region is None:
            raise HttpError(404, "no such node")
        qs = qs.in_region(region)
    if cursor:
        qs = qs.filter(pk__lt=cursor)
    rows = list(qs.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_case_out(c) for c in rows], "next_cursor": rows[-1].pk if more else None}


@router.get("/cases/{uuid}", response=CaseDetailOut)
def case_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _detail(_case(request, uuid))


@router.get("/cases/{uuid}/duplicates", response=list[CaseOut])
def case_duplicates(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    case = _case(request, uuid)
    found = actions.find_likely_duplicates(case)
    ids = set(
        Case.objects.visible_to(request.user)
        .filter(pk__in=[c.pk for c in found])
        .values_list("pk", flat=True)
    )
    return [_case_out(c) for c in found if c.pk in ids]


def _simple(path: str, func: Callable[..., Any], schema: type[Schema]) -> None:
    """POST /cases/{uuid}/<path>: run one action with the body's fields."""

    def endpoint(request: HttpRequest, uuid: uuid_lib.UUID, payload: Any) -> Any:
        return _respond(
            run_action(func, actor=request.user, case=_case(request, uuid), **payload.dict())
        )

    # The body schema is set here, not as a forward reference ninja could not resolve.
    endpoint.__annotations__["payload"] = schema
    endpoint.__name__ = f"case_{path.replace('-', '_')}"
    router.post(f"/cases/{{uuid}}/{path}", response=CaseDetailOut, url_name=f"case-{path}")(
        endpoint
    )


_simple("file", actions.file_case, NoteIn)
_simple("sign", actions.sign_case, NoteIn)
_simple("return", actions.return_case, ReasonIn)
_simple("void", actions.void_case, ReasonIn)
_simple("contact", actions.contact_requester, NoteIn)
_simple("request-postponement", actions.request_postponement, PostponeIn)
_simple("decide-postponement", actions.decide_postponement, DecideIn)
_simple("hang", actions.hang_case, HangIn)
_simple("resume", actions.resume_case, NoteIn)
_simple("reply", actions.reply_case, ReplyIn)
_simple("check", actions.check_case, CheckIn)
_simple("revisit", actions.revisit_case, RevisitIn)
_simple("close", actions.close_case, NoteIn)
_simple("reopen", actions.reopen_case, ReasonIn)
_simple("answer", actions.answer_consultation, AnswerIn)
_simple("escalate", actions.escalate_to_street, ReasonIn)


@router.post("/cases/{uuid}/verify", response=CaseDetailOut)
def case_verify(request: HttpRequest, uuid: uuid_lib.UUID, payload: VerifyIn) -> Any:
    case = _case(request, uuid)
    category = _category(payload.category) if payload.category else None
    return _respond(
        run_action(
            actions.verify_case,
            actor=request.user,
            case=case,
            note=payload.note,
            category=category,
            urgency=payload.urgency,
        )
    )


@router.post("/cases/{uuid}/dispatch", response=CaseDetailOut)
def case_dispatch(request: HttpRequest, uuid: uuid_lib.UUID, payload: DispatchIn) -> Any:
    case = _case(request, uuid)
    lead = _org(payload.lead, "lead") if payload.lead else None
    co = [_org(u, "co_handlers") for u in payload.co_handlers]
    return _respond(
        run_action(
            actions.dispatch_case,
            actor=request.user,
            case=case,
            lead=lead,
            co_handlers=co,
            note=payload.note,
        )
    )


@router.post("/cases/{uuid}/merge", response=CaseDetailOut)
def case_merge(request: HttpRequest, uuid: uuid_lib.UUID, payload: MergeIn) -> Any:
    case = _case(request, uuid)
    into = _case(request, payload.into)
    return _respond(
        run_action(
            actions.merge_duplicate, actor=request.user, case=case, into=into, note=payload.note
        )
    )


@router.post("/cases/{uuid}/handle-on-spot", response=CaseDetailOut)
def case_handle_on_spot(
    request: HttpRequest,
    uuid: uuid_lib.UUID,
    note: Form[str],  # type: ignore[type-arg]
    photos: File[list[UploadedFile]],
) -> Any:  # type: ignore[type-arg]
    case = _case(request, uuid)
    return _respond(
        run_action(
            actions.handle_on_the_spot, actor=request.user, case=case, note=note, photos=photos
        )
    )


@router.post("/cases/{uuid}/attachments", response=CaseDetailOut)
def case_attach(
    request: HttpRequest,
    uuid: uuid_lib.UUID,
    stage: Form[str],  # type: ignore[type-arg]
    files: File[list[UploadedFile]],
) -> Any:  # type: ignore[type-arg]
    case = _case(request, uuid)
    result = run_action(
        actions.attach_files, actor=request.user, case=case, stage=stage, files=files
    )
    return result if isinstance(result, HttpResponse) else _detail(case)
