"""REST endpoints under /api/disclosure/: the catalogue of a node, obligations, notices (created
and moved only through the actions), objections, events (triggers) and compliance.

Every lookup goes through visible_to(user): an invisible object answers 404 like a missing one;
an action refused answers 403, bad input 400 with {"detail", "field", "code"}.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from cogov.core.errors import ActionError
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from . import actions, selectors
from .models import Notice, Objection, Obligation

router = Router(tags=["disclosure"])


def _node(request: HttpRequest, uuid: uuid_lib.UUID) -> Node:
    return get_visible_or_404(Node.objects.all(), request.user, uuid=uuid)


def _obligation_out(o: Obligation) -> dict[str, Any]:
    return {
        "uuid": o.uuid,
        "community": o.community.code,
        "item_code": o.item_code,
        "item": o.item_label,
        "category": o.category,
        "cadence": o.cadence,
        "period": o.period_key,
        "period_start": o.period_start,
        "period_end": o.period_end,
        "due_on": o.due_on,
        "published_on": o.fulfilled_on,
        "state": getattr(o, "state", None) or o.state_on(),
        "trigger": o.trigger,
        "trigger_ref": o.trigger_ref,
    }


def _notice_out(n: Notice) -> dict[str, Any]:
    return {
        "uuid": n.uuid,
        "community": n.community.code,
        "obligation": n.obligation.uuid if n.obligation_id and n.obligation else None,
        "category": n.category,
        "title": n.title,
        "body": n.body,
        "table": n.table,
        "status": n.status,
        "mask_personal_data": n.mask_personal_data,
        "min_posting_days": n.min_posting_days,
        "objection_days": n.objection_days,
        "secrecy_check": n.secrecy_check,
        "personal_data": n.pii_findings,
        "posting_starts_at": n.posting_starts_at,
        "posting_ends_at": n.posting_ends_at,
        "objections_until": n.objections_until,
        "published_at": n.published_at,
        "withdrawn_reason": n.withdrawn_reason,
    }


def _objection_out(o: Objection) -> dict[str, Any]:
    return {
        "uuid": o.uuid,
        "notice": o.notice.uuid,
        "body": o.body,
        "created_at": o.created_at,
        "answer": o.answer,
        "answered_at": o.answered_at,
    }


# catalogue ----------------------------------------------------------------------------------


@router.get("/catalogue/{uuid}")
def catalogue(request: HttpRequest, uuid: uuid_lib.UUID, on: dt.date | None = None) -> Any:
    """The catalogue in force at a node (walking up the tree) and where it comes from."""
    node = _node(request, uuid)
    if not request.user.has_perm("disclosure.view_notices", node):
        raise HttpError(404, "Not Found")
    value, origin = selectors.catalogue_of(node, on)
    return {"node": node.code, "source": origin, **value.model_dump(mode="json")}


# obligations --------------------------------------------------------------------------------


@router.get("/obligations")
def list_obligations(
    request: HttpRequest,
    node: uuid_lib.UUID | None = None,
    period: str = "",
    category: str = "",
    state: str = "",
    limit: int = 500,
) -> Any:
    qs: Any = Obligation.objects.visible_to(request.user).with_state().select_related("community")
    if node:
        qs = qs.within(_node(request, node))
    try:
        bounds = selectors.parse_period(period)
    except ActionError as exc:
        return JsonResponse(
            {"detail": exc.message, "field": exc.field, "code": exc.code}, status=400
        )
    if bounds:
        qs = qs.due_between(*bounds)
    if category:
        qs = qs.filter(category=category)
    if state:
        qs = qs.filter(state=state)
    return [_obligation_out(o) for o in qs.order_by("due_on", "pk")[: max(1, min(limit, 2000))]]


@router.get("/obligations/{uuid}")
def get_obligation(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    o = get_visible_or_404(Obligation.objects.select_related("community"), request.user, uuid=uuid)
    return _obligation_out(o)


class TriggerIn(Schema):
    community: uuid_lib.UUID
    trigger: str
    ref: str
    on: dt.date | None = None
    note: str = ""


@router.post("/events")
def record_event(request: HttpRequest, payload: TriggerIn) -> Any:
    """Record an event the catalogue attaches obligations to (per_event / on_change items)."""
    community = _node(request, payload.community)
    return run_action(
        actions.trigger,
        lambda made: [_obligation_out(o) for o in made],
        actor=request.user,
        community=community,
        trigger=payload.trigger,
        ref=payload.ref,
        on=payload.on,
        note=payload.note,
    )


# compliance ---------------------------------------------------------------------------------


@router.get("/compliance/{uuid}")
def compliance(
    request: HttpRequest, uuid: uuid_lib.UUID, period: str = "", category: str = ""
) -> Any:
    node = _node(request, uuid)
    if not request.user.has_perm("disclosure.view_compliance", node):
        raise HttpError(404, "Not Found")
    try:
        result = selectors.compliance(request.user, node, period=period, category=category)
    except ActionError as exc:
        return JsonResponse(
            {"detail": exc.message, "field": exc.field, "code": exc.code}, status=400
        )
    per = [
        {
            "community": r["community__code"],
            "name": r["community__name"],
            **{k: r[k] for k in ("total", "on_time", "late", "overdue", "not_due")},
        }
        for r in result.per_community
    ]
    return {
        "node": node.code,
        "totals": {k: result.totals[k] for k in ("total", "on_time", "late", "overdue", "not_due")},
        "per_community": per,
        "obligations": [_obligation_out(o) for o in result.obligations],
    }


# notices ------------------------------------------------------------------------------------


@router.get("/notices")
def list_notices(
    request: HttpRequest, community: uuid_lib.UUID | None = None, status: str = ""
) -> Any:
    qs = Notice.objects.visible_to(request.user).select_related("community", "obligation")
    if community:
        qs = qs.filter(community__uuid=community)
    if status:
        qs = qs.filter(status=status)
    return [_notice_out(n) for n in qs.order_by("-created_at", "-pk")[:200]]


def _notice(request: HttpRequest, uuid: uuid_lib.UUID) -> Notice:
    return get_visible_or_404(
        Notice.objects.select_related("community", "obligation"), request.user, uuid=uuid
    )


@router.get("/notices/{uuid}")
def get_notice(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _notice_out(_notice(request, uuid))


class NoticeIn(Schema):
    community: uuid_lib.UUID | None = None
    obligation: uuid_lib.UUID | None = None
    category: str = ""
    title: str
    body: str


@router.post("/notices")
def create_notice(request: HttpRequest, payload: NoticeIn) -> Any:
    obligation = None
    if payload.obligation:
        obligation = get_visible_or_404(
            Obligation.objects.select_related("community"), request.user, uuid=payload.obligation
        )
        community = obligation.community
    elif payload.community:
        community = _node(request, payload.community)
        if community.level != Level.COMMUNITY:
            return JsonResponse(
                {"detail": "not a community", "field": "community", "code": "invalid"}, status=400
            )
    else:
        return JsonResponse(
            {
                "detail": "give a community or an obligation",
                "field": "community",
                "code": "invalid",
            },
            status=400,
        )
    return run_action(
        actions.create_notice,
        _notice_out,
        actor=request.user,
        community=community,
        obligation=obligation,
        category=payload.category,
        title=payload.title,
        body=payload.body,
    )


class EditIn(Schema):
    title: str
    body: str


@router.patch("/notices/{uuid}")
def edit_notice(request: HttpRequest, uuid: uuid_lib.UUID, payload: EditIn) -> Any:
    return run_action(
        actions.edit_notice,
        _notice_out,
        actor=request.user,
        notice=_notice(request, uuid),
        title=payload.title,
        body=payload.body,
    )


class TableIn(Schema):
    title: str = ""
    columns: list[str]
    rows: list[list[str | int | float | None]]


@router.put("/notices/{uuid}/table")
def attach_table(request: HttpRequest, uuid: uuid_lib.UUID, payload: TableIn) -> Any:
    return run_action(
        actions.attach_table,
        _notice_out,
        actor=request.user,
        notice=_notice(request, uuid),
        columns=payload.columns,
        rows=[list(r) for r in payload.rows],
        title=payload.title,
    )


# objections ---------------------------------------------------------------------------------


def _published(uuid: uuid_lib.UUID) -> Notice:
    """Any published notice: objections are made from the public board."""
    return get_object_or_404(
        Notice.objects.filter(status__in=("published", "archived")).select_related("community"),
        uuid=uuid,
    )


@router.get("/notices/{uuid}/objections")
def list_objections(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    notice = _notice(request, uuid)
    return [_objection_out(o) for o in notice.objections.order_by("created_at", "pk")]


class ObjectionIn(Schema):
    body: str


@router.post("/notices/{uuid}/objections")
def object_to(request: HttpRequest, uuid: uuid_lib.UUID, payload: ObjectionIn) -> Any:
    return run_action(
        actions.object_to,
        _objection_out,
        actor=request.user,
        notice=_published(uuid),
        body=payload.body,
    )


@router.get("/notices/{uuid}/events")
def notice_events(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    notice = _notice(request, uuid)
    return [
        {
            "at": e.at,
            "actor": str(e.actor) if e.actor_id else None,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
        }
        for e in notice.events.select_related("actor").order_by("at", "pk")
    ]


class AnswerIn(Schema):
    answer: str


@router.post("/objections/{uuid}/answer")
def answer(request: HttpRequest, uuid: uuid_lib.UUID, payload: AnswerIn) -> Any:
    objection = get_object_or_404(
        Objection.objects.select_related("notice__community").filter(
            notice__in=Notice.objects.visible_to(request.user)
        ),
        uuid=uuid,
    )
    return run_action(
        actions.answer_objection,
        _objection_out,
        actor=request.user,
        objection=objection,
        answer=payload.answer,
    )


# transitions (after the fixed paths above: "{action}" would match them) ------------------


class TransitionIn(Schema):
    note: str = ""
    reason: str = ""
    checklist: dict[str, bool] = {}
    justification: str = ""
    posting_ends_on: dt.date | None = None


@router.post("/notices/{uuid}/{action}")
def notice_transition(
    request: HttpRequest, uuid: uuid_lib.UUID, action: str, payload: TransitionIn
) -> Any:
    """submit, review (checklist, justification), approve, escalate (note), return (note),
    publish (posting_ends_on), archive, withdraw (reason), fill-from-ledger (a draft's text and
    table from the funds ledger, for items with source funds.statement)."""
    notice = _notice(request, uuid)
    user = request.user
    calls: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
        "submit": (actions.submit, {}),
        "review": (
            actions.review,
            {
                "checklist": payload.checklist,
                "justification": payload.justification,
                "note": payload.note,
            },
        ),
        "approve": (actions.approve, {"note": payload.note}),
        "escalate": (actions.escalate, {"note": payload.note}),
        "return": (actions.return_to_draft, {"note": payload.note}),
        "publish": (actions.publish, {"posting_ends_on": payload.posting_ends_on}),
        "archive": (actions.archive, {"note": payload.note}),
        "withdraw": (actions.withdraw, {"reason": payload.reason}),
        "fill-from-ledger": (actions.fill_from_ledger, {}),
    }
    if action not in calls:
        raise HttpError(404, "Not Found")
    func, kwargs = calls[action]
    return run_action(func, _notice_out, actor=user, notice=notice, **kwargs)
