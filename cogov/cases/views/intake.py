"""Intake from every channel: the resident's report (with the duplicate check), the grid
worker's quick report, the hotline operator's entry, and the batch import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cogov.accounts.scopes import reach
from cogov.core.errors import ActionError

from .. import actions
from ..forms import (
    DuplicateProbeForm,
    HotlineForm,
    ImportForm,
    QuickReportForm,
    ResidentReportForm,
)
from ..imports import import_cases
from ..models import Case, Category, Channel
from ..workflow import OPEN_STATUSES
from .common import area_buildings, area_grids, area_paths, form_error, grids_geojson, require


def _form_page(
    request: HttpRequest, template: str, form: Any, paths: list[str], **extra: Any
) -> HttpResponse:
    grids = area_grids(paths)
    return render(
        request,
        template,
        {"section": "cases", "form": form, "geojson": grids_geojson(grids), **extra},
    )


def _location(data: dict[str, Any]) -> dict[str, Any]:
    building = data.get("building")
    return {
        "lon": data.get("lon"),
        "lat": data.get("lat"),
        "building": building,
        "address": data.get("address", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The resident's report: category, description, photos, a point or a building, anonymity."""
    user: Any = request.user
    paths = area_paths(user, Channel.RESIDENT)
    require(bool(paths))
    form = ResidentReportForm(request.POST or None, request.FILES or None)
    form.set_buildings(area_buildings(paths))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = actions.report_case(
                actor=user,
                category=d["category"],
                description=d["description"],
                channel=Channel.RESIDENT,
                anonymous=d["anonymous"],
                photos=d["photos"],
                **_location(d),
            )
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("Thank you. Your report is case %(number)s.") % {"number": case.number}
            )
            return redirect("cases:case-detail", uuid=case.uuid)
    return _form_page(request, "cases/report.html", form, paths)


@login_required
@require_POST
def duplicates(request: HttpRequest) -> HttpResponse:
    """htmx: open cases of the same category near the point being reported."""
    user: Any = request.user
    require(bool(area_paths(user, Channel.RESIDENT)) or bool(area_paths(user, "grid_worker")))
    probe = DuplicateProbeForm(request.POST)
    found: list[Case] = []
    if probe.is_valid():
        d = probe.cleaned_data
        category = Category.objects.filter(code=d["category"], active=True).first()
        lon, lat = d.get("lon"), d.get("lat")
        grid = None
        if d.get("building"):
            building = (
                area_buildings(
                    area_paths(user, Channel.RESIDENT) or area_paths(user, "grid_worker")
                )
                .filter(uuid=d["building"])
                .first()
            )
            if building is not None and lon is None:
                lon, lat, grid = building.lon, building.lat, building.grid
        if category is not None and lon is not None and lat is not None:
            if grid is None:
                from cogov.territory.lookup import locate

                grid = locate(lon, lat).grid
            if grid is not None:
                probe_case = Case(
                    category=category, lon=lon, lat=lat, grid=grid, reported_at=timezone.now()
                )
                found = actions.find_likely_duplicates(probe_case, limit=5)
                for c in found:
                    c.distance = round(actions.distance_m(lon, lat, c.lon, c.lat))  # type: ignore[attr-defined]
    mine = set(
        Case.objects.visible_to(user)
        .filter(pk__in=[c.pk for c in found])
        .values_list("pk", flat=True)
    )
    return render(request, "cases/partials/duplicates.html", {"duplicates": found, "visible": mine})


