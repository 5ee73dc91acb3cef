"""Pages for evaluation rounds: the list (and opening a round), a round's ranking with the
two-block analysis, radar and appeals, its manual scores, its steps (compute, publish), the
exports (xlsx, PDF) and the print page."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid as uuid_lib
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError
from cogov.web.access import get_visible_or_404

from .. import actions
from ..defaults import block_analysis
from ..engine import profiles, round_units
from ..models import ORG_LEVELS, UNIT_LEVELS, Appeal, Indicator, Round, RoundStatus, SystemVersion
from ..selectors import GRADE_LABELS, visible_results
from .common import attempt, need, number


def level_choices() -> list[tuple[str, str]]:
    from django.utils.translation import pgettext

    labels = {
        "street": pgettext("units evaluated", "Streets"),
        "community": pgettext("units evaluated", "Communities"),
        "grid": pgettext("units evaluated", "Grids"),
        "department": pgettext("units evaluated", "Departments"),
        "party_organization": pgettext("units evaluated", "Party organizations"),
    }
    return [(k, labels[k]) for k in UNIT_LEVELS]


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    from cogov.territory.models import Node

    can_open = request.user.has_perm("assessment.manage_round")
    if request.method == "POST":
        need(request, "assessment.manage_round")
        scope = (
            Node.objects.visible_to(request.user)
            .filter(uuid=_uuid(request.POST.get("scope")))
            .first()
        )
        version = SystemVersion.objects.filter(uuid=_uuid(request.POST.get("version"))).first()
        start = parse_date(request.POST.get("start", ""))
        end = parse_date(request.POST.get("end", ""))
        if scope is None or start is None or end is None:
            messages.error(request, _("Choose the scope and give the period (YYYY-MM-DD)."))
        else:
            rnd = attempt(
                request,
                actions.create_round,
                _("The round was opened."),
                version=version,
                scope=scope,
                level=request.POST.get("level", ""),
                start=start,
                end=end + dt.timedelta(days=1),
                name=request.POST.get("name", ""),
            )
            if rnd:
                return redirect("assessment:round-detail", uuid=rnd.uuid)
    rounds = Round.objects.visible_to(request.user).select_related("scope", "version__system")
    context: dict[str, Any] = {"rounds": rounds, "can_open": can_open}
    if can_open:
        today = timezone.localdate()
        context |= {
            "versions": SystemVersion.objects.select_related("system").order_by(
                "system__name", "-number"
            ),
            "scopes": Node.objects.visible_to(request.user)
            .filter(level__in=["district", "street"])
            .order_by("code"),
            "levels": level_choices(),
            "default_start": dt.date(today.year - 1, 1, 1),
            "default_end": dt.date(today.year - 1, 12, 31),
        }
    return render(request, "assessment/round_list.html", context)


def _round(request: HttpRequest, uuid: Any) -> Round:
    return get_visible_or_404(
        Round.objects.select_related("scope", "version__system"), request.user, uuid=uuid
    )


def _context(request: HttpRequest, rnd: Round) -> dict[str, Any]:
    results = visible_results(rnd, request.user)
    names = {r.unit_id: r.unit.name for r in results}
    analysis = block_analysis(results, names, rnd.snapshot)
    prof = profiles(rnd.snapshot)
    radar = {
        "indicators": prof["indicators"],
        "units": [
            {"name": r.unit.name, "values": prof["units"].get(str(r.unit_id), [])} for r in results
        ],
    }
    user = request.user
    reached = {r.unit_id for r in results}
    appeals = [
        a
        for a in rnd.appeals.select_related("node", "organization", "raised_by").order_by(  # type: ignore[attr-defined]
            "-created_at"
        )
        if (a.organization_id or a.node_id) in reached
    ]
    return {
        "round": rnd,
        "results": results,
        "grades": GRADE_LABELS,
        "analysis": analysis,
        "analysis_json": json.dumps(analysis, ensure_ascii=False),
        "radar": radar,
        "unavailable": rnd.snapshot.get("unavailable")
        or [
            {"metric": k, "indicator": k, "why": "missing"}
            for k in rnd.snapshot.get("skipped_metrics", [])
        ],
        "manage": user.has_perm("assessment.manage_round", rnd),
        "score": user.has_perm("assessment.score_round", rnd),
        "appeals": appeals,
        "can_appeal": rnd.status == RoundStatus.PUBLISHED,
        "level_label": dict(level_choices()).get(rnd.level, rnd.level),
        "evaluators": rnd.evaluators.all(),
        "generated": timezone.localtime(),
    }


@login_required
def round_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    rnd = _round(request, uuid)
    context = _context(request, rnd)
    if "print" in request.GET:
        return render(request, "assessment/round_print.html", context)
    return render(request, "assessment/round_detail.html", context)


@login_required
def round_step(request: HttpRequest, uuid: Any, step: str) -> HttpResponse:
    rnd = _round(request, uuid)
    if request.method != "POST":
        return redirect("assessment:round-detail", uuid=rnd.uuid)
    if step == "compute":
        attempt(request, actions.compute_round, _("The round was computed."), round=rnd)
    elif step == "publish":
        attempt(request, actions.publish_round, _("The round was published."), round=rnd)
    elif step == "appoint":
        user = (
            get_user_model()
            .objects.filter(username=request.POST.get("username", "").strip())
            .first()
        )
        if user is None:
            messages.error(request, _("username: no such account"))
        else:
            attempt(
                request,
                actions.appoint_evaluator,
                _("The evaluator was appointed."),
                round=rnd,
                user=user,
            )
    elif step == "appeal":
        unit = _unit(rnd, request.POST.get("unit", ""))
        if unit is None:
            messages.error(request, _("unit: choose one of the round's units"))
        else:
            attempt(
                request,
                actions.raise_appeal,
                _("The appeal was lodged."),
                round=rnd,
                unit=unit,
                reason=request.POST.get("reason", ""),
            )
    elif step == "decide":
        appeal = Appeal.objects.filter(round=rnd, uuid=_uuid(request.POST.get("appeal"))).first()
        if appeal is not None:
            attempt(
                request,
                actions.decide_appeal,
                _("The appeal was decided."),
                appeal=appeal,
                accept=request.POST.get("accept") == "1",
                note=request.POST.get("note", ""),
            )
    return redirect("assessment:round-detail", uuid=rnd.uuid)


def _uuid(text: str | None) -> uuid_lib.UUID:
    """The UUID typed, or the nil UUID (matches nothing)."""
    try:
        return uuid_lib.UUID(str(text))
    except ValueError:
        return uuid_lib.UUID(int=0)


def _unit(rnd: Round, key: str) -> Any:
    from cogov.organizations.models import Organization
    from cogov.territory.models import Node

    try:
        pk = int(key)
    except ValueError:
        return None
    model = Organization if rnd.level in ORG_LEVELS else Node
    return model.objects.filter(pk=pk).first()


@login_required
def round_scores(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The manual indicators × the round's units: one form, saved atomically; a bad cell names
    its unit and indicator."""
    rnd = _round(request, uuid)
    need(request, "assessment.score_round", rnd)
    indicators = list(Indicator.objects.filter(version=rnd.version, manual=True).order_by("pk"))
    units = round_units(rnd)
    if request.method == "POST":
        try:
            with transaction.atomic():
                saved = 0
                for u in units:
                    unit = _unit(rnd, str(u["id"]))
                    for ind in indicators:
                        text = request.POST.get(f"s_{u['id']}_{ind.pk}", "")
                        try:
                            value = number(text)
                        except ValueError:
                            raise ActionError(
                                _("“%(text)s” is not a number.") % {"text": text},
                                field=f"{u['name']} / {ind.name}",
                            ) from None
                        if value is None:
                            actions.clear_manual_score(
                                actor=request.user, round=rnd, unit=unit, indicator=ind
                            )
                            continue
                        try:
                            actions.record_manual_score(
                                actor=request.user, round=rnd, unit=unit, indicator=ind, value=value
                            )
                        except ActionError as exc:
                            raise ActionError(
                                exc.message, field=f"{u['name']} / {ind.name}"
                            ) from None
                        saved += 1
        except ActionError as exc:
            messages.error(request, f"{exc.field}: {exc.message}" if exc.field else exc.message)
        else:
            messages.success(request, _("%(n)d scores saved.") % {"n": saved})
            return redirect("assessment:round-scores", uuid=rnd.uuid)
    have = {(m.unit_id, m.indicator_id): m.value for m in rnd.manual_scores.all()}  # type: ignore[attr-defined]
    rows = [
        {
            "unit": u,
            "cells": [
                {
                    "indicator": ind,
                    "name": f"s_{u['id']}_{ind.pk}",
                    "value": request.POST.get(f"s_{u['id']}_{ind.pk}")
                    if request.method == "POST"
                    else have.get((u["id"], ind.pk)),
                }
                for ind in indicators
            ],
        }
        for u in units
    ]
    return render(
        request,
        "assessment/round_scores.html",
        {
            "round": rnd,
            "indicators": indicators,
            "rows": rows,
            "frozen": rnd.status == RoundStatus.PUBLISHED,
        },
    )


