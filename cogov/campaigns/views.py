"""Campaign pages: list, progress (table + Leaflet map, htmx polling), the phone pages of an
assigned person (my households, visit form), hand-off of a need, close-out report and exports."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case as When_
from django.db.models import IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from cogov.core.errors import ActionError
from cogov.web.access import get_visible_or_404

from . import actions, checklist, selectors
from .handoff import targets
from .models import Campaign, CampaignHousehold, Finding, Kind, Outcome


def _campaign(request: HttpRequest, uuid: uuid_lib.UUID) -> Campaign:
    return get_visible_or_404(Campaign.objects.select_related("node"), request.user, uuid=uuid)


def _level(request: HttpRequest) -> str:
    level = request.GET.get("level", "grid")
    return level if level in selectors.LEVEL_FIELD else "grid"


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.visible_to(request.user).select_related("node")[:200]
    can_create = request.user.has_perm("campaigns.create_campaign")
    return render(
        request,
        "campaigns/list.html",
        {"campaigns": campaigns, "section": "campaigns", "can_create": can_create},
    )


def _parse_local(value: str) -> dt.datetime | None:
    parsed = parse_datetime(value or "")
    if parsed is not None and parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed)
    return parsed


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    """A new draft campaign over areas the user runs campaigns in; the checklist starts from
    the kind's template (edit it through the API while in draft)."""
    from cogov.territory.models import Node

    if not request.user.has_perm("campaigns.create_campaign"):
        raise Http404
    nodes = [
        n
        for n in Node.objects.visible_to(request.user)
        .active()
        .filter(level__in=actions.AREA_LEVELS)
        .order_by("path")
        if request.user.has_perm("campaigns.create_campaign", n)
    ]
    error: ActionError | None = None
    if request.method == "POST":
        chosen = set(request.POST.getlist("areas"))
        starts, ends = (
            _parse_local(request.POST.get("starts_at", "")),
            _parse_local(request.POST.get("ends_at", "")),
        )
        try:
            if starts is None or ends is None:
                raise ActionError(_("Give the start and the end."), field="starts_at")
            campaign = actions.create_campaign(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                areas=[n for n in nodes if str(n.uuid) in chosen],
                starts_at=starts,
                ends_at=ends,
                description=request.POST.get("description", ""),
            )
        except ActionError as exc:
            error = exc
        else:
            return redirect("campaigns:campaign-detail", uuid=campaign.uuid)
    return render(
        request,
        "campaigns/create.html",
        {"nodes": nodes, "kinds": Kind.choices, "error": error, "section": "campaigns"},
        status=400 if error else 200,
    )


RUN_STEPS: dict[str, Callable[..., Any]] = {
    "activate": actions.activate_campaign,
    "close": actions.close_campaign,
    "call_up": actions.call_up_pools,
    "assign": actions.assign_households,
}


