"""Topic board, proposal, topic page through its steps, triage, comments and moderation."""

from __future__ import annotations

import uuid as uuid_lib

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.web.access import get_visible_or_404

from .. import actions as a
from ..models import (
    Appeal,
    Comment,
    CommentStatus,
    Procedure,
    Source,
    Topic,
    TopicStatus,
)
from ..selectors import recurring_case_suggestions
from .common import as_uuid, back, my_communities, run


@login_required
def topic_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    topics = Topic.objects.visible_to(request.user).for_list()
    if status in TopicStatus.values:
        topics = topics.filter(status=status)
    elif status == "open":
        topics = topics.open()
    communities = my_communities(request.user)
    can_propose = any(request.user.has_perm("deliberation.propose_topic", c) for c in communities)
    return render(
        request,
        "deliberation/topic_list.html",
        {
            "topics": topics[:200],
            "status": status,
            "statuses": TopicStatus.choices,
            "can_propose": can_propose,
            "communities": communities,
            "section": "deliberation",
        },
    )


@login_required
def topic_create(request: HttpRequest) -> HttpResponse:
    communities = [
        c
        for c in my_communities(request.user)
        if request.user.has_perm("deliberation.propose_topic", c)
    ]
    if not communities:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        node = next((c for c in communities if str(c.uuid) == data.get("community")), None)
        if node is None:
            node = communities[0] if len(communities) == 1 else None
        if node is not None:
            topic = run(
                request,
                a.propose_topic,
                node=node,
                title=data.get("title", ""),
                description=data.get("description", ""),
                source=data.get("source") or Source.RESIDENTS,
                source_ref=data.get("source_ref", ""),
                extraordinary_assembly=bool(data.get("extraordinary")),
            )
            if topic is not None:
                return redirect("deliberation:topic-detail", uuid=topic.uuid)
    return render(
        request,
        "deliberation/topic_form.html",
        {
            "communities": communities,
            "data": data,
            "sources": Source.choices,
            "section": "deliberation",
        },
    )


def _topic(request: HttpRequest, uuid: uuid_lib.UUID) -> Topic:
    return get_visible_or_404(
        Topic.objects.select_related("node", "procedure", "proposer"), request.user, uuid=uuid
    )


def _comments(topic: Topic, user) -> list[Comment]:  # type: ignore[no-untyped-def]
    moderator = user.has_perm("deliberation.moderate", topic)
    rows = list(topic.comments.select_related("author", "motion").prefetch_related("appeals"))
    by_parent: dict[int | None, list[Comment]] = {}
    for c in rows:
        if c.status == CommentStatus.HIDDEN and not moderator and c.author_id != user.pk:
            c.body = ""  # the place stays in the thread; the text does not
        by_parent.setdefault(c.parent_id, []).append(c)
    for c in rows:
        c.children = by_parent.get(c.pk, [])  # type: ignore[attr-defined]
    return by_parent.get(None, [])


def _labelled(events):  # type: ignore[no-untyped-def]
    labels = dict(TopicStatus.choices)
    rows = list(events)
    for e in rows:
        e.label = labels.get(e.to_status, e.to_status)
    return rows


@login_required
def topic_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    topic = _topic(request, uuid)
    user = request.user
    steps = list(topic.steps.select_related("step").order_by("order"))
    meetings = list(topic.meetings.visible_to(user).select_related("topic_step__step"))
    for ts in steps:
        ts.meeting_list = [m for m in meetings if m.topic_step_id == ts.pk]  # type: ignore[attr-defined]
    current = next((ts for ts in steps if ts.status == "active"), None)
    resolution = getattr(topic, "resolution", None)
    return render(
        request,
        "deliberation/topic_detail.html",
        {
            "topic": topic,
            "steps": steps,
            "current": current,
            "resolution": resolution,
            "events": _labelled(topic.events.select_related("actor")),
            "comments": _comments(topic, user),
            "cosigned": topic.cosignatures.filter(user_id=getattr(user, "pk", 0)).exists(),
            "procedures": Procedure.objects.available_for(topic.node),
            "can": {
                "cosign": user.has_perm("deliberation.cosign_topic", topic),
                "triage": user.has_perm("deliberation.triage_topic", topic),
                "organise": user.has_perm("deliberation.organise_meeting", topic),
                "publish": user.has_perm("deliberation.publish", topic),
                "comment": user.has_perm("deliberation.comment", topic),
                "moderate": user.has_perm("deliberation.moderate", topic),
                "official": bool(a.official_voice(user, topic.node)),
            },
            "pending_appeals": Appeal.objects.filter(
                comment__topic=topic, status="pending"
            ).select_related("comment", "author")
            if user.has_perm("deliberation.moderate", topic)
            else [],
            "section": "deliberation",
        },
    )


