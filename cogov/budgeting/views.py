"""Pages of participatory budgeting: the list of rounds, a round with its phase actions, the
proposal form with cost items, screening with reasons, the council's review, the vote (on the
voting app's ballot page), the public printable results page (no login), progress reports and
acceptance. Thin views: look up (404 for missing and forbidden alike), validate, call an
action, redirect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.core.errors import ActionError
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404

from . import actions, selectors
from .forms import ProposalForm, RoundForm, parse_items
from .models import Proposal, Round, RoundStatus


def _round(request: HttpRequest, uuid: Any) -> Round:
    return get_visible_or_404(Round.objects.select_related("node"), request.user, uuid=uuid)  # type: ignore[no-any-return]


def _proposal(request: HttpRequest, uuid: Any) -> Proposal:
    return get_visible_or_404(  # type: ignore[no-any-return]
        Proposal.objects.select_related("round__node", "grid", "organization"),
        request.user,
        uuid=uuid,
    )


def _manageable_nodes(user: Any) -> list[Node]:
    nodes = Node.objects.visible_to(user).filter(level__in=[Level.COMMUNITY, Level.STREET])
    return [n for n in nodes.order_by("code") if user.has_perm("budgeting.manage_round", n)]


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = (
        Round.objects.visible_to(request.user)
        .select_related("node")
        .order_by("-year", "node__code", "-pk")[:200]
    )
    return render(
        request,
        "budgeting/round_list.html",
        {
            "rounds": rounds,
            "can_create": bool(_manageable_nodes(request.user)),
            "section": "budgeting",
        },
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    nodes = _manageable_nodes(request.user)
    if not nodes:
        raise Http404
    form = RoundForm(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round = actions.create_round(actor=request.user, **data)
        except ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("budgeting:round-detail", uuid=round.uuid)
    return render(request, "budgeting/round_form.html", {"form": form, "section": "budgeting"})


@login_required
def round_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    round = _round(request, uuid)
    context = selectors.round_context(round, request.user)
    context["section"] = "budgeting"
    return render(request, "budgeting/round_detail.html", context)


ROUND_ACTIONS = {
    "open-collection": lambda u, r, p: actions.open_collection(actor=u, round=r),
    "close-collection": lambda u, r, p: actions.close_collection(
        actor=u, round=r, note=p.get("note", "")
    ),
    "finish-screening": lambda u, r, p: actions.finish_screening(actor=u, round=r),
    "start-vote": lambda u, r, p: actions.start_vote(actor=u, round=r),
    "count": lambda u, r, p: actions.count_and_select(actor=u, round=r, note=p.get("note", "")),
    "approve": lambda u, r, p: actions.approve_round(actor=u, round=r, note=p.get("note", "")),
    "close": lambda u, r, p: actions.close_round(actor=u, round=r, note=p.get("note", "")),
    "cancel": lambda u, r, p: actions.cancel_round(actor=u, round=r, note=p.get("note", "")),
}


@login_required
@require_POST
def round_action(request: HttpRequest, uuid: Any, action: str) -> HttpResponse:
    round = _round(request, uuid)
    run = ROUND_ACTIONS.get(action)
    if run is None:
        raise Http404
    try:
        run(request.user, round, request.POST)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("budgeting:round-detail", uuid=round.uuid)


@login_required
def proposal_create(request: HttpRequest, uuid: Any) -> HttpResponse:
    round = _round(request, uuid)
    if not request.user.has_perm("budgeting.submit_proposal", round):
        raise Http404
    form = ProposalForm(request.POST or None, round=round)
    item_rows = 5
    if request.method == "POST" and form.is_valid():
        try:
            proposal = actions.submit_proposal(
                actor=request.user,
                round=round,
                items=parse_items(request.POST),
                **form.cleaned_data,
            )
        except ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("Your proposal %(ref)s is submitted.") % {"ref": proposal.reference}
            )
            return redirect("budgeting:proposal-detail", uuid=proposal.uuid)
    return render(
        request,
        "budgeting/proposal_form.html",
        {
            "form": form,
            "round": round,
            "rows": range(1, item_rows + 1),
            "posted": request.POST,
            "policy": selectors.policy_for(round),
            "open": round.phase_active(RoundStatus.COLLECTING),
            "section": "budgeting",
        },
    )


@login_required
def proposal_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    proposal = _proposal(request, uuid)
    context = selectors.proposal_context(proposal, request.user)
    context["section"] = "budgeting"
    return render(request, "budgeting/proposal_detail.html", context)


def _date(value: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ActionError(_("Dates are written 2026-05-31."), field="date") from None


def _screen(u: Any, p: Proposal, post: Any) -> Any:
    return actions.screen_proposal(
        actor=u, proposal=p, eligible=post.get("decision") == "in", reason=post.get("reason", "")
    )


def _council(u: Any, p: Proposal, post: Any) -> Any:
    return actions.record_council_review(
        actor=u,
        proposal=p,
        members=post.get("members") or 0,
        present=post.get("present") or 0,
        yes=post.get("yes") or 0,
        no=post.get("no") or 0,
        abstain=post.get("abstain") or 0,
        score=post.get("score", ""),
        note=post.get("note", ""),
    )


def _progress(u: Any, p: Proposal, post: Any) -> Any:
    return actions.report_progress(
        actor=u,
        proposal=p,
        title=post.get("title", ""),
        percent=post.get("percent", ""),
        evidence=post.get("evidence", ""),
        reported_on=_date(post.get("reported_on", "")),
    )


def _accept(u: Any, p: Proposal, post: Any) -> Any:
    names = [n for line in post.get("representatives", "").splitlines() for n in line.split("、")]
    return actions.record_acceptance(
        actor=u,
        proposal=p,
        representatives=names,
        satisfaction=post.get("satisfaction", ""),
        passed=post.get("passed") == "yes",
        note=post.get("note", ""),
    )


PROPOSAL_ACTIONS = {
    "screen": _screen,
    "council": _council,
    "progress": _progress,
    "accept": _accept,
    "close": lambda u, p, post: actions.close_proposal(
        actor=u, proposal=p, final_cost=post.get("final_cost", ""), note=post.get("note", "")
    ),
    "withdraw": lambda u, p, post: actions.withdraw_proposal(
        actor=u, proposal=p, note=post.get("note", "")
    ),
}


@login_required
@require_POST
def proposal_action(request: HttpRequest, uuid: Any, action: str) -> HttpResponse:
    proposal = _proposal(request, uuid)
    run = PROPOSAL_ACTIONS.get(action)
    if run is None:
        raise Http404
    try:
        run(request.user, proposal, request.POST)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    back = request.POST.get("next", "")
    if back == "round":
        return redirect("budgeting:round-detail", uuid=proposal.round.uuid)
    return redirect("budgeting:proposal-detail", uuid=proposal.uuid)


def round_results(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The public, printable page of a round (no login): every proposal with its outcome,
    rejection reasons, the council's numbers, the tally, the winners with the rule's
    explanation step by step, and the commitments in the funds ledger."""
    round = get_object_or_404(Round.objects.public().select_related("node"), uuid=uuid)
    context = selectors.public_context(round)
    context["generated_at"] = timezone.now()
    return render(request, "budgeting/results.html", context)