@login_required
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, uuid: Any) -> HttpResponse:
    """A case's public status (number, category, status, dates; nothing about the reporter)
    with Follow / Stop following. Residents of its community, those who see the case and its
    followers reach it; others get 404."""
    user: Any = request.user
    case = Case.objects.select_related("category", "grid").filter(uuid=uuid).first()
    following = case is not None and actions.is_following(user, case)
    require(case is not None and (following or user.has_perm("cases.follow_case", case)))
    assert case is not None
    if request.method == "POST":
        try:
            if request.POST.get("do") == "unfollow":
                actions.unfollow_case(actor=user, case=case)
                messages.success(request, _("You no longer follow this case."))
            else:
                actions.follow_case(actor=user, case=case)
                messages.success(
                    request,
                    _(
                        "You follow this case: you will be told when it is replied, closed or"
                        " reopened."
                    ),
                )
        except ActionError as exc:
            messages.error(request, str(exc))
        return redirect("cases:follow", uuid=case.uuid)
    followable = case.status in OPEN_STATUSES and not case.duplicate_of_id
    return render(
        request,
        "cases/follow.html",
        {
            "section": "cases",
            "case": case,
            "following": following,
            "followable": followable and user.has_perm("cases.follow_case", case),
            "can_open": user.has_perm("cases.view_case", case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quick(request: HttpRequest) -> HttpResponse:
    """The grid worker's quick report, optionally handled on the spot with an after photo."""
    user: Any = request.user
    paths = area_paths(user, Channel.GRID_WORKER)
    require(bool(paths))
    form = QuickReportForm(request.POST or None, request.FILES or None)
    form.set_buildings(area_buildings(paths))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                case = actions.report_case(
                    actor=user,
                    category=d["category"],
                    description=d["description"],
                    channel=Channel.GRID_WORKER,
                    photos=d["photos"],
                    **_location(d),
                )
                if d["handled"]:
                    actions.handle_on_the_spot(
                        actor=user, case=case, note=d["handled_note"], photos=d["after_photos"]
                    )
        except ActionError as exc:
            form_error(form, exc)
        else:
            if d["handled"]:
                msg = _("Case %(number)s recorded and closed as handled on the spot.")
            else:
                msg = _("Case %(number)s reported.")
            messages.success(request, msg % {"number": case.number})
            return redirect("cases:case-detail", uuid=case.uuid)
    return _form_page(request, "cases/quick.html", form, paths)


@login_required
@require_http_methods(["GET", "POST"])
def hotline(request: HttpRequest) -> HttpResponse:
    """The hotline operator's work order; a consultation may be answered and closed at once."""
    user: Any = request.user
    paths = area_paths(user, Channel.HOTLINE)
    require(bool(paths))
    form = HotlineForm(request.POST or None)
    form.set_buildings(area_buildings(paths))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        answer = (d.get("answer") or "").strip()
        try:
            with transaction.atomic():
                case = actions.report_case(
                    actor=user,
                    category=d["category"],
                    description=d["description"],
                    channel=Channel.HOTLINE,
                    work_type=d["work_type"],
                    urgency=d["urgency"] or None,
                    caller_name=d["caller_name"],
                    caller_phone=d["caller_phone"],
                    **_location(d),
                )
                if answer:
                    actions.answer_consultation(actor=user, case=case, answer=answer)
        except ActionError as exc:
            form_error(form, exc)
        else:
            if answer:
                msg = _("Work order %(number)s answered and closed.")
            else:
                msg = _("Work order %(number)s created.")
            messages.success(request, msg % {"number": case.number})
            return redirect("cases:case-detail", uuid=case.uuid)
    return _form_page(request, "cases/hotline.html", form, paths)


@login_required
@require_http_methods(["GET", "POST"])
def batch_import(request: HttpRequest) -> HttpResponse:
    """Upload an .xlsx or CSV file of cases: checked row by row, imported all or nothing."""
    user: Any = request.user
    require(reach(user).everything)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = import_cases(
                actor=user,
                data=form.cleaned_data["file"].read(),
                dry_run=form.cleaned_data["check_only"],
            )
        except ActionError as exc:
            form_error(form, exc)
    from ..imports import COLUMNS

    return render(
        request,
        "cases/import.html",
        {"section": "cases", "form": form, "result": result, "columns": COLUMNS},
    )
