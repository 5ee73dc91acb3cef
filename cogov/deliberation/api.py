"""REST endpoints under /api/deliberation/: topics (list, propose, co-sign, triage, steps),
meetings (with the live quorum, sign-in), resolutions, and the public notice board. Lookups go
through visible_to(user): invisible answers 404 like missing; refusals 403, bad input 400."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from . import actions as a
from .models import Meeting, Participant, Procedure, Resolution, Topic

router = Router(tags=["deliberation"])


def _topic_out(t: Topic) -> dict[str, Any]:
    step = t.current_step.step if t.current_step_id and t.current_step else None
    return {
        "uuid": t.uuid,
        "title": t.title,
        "description": t.description,
        "community": t.node.code,
        "source": t.source,
        "source_ref": t.source_ref,
        "status": t.status,
        "procedure": t.procedure.key if t.procedure_id and t.procedure else None,
        "current_step": step.key if step else None,
        "cosign_count": t.cosign_count,
        "cosign_threshold": t.cosign_threshold,
        "decline_reason": t.decline_reason,
        "created_at": t.created_at,
        "decided_at": t.decided_at,
    }


def _resolution_out(r: Resolution) -> dict[str, Any]:
    return {
        "uuid": r.uuid,
        "topic": r.topic.uuid,
        "community": r.node.code,
        "title": r.title,
        "text": r.text,
        "status": r.status,
        "decided_by": r.decided_by,
        "decided_on": r.decided_on,
        "posted_at": r.posted_at,
        "posted_until": r.posted_until,
        "objections_until": r.objections_until,
        "results": r.results_text,
        "results_published_at": r.results_published_at,
    }


def _topic(request: HttpRequest, uuid: uuid_lib.UUID) -> Topic:
    return get_visible_or_404(Topic.objects.for_list(), request.user, uuid=uuid)


class TopicIn(Schema):
    community: str  # the community's 12-digit code
    title: str
    description: str
    source: str = "residents"
    source_ref: str = ""
    extraordinary_assembly: bool = False


class ReasonIn(Schema):
    reason: str = ""


class AcceptIn(Schema):
    procedure: str  # procedure key
    note: str = ""


class NoteIn(Schema):
    note: str = ""


@router.get("/topics")
def list_topics(request: HttpRequest, status: str = "", limit: int = 100) -> Any:
    qs = Topic.objects.visible_to(request.user).for_list()
    if status:
        qs = qs.filter(status=status)
    return [_topic_out(t) for t in qs[: max(1, min(limit, 500))]]


@router.post("/topics")
def create_topic(request: HttpRequest, payload: TopicIn) -> Any:
    node = Node.objects.filter(code=payload.community, level=Level.COMMUNITY).first()
    if node is None:
        raise HttpError(400, "community: no such community")
    result = run_action(
        a.propose_topic,
        actor=request.user,
        node=node,
        title=payload.title,
        description=payload.description,
        source=payload.source,
        source_ref=payload.source_ref,
        extraordinary_assembly=payload.extraordinary_assembly,
    )
    return (
        result if isinstance(result, JsonResponse) else JsonResponse(_topic_out(result), status=201)
    )


@router.get("/topics/{uuid}")
def get_topic(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    topic = _topic(request, uuid)
    out = _topic_out(topic)
    out["steps"] = [
        {
            "order": ts.order,
            "key": ts.step.key,
            "name": ts.step.name,
            "kind": ts.step.kind,
            "body": ts.step.body,
            "rule": ts.step.rule,
            "status": ts.status,
            "due_at": ts.due_at,
            "completed_at": ts.completed_at,
            "outcome": ts.outcome,
        }
        for ts in topic.steps.select_related("step").order_by("order")
    ]
    out["events"] = [
        {"at": e.at, "from": e.from_status, "to": e.to_status, "note": e.note}
        for e in topic.events.all()
    ]
    return out


def _topic_action(
    func: Callable[..., Any], request: HttpRequest, uuid: uuid_lib.UUID, **kwargs: Any
) -> Any:
    topic = _topic(request, uuid)
    result = run_action(func, actor=request.user, topic=topic, **kwargs)
    if isinstance(result, JsonResponse):
        return result
    return _topic_out(Topic.objects.for_list().get(pk=topic.pk))


@router.post("/topics/{uuid}/cosign")
def cosign(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    return _topic_action(a.cosign_topic, request, uuid)


@router.post("/topics/{uuid}/decline")
def decline(request: HttpRequest, uuid: uuid_lib.UUID, payload: ReasonIn) -> Any:
    return _topic_action(a.decline_topic, request, uuid, reason=payload.reason)


@router.post("/topics/{uuid}/accept")
def accept(request: HttpRequest, uuid: uuid_lib.UUID, payload: AcceptIn) -> Any:
    procedure = Procedure.objects.filter(key=payload.procedure).first()
    return _topic_action(a.accept_topic, request, uuid, procedure=procedure, note=payload.note)


@router.post("/topics/{uuid}/complete-step")
def complete_step(request: HttpRequest, uuid: uuid_lib.UUID, payload: NoteIn) -> Any:
    return _topic_action(a.complete_step, request, uuid, note=payload.note)


def _meeting_out(m: Meeting) -> dict[str, Any]:
    return {
        "uuid": m.uuid,
        "title": m.title,
        "community": m.node.code,
        "topic": m.topic.uuid if m.topic_id and m.topic else None,
        "body": m.body,
        "status": m.status,
        "starts_at": m.starts_at,
        "place": m.place,
        "notice_days": m.notice_days,
        "noticed_at": m.noticed_at,
        "rule": m.rule,
        "quorum": a.quorum(m).as_dict(),
    }


@router.get("/meetings")
def list_meetings(request: HttpRequest, limit: int = 100) -> Any:
    qs = Meeting.objects.visible_to(request.user).select_related("node", "topic")
    return [_meeting_out(m) for m in qs[: max(1, min(limit, 200))]]


@router.get("/meetings/{uuid}")
def get_meeting(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    meeting = get_visible_or_404(
        Meeting.objects.select_related("node", "topic"), request.user, uuid=uuid
    )
    out = _meeting_out(meeting)
    out["participants"] = [
        {
            "id": p.pk,
            "label": p.label,
            "role": p.role,
            "heads": p.heads,
            "signed_in_at": p.signed_in_at,
        }
        for p in meeting.participants.order_by("pk")
    ]
    return out


@router.post("/meetings/{uuid}/participants/{participant_id}/sign-in")
def sign_in(request: HttpRequest, uuid: uuid_lib.UUID, participant_id: int) -> Any:
    meeting = get_visible_or_404(Meeting.objects.select_related("node"), request.user, uuid=uuid)
    participant = get_object_or_404(Participant, meeting=meeting, pk=participant_id)
    result = run_action(a.sign_in, actor=request.user, participant=participant)
    if isinstance(result, JsonResponse):
        return result
    return a.quorum(meeting).as_dict()


@router.get("/resolutions")
def list_resolutions(request: HttpRequest, limit: int = 100) -> Any:
    qs = Resolution.objects.visible_to(request.user).select_related("topic", "node")
    return [_resolution_out(r) for r in qs[: max(1, min(limit, 500))]]


@router.get("/resolutions/{uuid}")
def get_resolution(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    r = get_visible_or_404(
        Resolution.objects.select_related("topic", "node"), request.user, uuid=uuid
    )
    out = _resolution_out(r)
    out["tasks"] = [
        {"uuid": t.uuid, "title": t.title, "due_on": t.due_on, "status": t.status}
        for t in r.tasks.all()
    ]
    return out


@router.get("/notices/{community}", auth=None)
def notice_board(request: HttpRequest, community: uuid_lib.UUID) -> Any:
    """The public notice board of a community (no authentication; never drafts)."""
    node = get_object_or_404(Node, uuid=community, level=Level.COMMUNITY)
    return [
        _resolution_out(r)
        for r in Resolution.objects.on_board(node).select_related("topic", "node")
    ]
