"""Meeting pages: schedule, notice, sign-in, live quorum (htmx polling), motions and the vote
through the voting app, minutes (printable; PDF when WeasyPrint is importable)."""

from __future__ import annotations

import importlib.util
import uuid as uuid_lib

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.web.access import get_visible_or_404

from .. import actions as a
from .. import voting_bridge
from ..models import BodyKind, Meeting, Motion, MotionStatus, Participant, Position, Topic
from .common import as_int, as_uuid, back, my_communities, posted_datetime, run


def _meeting(request: HttpRequest, uuid: uuid_lib.UUID) -> Meeting:
    return get_visible_or_404(
        Meeting.objects.select_related(
            "node", "topic", "topic_step__step", "organization", "chair"
        ),
        request.user,
        uuid=uuid,
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    topic = None
    if request.GET.get("topic") or request.POST.get("topic"):
        topic = get_visible_or_404(
            Topic.objects.select_related("node"),
            request.user,
            uuid=as_uuid(request.GET.get("topic") or request.POST.get("topic")),
        )
    communities = [
        c
        for c in my_communities(request.user)
        if request.user.has_perm("deliberation.organise_meeting", c)
    ]
    if not communities:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        node = (
            topic.node
            if topic
            else next(
                (c for c in communities if str(c.uuid) == data.get("community")), communities[0]
            )
        )
        agenda = [line.strip() for line in data.get("agenda", "").splitlines() if line.strip()]
        meeting = run(
            request,
            a.schedule_meeting,
            node=node,
            topic=topic,
            title=data.get("title", ""),
            starts_at=posted_datetime(data.get("starts_at")),
            body=data.get("body", ""),
            place=data.get("place", ""),
            agenda=agenda or None,
        )
        if meeting is not None:
            return redirect("deliberation:meeting-detail", uuid=meeting.uuid)
    return render(
        request,
        "deliberation/meeting_form.html",
        {
            "topic": topic,
            "communities": communities,
            "data": data,
            "bodies": BodyKind.choices,
            "section": "deliberation",
        },
    )


def _context(request: HttpRequest, meeting: Meeting) -> dict:  # type: ignore[type-arg]
    user = request.user
    participants = list(meeting.participants.order_by("pk"))
    mine = [p for p in participants if user.pk in (p.accounts or [])]
    motions = list(
        meeting.motions.select_related("mover", "seconder").prefetch_related("speeches__speaker")
    )
    for m in motions:
        m.results_url = voting_bridge.results_url(m)  # type: ignore[attr-defined]
        m.vote_results = voting_bridge.results_for(user, m)  # type: ignore[attr-defined]
    return {
        "meeting": meeting,
        "participants": participants,
        "mine": mine,
        "quorum": a.quorum(meeting),
        "agenda": meeting.agenda.all(),
        "motions": motions,
        "pending": next((m for m in motions if m.status in ("moved", "debate", "voting")), None),
        "positions": Position.choices,
        "choices": [("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))],
        "attachments": meeting.attachments.all(),
        "signatures": meeting.signatures.select_related("user"),
        "events": meeting.events.select_related("actor"),
        "can_organise": user.has_perm("deliberation.organise_meeting", meeting),
        "can_publish": user.has_perm("deliberation.publish", meeting),
        "present": any(p.signed_in_at for p in mine),
        "section": "deliberation",
    }


@login_required
def meeting_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    meeting = _meeting(request, uuid)
    return render(request, "deliberation/meeting_detail.html", _context(request, meeting))


@login_required
def meeting_quorum(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """The live quorum fragment (polled by htmx every few seconds)."""
    meeting = _meeting(request, uuid)
    return render(
        request,
        "deliberation/partials/quorum.html",
        {"meeting": meeting, "quorum": a.quorum(meeting)},
    )


@login_required
@require_POST
def meeting_action(request: HttpRequest, uuid: uuid_lib.UUID, action: str) -> HttpResponse:
    meeting = _meeting(request, uuid)
    p = request.POST
    here = f"/deliberation/meetings/{meeting.uuid}/"

    def motion() -> Motion:
        return get_object_or_404(Motion, meeting=meeting, uuid=as_uuid(p.get("motion")))

    def user_from(field: str):  # type: ignore[no-untyped-def]
        key = p.get(field) or ""
        participant = meeting.participants.filter(key=key).first()
        if participant is None or not participant.accounts:
            return None
        return get_user_model().objects.filter(pk=participant.accounts[0]).first()

    if action == "notice":
        run(request, a.give_notice, _("Notice given."), meeting=meeting)
    elif action == "open":
        run(request, a.open_meeting, _("The meeting is in session."), meeting=meeting)
    elif action == "close":
        run(request, a.close_meeting, _("The meeting is closed."), meeting=meeting)
    elif action == "cancel":
        run(request, a.cancel_meeting, meeting=meeting, reason=p.get("reason", ""))
    elif action == "sign-in":
        participant = get_object_or_404(
            Participant, meeting=meeting, pk=as_int(p.get("participant"))
        )
        run(request, a.sign_in, participant=participant)
        if request.headers.get("HX-Request"):
            participant.refresh_from_db()
            return render(
                request,
                "deliberation/partials/participant.html",
                {"meeting": meeting, "p": participant, "can_organise": True},
            )
    elif action == "agenda":
        run(request, a.add_agenda_item, meeting=meeting, title=p.get("title", ""))
    elif action == "move":
        mover = user_from("mover") if p.get("mover") else None
        run(
            request,
            a.move_motion,
            _("Motion moved."),
            meeting=meeting,
            motion_text=p.get("text", ""),
            mover=mover,
        )
    elif action == "second":
        seconder = user_from("seconder") if p.get("seconder") else None
        run(request, a.second_motion, _("Seconded."), motion=motion(), seconder=seconder)
    elif action == "speech":
        speaker = user_from("speaker")
        if speaker is None:
            from django.contrib import messages

            messages.error(request, _("Choose a participant with an account."))
        else:
            run(
                request,
                a.record_speech,
                motion=motion(),
                speaker=speaker,
                position=p.get("position", ""),
                summary=p.get("summary", ""),
            )
    elif action == "withdraw":
        run(request, a.withdraw_motion, motion=motion())
    elif action == "vote":
        run(request, a.put_to_vote, _("The vote is open."), motion=motion())
    elif action == "hands":
        choices = {
            key[len("c-") :]: value
            for key, value in p.items()
            if key.startswith("c-") and value in ("for", "against", "abstain")
        }
        run(request, a.record_hands, _("Ballots recorded."), motion=motion(), choices=choices)
    elif action == "cast":
        run(
            request,
            a.cast_on_motion,
            _("Your vote is recorded."),
            motion=motion(),
            choice=p.get("choice", ""),
        )
    elif action == "close-vote":
        run(request, a.close_motion_vote, _("The vote is closed and counted."), motion=motion())
    elif action == "write-minutes":
        run(
            request,
            a.write_minutes,
            _("Minutes saved."),
            meeting=meeting,
            minutes=p.get("minutes", ""),
        )
    elif action == "attach":
        run(
            request,
            a.attach_to_minutes,
            _("Attached."),
            meeting=meeting,
            title=p.get("title", ""),
            file=request.FILES.get("file"),
        )
    elif action == "sign":
        run(request, a.sign_minutes, _("Signed."), meeting=meeting, capacity=p.get("capacity", ""))
    elif action == "publish-minutes":
        run(request, a.publish_minutes, _("Minutes published."), meeting=meeting)
    else:
        raise Http404
    return back(request, here)


def weasyprint_available() -> bool:
    return importlib.util.find_spec("weasyprint") is not None


@login_required
def meeting_minutes(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """The printable minutes (a print stylesheet); ?format=pdf through WeasyPrint when it is
    installed, otherwise this page."""
    meeting = _meeting(request, uuid)
    context = _context(request, meeting)
    context["carried"] = [m for m in context["motions"] if m.status == MotionStatus.CARRIED]
    if request.GET.get("format") == "pdf" and weasyprint_available():
        import weasyprint  # type: ignore[import-not-found]

        html = render_to_string("deliberation/minutes_print.html", context, request=request)
        pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="minutes-{meeting.uuid}.pdf"'
        return response
    context["pdf"] = weasyprint_available()
    return render(request, "deliberation/minutes_print.html", context)