@login_required
def round_export(request: HttpRequest, uuid: Any) -> HttpResponse:
    """xlsx: the ranking (rank, unit, score, grade, block scores) and the frozen inputs."""
    from openpyxl import Workbook

    rnd = _round(request, uuid)
    results = visible_results(rnd, request.user)
    snap = rnd.snapshot
    blocks = _block_names(snap)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ranking")[:31]
    ws.append([_("Rank"), _("Unit"), _("Score"), _("Grade"), *blocks.values()])
    for r in results:
        ws.append(
            [
                r.rank,
                r.unit.name,
                r.score,
                GRADE_LABELS.get(r.grade, r.grade),
                *[r.blocks.get(k) for k in blocks],
            ]
        )
    inputs = wb.create_sheet(_("Inputs")[:31])
    indicators = snap.get("indicators", [])
    inputs.append(
        [_("Unit"), *[f"{i['name']} ({_('weight')} {i['weight']:.4f})" for i in indicators]]
    )
    reached = {str(r.unit_id) for r in results}
    for u in snap.get("units", []):
        if str(u["id"]) in reached:
            row = snap["values"].get(str(u["id"]), {})
            inputs.append([u["name"], *[row.get(str(i["id"])) for i in indicators]])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="round-{rnd.uuid}.xlsx"'
    return response


def _block_names(snap: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for ind in snap.get("indicators", []):
        names.setdefault(str(ind.get("block")), ind.get("block_name") or str(ind.get("block")))
    return names


@login_required
def round_pdf(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The print page rendered to PDF by WeasyPrint (CJK fonts from the system)."""
    import weasyprint

    rnd = _round(request, uuid)
    html = render_to_string(
        "assessment/round_print.html", _context(request, rnd) | {"pdf": True}, request=request
    )
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="round-{rnd.uuid}.pdf"'
    return response