@login_required
@require_POST
def campaign_step(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """Activate, close, call up the pools or assign, from the campaign page."""
    campaign = _campaign(request, uuid)
    step = RUN_STEPS.get(request.POST.get("step", ""))
    if step is None:
        raise Http404
    try:
        step(actor=request.user, campaign=campaign)
        messages.success(request, _("Done."))
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:campaign-detail", uuid=campaign.uuid)


def _progress_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    level = _level(request)
    visible = CampaignHousehold.objects.visible_to(request.user)
    rows = selectors.progress(campaign, visible, level)
    return {"campaign": campaign, "level": level, "rows": rows, "totals": selectors.totals(rows)}


@login_required
def campaign_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    campaign = _campaign(request, uuid)
    visible = CampaignHousehold.objects.visible_to(request.user)
    context = _progress_context(request, campaign)
    findings = (
        Finding.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("entry__household__building")
        .order_by("handed_off_at", "-found_at")[:100]
    )
    context.update(
        findings=findings,
        vulnerable=len(selectors.vulnerable_households(campaign, visible)),
        can_run=request.user.has_perm("campaigns.run_campaign", campaign),
        targets=targets(),
        is_worker=campaign.workers.filter(user_id=request.user.pk or 0).exists(),
    )
    return render(request, "campaigns/detail.html", context)


@login_required
def progress_fragment(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """The progress table alone, for htmx polling."""
    campaign = _campaign(request, uuid)
    return render(request, "campaigns/partials/progress.html", _progress_context(request, campaign))


@login_required
def progress_geojson(request: HttpRequest, uuid: uuid_lib.UUID) -> JsonResponse:
    """Grid polygons with their visited / total counts (the visible part of the campaign)."""
    from cogov.territory.models import Node

    campaign = _campaign(request, uuid)
    rows = selectors.progress(campaign, CampaignHousehold.objects.visible_to(request.user), "grid")
    shapes = dict(
        Node.objects.filter(pk__in=[r.node_id for r in rows]).values_list("id", "geometry")
    )
    features = [
        {
            "type": "Feature",
            "geometry": shapes.get(r.node_id),
            "properties": {
                "uuid": str(r.uuid),
                "name": r.name,
                "total": r.total,
                "visited": r.visited,
                "pending": r.pending,
                "overdue": r.overdue,
            },
        }
        for r in rows
        if shapes.get(r.node_id)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def my_households(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """The phone page: the households assigned to me, pending first."""
    campaign = _campaign(request, uuid)
    entries = (
        CampaignHousehold.objects.filter(campaign=campaign, assignee_id=request.user.pk)
        .select_related("household", "building")
        .annotate(
            done=When_(
                When(visited_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("done", "building__code", "household__door")
    )
    shown = list(entries[:2000])
    pending = sum(1 for e in shown if e.visited_at is None)
    return render(
        request,
        "campaigns/my.html",
        {"campaign": campaign, "entries": shown, "pending": pending, "body_class": "mobile"},
    )


def _form_answers(campaign: Campaign, data: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for field in checklist.parse(campaign.checklist):
        name = f"a_{field.key}"
        if field.type == "multi":
            values = data.getlist(name)
            if values:
                answers[field.key] = values
        elif data.get(name, "") != "":
            answers[field.key] = data.get(name)
    return answers


@login_required
def visit_form(request: HttpRequest, uuid: uuid_lib.UUID, household: uuid_lib.UUID) -> HttpResponse:
    """The visit form, built from the checklist. The page makes a client key once; sending the
    form again (a dropped connection) records the visit once."""
    campaign = _campaign(request, uuid)
    entry = get_visible_or_404(
        CampaignHousehold.objects.select_related("household__building", "campaign__node"),
        request.user,
        campaign=campaign,
        household__uuid=household,
    )
    if not request.user.has_perm("campaigns.visit_household", entry):
        raise Http404
    fields = checklist.parse(campaign.checklist)
    error: ActionError | None = None
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = _form_answers(campaign, request.POST)
        client_time = parse_datetime(request.POST.get("client_time", "") or "")
        if client_time is not None and client_time.tzinfo is None:
            client_time = client_time.replace(tzinfo=dt.UTC)
        try:
            key = uuid_lib.UUID(request.POST.get("client_key", ""))
        except ValueError:
            key = None
        try:
            _visit, created = actions.record_visit(
                actor=request.user,
                entry=entry,
                client_key=key,
                outcome=request.POST.get("outcome", Outcome.COMPLETED),
                answers=values,
                note=request.POST.get("note", ""),
                client_time=client_time,
            )
        except ActionError as exc:
            error = exc
        else:
            messages.success(
                request, _("Visit recorded.") if created else _("Visit already recorded.")
            )
            return redirect("campaigns:my-households", uuid=campaign.uuid)
    status = 409 if error is not None and error.code == "conflict" else (400 if error else 200)
    return render(
        request,
        "campaigns/visit.html",
        {
            "campaign": campaign,
            "entry": entry,
            "fields": fields,
            "values": values,
            "error": error,
            "outcomes": Outcome.choices,
            "client_key": request.POST.get("client_key") or uuid_lib.uuid4(),
            "body_class": "mobile",
        },
        status=status,
    )


@login_required
@require_POST
def hand_off(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    finding = get_visible_or_404(
        Finding.objects.select_related("campaign", "entry__household__building"),
        request.user,
        uuid=uuid,
    )
    options = {"category": request.POST["category"]} if request.POST.get("category") else {}
    try:
        actions.hand_off_finding(
            actor=request.user,
            finding=finding,
            target=request.POST.get("target", "case"),
            **options,
        )
        messages.success(request, _("Handed off."))
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:campaign-detail", uuid=finding.campaign.uuid)


def _report_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    visible = CampaignHousehold.objects.visible_to(request.user)
    rows = selectors.progress(campaign, visible, "grid")
    return {
        "campaign": campaign,
        "rows": rows,
        "totals": selectors.totals(rows),
        "full_at": selectors.full_coverage_at(campaign),
        "time_to_coverage": selectors.time_to_coverage(campaign),
        "people": selectors.who_did_what(campaign, visible),
        "findings": Finding.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("entry__household__building", "visit__visitor"),
        "vulnerable": len(selectors.vulnerable_households(campaign, visible)),
    }


@login_required
def report(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    """The close-out report (print page)."""
    campaign = _campaign(request, uuid)
    return render(request, "campaigns/report.html", _report_context(request, campaign))


@login_required
def report_export(request: HttpRequest, uuid: uuid_lib.UUID, fmt: str) -> HttpResponse:
    from cogov.cases.exports import CSV_TYPE, XLSX_TYPE, to_csv, to_xlsx

    if fmt not in ("csv", "xlsx"):
        raise Http404
    campaign = _campaign(request, uuid)
    ctx = _report_context(request, campaign)
    headers = [
        _("Section"),
        _("Name"),
        _("Households"),
        _("Visited"),
        pgettext("visit", "Pending"),
        _("Overdue"),
        _("Detail"),
    ]
    rows: list[list[Any]] = [
        [_("Grid"), r.name, r.total, r.visited, r.pending, r.overdue, f"{r.coverage:.1%}"]
        for r in ctx["rows"]
    ]
    for p in ctx["people"]:
        rows.append(
            [
                _("Person"),
                str(p["user"]),
                p["assigned"],
                p["visited"],
                "",
                "",
                _("other visits: %(n)s; findings: %(f)s")
                % {"n": p["revisits"], "f": p["findings"]},
            ]
        )
    for f in ctx["findings"]:
        rows.append(
            [
                f.get_kind_display(),
                str(f.entry.household),
                "",
                "",
                "",
                "",
                f"{f.label} {f.detail}".strip(),
            ]
        )
    ttc = ctx["time_to_coverage"]
    rows.append(
        [
            _("Coverage"),
            campaign.title,
            ctx["totals"]["total"],
            ctx["totals"]["visited"],
            ctx["totals"]["pending"],
            ctx["totals"]["overdue"],
            str(ttc) if ttc else "",
        ]
    )
    name = f"campaign-{campaign.uuid}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(to_csv(headers, rows), content_type=CSV_TYPE)
    else:
        response = HttpResponse(to_xlsx(headers, rows, title="report"), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
