"""Surveys and satisfaction questionnaires: compose (questions as data), answer, results;
and custom procedures composed by staff."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cogov.web.access import get_visible_or_404

from .. import actions as a
from .. import voting_bridge
from ..models import BodyKind, Procedure, QuestionKind, Resolution, StepKind, Survey, SurveyKind
from .common import as_uuid, back, my_communities, posted_datetime, run


def parse_questions(textarea: str) -> list[dict[str, Any]]:
    """One question per line: `kind | question | option; option` (scale: `scale | q | 1-5`)."""
    rows = []
    for line in textarea.splitlines():
        if not line.strip():
            continue
        parts = [x.strip() for x in line.split("|")]
        kind, text = parts[0], parts[1] if len(parts) > 1 else ""
        row: dict[str, Any] = {"kind": kind, "text": text}
        extra = parts[2] if len(parts) > 2 else ""
        if kind == QuestionKind.SCALE and "-" in extra:
            lo, hi = extra.split("-", 1)
            row.update(scale_min=int(lo or 1), scale_max=int(hi or 5))
        elif extra:
            row["options"] = [o.strip() for o in extra.replace("；", ";").split(";") if o.strip()]
        rows.append(row)
    return rows


@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    communities = [
        c
        for c in my_communities(request.user)
        if request.user.has_perm("deliberation.organise_meeting", c)
    ]
    if not communities:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    resolution = None
    if data.get("resolution"):
        resolution = get_visible_or_404(
            Resolution.objects.all(), request.user, uuid=as_uuid(data["resolution"])
        )
    if request.method == "POST":
        node = (
            resolution.node
            if resolution
            else next(
                (c for c in communities if str(c.uuid) == data.get("community")), communities[0]
            )
        )
        try:
            questions = parse_questions(data.get("questions", ""))
        except ValueError:
            questions = []
        survey = run(
            request,
            a.create_survey,
            node=node,
            title=data.get("title", ""),
            questions=questions,
            kind=data.get("kind") or SurveyKind.SURVEY,
            anonymous=bool(data.get("anonymous")),
            resolution=resolution,
            topic=resolution.topic if resolution else None,
            closes_at=posted_datetime(data.get("closes_at")),
        )
        if survey is not None:
            return redirect("deliberation:survey-detail", uuid=survey.uuid)
    return render(
        request,
        "deliberation/survey_form.html",
        {
            "communities": communities,
            "data": data,
            "kinds": SurveyKind.choices,
            "resolution": resolution,
            "section": "deliberation",
        },
    )


@login_required
def survey_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    survey = get_visible_or_404(Survey.objects.select_related("node"), request.user, uuid=uuid)
    if request.method == "POST":
        action = request.POST.get("action", "answer")
        if action == "open":
            run(request, a.open_survey, _("The survey is open."), survey=survey)
        elif action == "close":
            run(request, a.close_survey, _("The survey is closed."), survey=survey)
        else:
            answers: dict[str, Any] = {}
            for q in survey.questions.all():
                key = f"q{q.pk}"
                answers[str(q.pk)] = (
                    request.POST.getlist(key)
                    if q.kind == QuestionKind.MULTIPLE
                    else request.POST.get(key)
                )
            run(
                request,
                a.submit_response,
                _("Thank you for your answers."),
                survey=survey,
                answers=answers,
            )
        return back(request, f"/deliberation/surveys/{survey.uuid}/")
    organiser = request.user.has_perm("deliberation.organise_meeting", survey)
    answered = survey.participations.filter(user=request.user).exists()
    questions = list(survey.questions.all())
    for q in questions:
        q.scale_values = range(q.scale_min, q.scale_max + 1)  # type: ignore[attr-defined]
    return render(
        request,
        "deliberation/survey_detail.html",
        {
            "survey": survey,
            "questions": questions,
            "answered": answered,
            "organiser": organiser,
            "results": a.survey_results(survey) if organiser or survey.status == "closed" else None,
            "section": "deliberation",
        },
    )


@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    communities = my_communities(request.user)
    ids = {i for c in communities for i in c.ancestor_ids(include_self=True)}
    from django.db.models import Q

    procedures = Procedure.objects.filter(
        Q(node__isnull=True) | Q(node_id__in=ids)
    ).prefetch_related("steps")
    managed = [c for c in communities if request.user.has_perm("deliberation.manage_procedures", c)]
    return render(
        request,
        "deliberation/procedure_list.html",
        {
            "procedures": procedures,
            "can_compose": bool(managed),
            "section": "deliberation",
        },
    )


@login_required
def procedure_create(request: HttpRequest) -> HttpResponse:
    """Compose a custom procedure: one step per line, `kind | body | rule | name`."""
    communities = [
        c
        for c in my_communities(request.user)
        if request.user.has_perm("deliberation.manage_procedures", c)
    ]
    if not communities:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        node = next(
            (c for c in communities if str(c.uuid) == data.get("community")), communities[0]
        )
        steps = []
        for line in data.get("steps", "").splitlines():
            parts = [x.strip() for x in line.split("|")]
            if len(parts) >= 4:
                steps.append(
                    {"kind": parts[0], "body": parts[1], "rule": parts[2], "name": parts[3]}
                )
        procedure = run(
            request,
            a.create_procedure,
            _("Procedure saved."),
            node=node,
            key=data.get("key", ""),
            name=data.get("name", ""),
            steps=steps,
            description=data.get("description", ""),
        )
        if procedure is not None:
            return redirect("deliberation:procedure-list")
    return render(
        request,
        "deliberation/procedure_form.html",
        {
            "communities": communities,
            "data": data,
            "kinds": StepKind.choices,
            "bodies": BodyKind.choices,
            "rules": voting_bridge.rule_choices(),
            "section": "deliberation",
        },
    )
