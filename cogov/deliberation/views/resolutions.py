"""Resolutions (staff page with tasks and objections) and the public community notice board."""

from __future__ import annotations

import uuid as uuid_lib

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404

from .. import actions as a
from ..models import ImplementationTask, Objection, Resolution
from .common import as_int, as_uuid, back, posted_date, run


def _resolution(request: HttpRequest, uuid: uuid_lib.UUID) -> Resolution:
    return get_visible_or_404(
        Resolution.objects.select_related("topic", "node"), request.user, uuid=uuid
    )


@login_required
def resolution_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    resolution = _resolution(request, uuid)
    user = request.user
    can_publish = user.has_perm("deliberation.publish", resolution)
    assignable = []
    if can_publish:
        from cogov.accounts.models import Membership

        ids = resolution.node.ancestor_ids(include_self=True)
        assignable = list(
            get_user_model()
            .objects.filter(
                pk__in=Membership.objects.current().filter(node_id__in=ids).values("user_id")
            )
            .order_by("username")[:100]
        )
    return render(
        request,
        "deliberation/resolution_detail.html",
        {
            "resolution": resolution,
            "tasks": resolution.tasks.select_related("owner", "owner_organization"),
            "objections": resolution.objections.select_related("author", "answered_by"),
            "events": resolution.events.select_related("actor"),
            "can_publish": can_publish,
            "assignable": assignable,
            "surveys": resolution.surveys.all(),
            "section": "deliberation",
        },
    )


@login_required
@require_POST
def resolution_action(request: HttpRequest, uuid: uuid_lib.UUID, action: str) -> HttpResponse:
    resolution = _resolution(request, uuid)
    p = request.POST
    here = f"/deliberation/resolutions/{resolution.uuid}/"
    if action == "publish":
        run(
            request,
            a.publish_resolution,
            _("Published on the notice board."),
            resolution=resolution,
        )
    elif action == "task":
        chosen = as_uuid(p.get("owner"))
        owner = get_user_model().objects.filter(uuid=chosen).first() if chosen else None
        run(
            request,
            a.add_task,
            _("Task added."),
            resolution=resolution,
            title=p.get("title", ""),
            due_on=posted_date(p.get("due_on")),
            owner=owner,
        )
    elif action == "task-done":
        task = get_object_or_404(
            ImplementationTask, resolution=resolution, uuid=as_uuid(p.get("task"))
        )
        run(request, a.complete_task, _("Task done."), task=task, report=p.get("report", ""))
    elif action == "answer":
        objection = get_object_or_404(
            Objection, resolution=resolution, pk=as_int(p.get("objection"))
        )
        run(
            request,
            a.answer_objection,
            _("Answered."),
            objection=objection,
            answer=p.get("answer", ""),
        )
    elif action == "results":
        run(
            request,
            a.publish_results,
            _("Results published."),
            resolution=resolution,
            results=p.get("results", ""),
        )
    else:
        raise Http404
    return back(request, here)


def _community(uuid: uuid_lib.UUID) -> Node:
    return get_object_or_404(Node, uuid=uuid, level=Level.COMMUNITY)


def board(request: HttpRequest, community: uuid_lib.UUID) -> HttpResponse:
    """The community notice board: public, no login, never a draft."""
    node = _community(community)
    now = timezone.now()
    items = list(Resolution.objects.on_board(node).select_related("topic").order_by("-posted_at"))
    return render(
        request,
        "deliberation/board.html",
        {
            "node": node,
            "current": [
                r
                for r in items
                if (r.posted_until and r.posted_until > now)
                or (
                    r.status == "results"
                    and r.results_published_at
                    and (now - r.results_published_at).days < 7
                )
            ],
            "archive": items,
            "now": now,
        },
    )


def board_item(request: HttpRequest, community: uuid_lib.UUID, uuid: uuid_lib.UUID) -> HttpResponse:
    node = _community(community)
    resolution = get_object_or_404(Resolution.objects.on_board(node), uuid=uuid)
    can_object = (
        request.user.is_authenticated
        and request.user.has_perm("deliberation.object", resolution)
        and resolution.objections_open()
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        run(
            request,
            a.object_to_resolution,
            _("Your objection is recorded."),
            resolution=resolution,
            body=request.POST.get("body", ""),
        )
        return back(request, f"/notices/{node.uuid}/{resolution.uuid}/")
    return render(
        request,
        "deliberation/board_item.html",
        {
            "node": node,
            "resolution": resolution,
            "objections": resolution.objections.filter(answered_at__isnull=False),
            "objection_count": resolution.objections.count(),
            "tasks": resolution.tasks.all(),
            "can_object": can_object,
        },
    )