@login_required
@require_POST
def topic_action(request: HttpRequest, uuid: uuid_lib.UUID, action: str) -> HttpResponse:
    topic = _topic(request, uuid)
    here = f"/deliberation/topics/{topic.uuid}/"
    p = request.POST
    if action == "cosign":
        run(request, a.cosign_topic, _("Co-signed."), topic=topic)
    elif action == "withdraw":
        run(request, a.withdraw_topic, _("Withdrawn."), topic=topic, note=p.get("note", ""))
    elif action == "decline":
        run(request, a.decline_topic, _("Declined."), topic=topic, reason=p.get("reason", ""))
    elif action == "accept":
        chosen = as_uuid(p.get("procedure"))
        procedures = Procedure.objects.available_for(topic.node)
        procedure = procedures.filter(uuid=chosen).first() if chosen else None
        run(
            request,
            a.accept_topic,
            _("Accepted."),
            topic=topic,
            procedure=procedure,
            note=p.get("note", ""),
        )
    elif action == "complete-step":
        run(request, a.complete_step, _("Step completed."), topic=topic, note=p.get("note", ""))
    elif action == "resolution":
        resolution = run(
            request,
            a.draft_resolution,
            topic=topic,
            title=p.get("title", ""),
            text_of_resolution=p.get("text", ""),
        )
        if resolution is not None:
            return redirect("deliberation:resolution-detail", uuid=resolution.uuid)
    else:
        raise Http404
    return back(request, here)


@login_required
@require_POST
def comment_post(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    topic = _topic(request, uuid)
    parent = None
    if request.POST.get("parent"):
        parent = get_object_or_404(Comment, topic=topic, uuid=as_uuid(request.POST["parent"]))
    run(
        request,
        a.post_comment,
        topic=topic,
        body=request.POST.get("body", ""),
        parent=parent,
        official=bool(request.POST.get("official")),
    )
    if request.headers.get("HX-Request"):
        return render(
            request,
            "deliberation/partials/comments.html",
            {
                "topic": topic,
                "comments": _comments(topic, request.user),
                "can": {
                    "comment": True,
                    "moderate": request.user.has_perm("deliberation.moderate", topic),
                },
            },
        )
    return back(request, f"/deliberation/topics/{topic.uuid}/#comments")


@login_required
@require_POST
def comment_action(request: HttpRequest, uuid: uuid_lib.UUID, action: str) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("topic__node"),
        uuid=uuid,
        topic__in=Topic.objects.visible_to(request.user),
    )
    reason = request.POST.get("reason", "")
    if action == "hide":
        run(request, a.hide_comment, _("Hidden."), comment=comment, reason=reason)
    elif action == "report":
        run(
            request,
            a.report_abuse,
            _("Reported to the moderators."),
            comment=comment,
            reason=reason,
        )
    elif action == "appeal":
        run(request, a.appeal_moderation, _("Appeal sent."), comment=comment, reason=reason)
    elif action in ("uphold", "reject"):
        appeal = get_object_or_404(Appeal, comment=comment, status="pending")
        run(
            request,
            a.decide_appeal,
            _("Appeal decided."),
            appeal=appeal,
            uphold=action == "uphold",
            reason=reason,
        )
    else:
        raise Http404
    return back(request, f"/deliberation/topics/{comment.topic.uuid}/#comments")


@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    """Recurring cases that could become topics, per community the user organises."""
    communities = [
        c
        for c in my_communities(request.user)
        if request.user.has_perm("deliberation.suggest_topics", c)
    ]
    if not communities:
        raise Http404
    rows = [(c, recurring_case_suggestions(request.user, c)) for c in communities[:20]]
    return render(
        request, "deliberation/suggestions.html", {"rows": rows, "section": "deliberation"}
    )
