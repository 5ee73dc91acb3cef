"""The case page: header, deadlines, timeline, photos, and a small form for each step the user
may take now; each posts to `act`, which calls the step's action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cogov.core.errors import ActionError
from cogov.core.models import Deadline

from .. import actions
from ..models import AttachmentStage, Case, CaseAttachment
from ..workflow import STEPS, Resolution, Satisfaction, Status
from .common import form_error, get_case
from .steps import STEP_UI, available_steps, make_form


def _context(
    request: HttpRequest, case: Case, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    user: Any = request.user
    steps = available_steps(user, case)
    forms = []
    for step in steps:
        form = (bound or {}).get(step.key) or make_form(step, user, case)
        forms.append({"step": step, "form": form, "open": step.key in (bound or {})})
    events = list(case.events.select_related("actor", "organization").order_by("at", "pk"))
    attachments = list(case.attachments.all())
    now = timezone.now()
    deadlines = list(
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk)
        ).order_by("due_at")
    )
    for d in deadlines:
        stage = d.kind.removeprefix("cases.")
        d.stage = STAGE_LABELS.get(stage, stage)  # type: ignore[attr-defined]
        d.late = d.breached_at is not None or (  # type: ignore[attr-defined]
            d.met_at is None and d.cancelled_at is None and d.due_at < now
        )
    is_staff = (
        user.has_perm("cases.verify_case", case)
        or user.has_perm("cases.handle_case", case)
        or user.has_perm("cases.merge_case", case)
    )
    duplicates = []
    if user.has_perm("cases.merge_case", case) and str(case.status) in STEPS["merge"][0]:
        duplicates = actions.find_likely_duplicates(case, limit=5)
    for e in events:
        ui = STEP_UI.get(e.kind)
        e.label = KIND_LABELS.get(e.kind) or (ui.label if ui else e.kind)  # type: ignore[attr-defined]
        e.who = _who(e, case, user, is_staff)  # type: ignore[attr-defined]
        e.evidence_items = _evidence(e.evidence or {})  # type: ignore[attr-defined]
        e.from_label = STATUS_LABELS.get(e.from_status, e.from_status)  # type: ignore[attr-defined]
        e.to_label = STATUS_LABELS.get(e.to_status, e.to_status)  # type: ignore[attr-defined]
    return {
        "section": "cases",
        "case": case,
        "forms": forms,
        "events": events,
        "before": [a for a in attachments if a.stage == AttachmentStage.BEFORE],
        "after": [a for a in attachments if a.stage == AttachmentStage.AFTER],
        "documents": [a for a in attachments if a.stage == AttachmentStage.DOCUMENT],
        "deadlines": deadlines,
        "now": now,
        "show_requester": is_staff and not case.anonymous,
        "is_staff": is_staff,
        "duplicates": duplicates,
        "co_handlers": list(case.co_handlers.all()),
    }


STATUS_LABELS = dict(Status.choices)
STAGE_LABELS = {
    "verify": gettext_lazy("Verify"),
    "dispatch": gettext_lazy("Dispatch"),
    "sign": gettext_lazy("Sign for"),
    "response": gettext_lazy("Contact the requester (响应)"),
    "feedback": gettext_lazy("Reply (反馈)"),
    "check": gettext_lazy("Check"),
    "revisit": gettext_lazy("Revisit (回访)"),
}
EVIDENCE_LABELS = {
    "days": gettext_lazy("days"),
    "until": gettext_lazy("committed date"),
    "into": gettext_lazy("merged into"),
    "duplicate": gettext_lazy("duplicate"),
    "resolution": gettext_lazy("solved?"),
    "satisfaction": gettext_lazy("satisfied?"),
}
RESOLUTION_LABELS = {**dict(Resolution.choices), **dict(Satisfaction.choices)}


def _evidence(evidence: dict[str, Any]) -> list[str]:
    """Evidence a person can read: known keys with their labels; internal ids left out."""
    items = []
    for key, value in evidence.items():
        if key == "attachments" and value:
            items.append(str(gettext_lazy("%(n)d photo(s)") % {"n": len(value)}))
        elif key == "fallback" and value:
            items.append(str(gettext_lazy("territorial fallback (属地兜底)")))
        elif key in EVIDENCE_LABELS and value not in (None, "", [], 0):
            shown = RESOLUTION_LABELS.get(value, value) if isinstance(value, str) else value
            items.append(f"{EVIDENCE_LABELS[key]}: {shown}")
    return items


KIND_LABELS = {
    "report": gettext_lazy("Reported"),
    "merged_in": gettext_lazy("A duplicate was merged in"),
    "check_pass": gettext_lazy("Checked: solved"),
    "check_fail": gettext_lazy("Checked: rework"),
    "approve_postponement": gettext_lazy("Postponement approved"),
    "refuse_postponement": gettext_lazy("Postponement refused"),
    "merge": gettext_lazy("Merged as a duplicate"),
    "whistle": gettext_lazy("Whistle blown (吹哨)"),
}


def _who(event: Any, case: Case, user: Any, is_staff: bool) -> str:
    """Who acted, as this user may know it: an anonymous reporter stays anonymous, residents
    see organizations rather than staff names."""
    if event.actor_id == user.pk:
        return str(gettext_lazy("you"))
    if event.kind == "report" and case.anonymous:
        return str(gettext_lazy("anonymous"))
    if event.kind == "report" and case.channel in ("resident", "open311", "api") and not is_staff:
        return str(gettext_lazy("reporter"))
    if is_staff and event.actor is not None:
        name = getattr(event.actor, "display_name", "") or str(event.actor)
        return f"{name} · {event.organization.name}" if event.organization else name
    if event.organization is not None:
        return event.organization.name
    return str(gettext_lazy("staff"))


@login_required
@require_GET
def detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    case = get_case(request.user, uuid)
    return render(request, "cases/case_detail.html", _context(request, case))


@login_required
@require_POST
def act(request: HttpRequest, uuid: Any, step: str) -> HttpResponse:
    """Take one step of the loop through its action."""
    user: Any = request.user
    case = get_case(user, uuid)
    chosen = STEP_UI.get(step)
    if chosen is None or chosen not in available_steps(user, case):
        raise Http404
    form = make_form(chosen, user, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            chosen.call(user, case, {"note": "", **form.cleaned_data})
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(step)s: done. The case is now “%(status)s”.")
                % {"step": chosen.label, "status": case.get_status_display()},
            )
            return redirect("cases:case-detail", uuid=case.uuid)
    case.refresh_from_db()
    return render(
        request, "cases/case_detail.html", _context(request, case, {step: form}), status=400
    )


@login_required
@require_GET
def attachment(request: HttpRequest, uuid: Any, file_uuid: Any) -> FileResponse:
    """A photo of a case, for those who may see the case (media are not served publicly)."""
    case = get_case(request.user, uuid)
    found = CaseAttachment.objects.filter(case=case, uuid=file_uuid).first()
    if found is None:
        raise Http404
    import mimetypes

    name = (found.file.name or "").rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    # Photos show inline; anything else downloads, so an uploaded page never runs here.
    inline = content_type.startswith("image/") and content_type != "image/svg+xml"
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=not inline,
        filename=name,
        content_type=content_type if inline else "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
