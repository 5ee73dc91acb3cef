"""Pages: list, the mobile ballot page, results with every threshold and a chart, the printed
code sheet, voting with a code, paper and proxy ballots, and the two exports.

Exports keep the secret-ballot split: `participation.csv` says WHO took part (no ballot id, no
time in a secret vote), `ballots.csv` is the public ballot log (WHAT was chosen, no elector).
"""

from __future__ import annotations

import csv
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.core.errors import ActionError, NotAllowed
from cogov.organizations.models import Organization
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404

from . import actions, integrity, selectors
from .forms import VoteForm
from .models import (
    MULTIPLE_CHOICE_KINDS,
    Ballot,
    BallotKind,
    Channel,
    Elector,
    ElectorAccount,
    Participation,
    Vote,
)


def _vote(request: HttpRequest, uuid: Any, perm: str = "voting.view_vote") -> Vote:
    vote = get_visible_or_404(
        Vote.objects.select_related("node", "organization"), request.user, uuid=uuid
    )
    if not request.user.has_perm(perm, vote):
        raise Http404
    return vote


def _options(vote: Vote) -> list[dict[str, Any]]:
    return [
        {"key": k, "label": vote.option_label(k), "cost": vote.option_cost(k)}
        for k in vote.option_keys()
    ]


def _organisable_communities(user: Any) -> Any:
    """The communities whose votes `user` organises (a few dozen at most: filtered in Python
    because the permission is a rules predicate)."""
    communities = Node.objects.visible_to(user).filter(level=Level.COMMUNITY).order_by("code")
    allowed = [n.pk for n in communities if user.has_perm("voting.organize_vote", n)]
    return Node.objects.filter(pk__in=allowed).order_by("code")


@login_required
def vote_list(request: HttpRequest) -> HttpResponse:
    """The votes the user may see, grouped by community; `?community=<uuid>` shows one."""
    user: Any = request.user
    votes = Vote.objects.visible_to(user).select_related("node").order_by("node__code", "-opens_at")
    communities = Node.objects.visible_to(user).filter(
        pk__in=Vote.objects.visible_to(user).values("node_id")
    )
    community = None
    if request.GET.get("community"):
        community = get_visible_or_404(Node.objects, user, uuid=request.GET["community"])
        votes = votes.filter(node=community)
    groups: dict[Any, list[Vote]] = {}
    for vote in votes[:200]:
        groups.setdefault(vote.node, []).append(vote)
    return render(
        request,
        "voting/vote_list.html",
        {
            "groups": list(groups.items()),
            "community": community,
            "communities": communities.order_by("code"),
            "can_create": _organisable_communities(user).exists(),
            "section": "voting",
        },
    )


@login_required
def vote_create(request: HttpRequest) -> HttpResponse:
    """Staff draft one vote per question and, unless told not to, open them at once."""
    user: Any = request.user
    communities = _organisable_communities(user)
    if not communities.exists():
        raise Http404
    organizations = (
        Organization.objects.visible_to(user)
        .filter(node__in=communities)
        .order_by("node__code", "name")
    )
    initial: dict[str, Any] = {"opens_at": timezone.localtime().replace(second=0, microsecond=0)}
    if request.GET.get("community"):
        initial["community"] = communities.filter(uuid=request.GET["community"]).first()
    form = VoteForm(
        request.POST or None,
        initial=initial,
        communities=communities,
        organizations=organizations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        questions = data["question_list"]
        options = [{"key": str(i), "label": o} for i, o in enumerate(data["option_list"], 1)]
        created: list[Vote] = []
        try:
            with transaction.atomic():
                for i, question in enumerate(questions, 1):
                    if len(questions) == 1:
                        title, description = data["title"], question
                    else:
                        title = f"{data['title']} ({i}/{len(questions)}): {question}"[:200]
                        description = ""
                    if data["description"]:
                        description = f"{description}\n\n{data['description']}".strip()
                    vote = actions.create_vote(
                        actor=user,
                        node=data["community"],
                        organization=data["organization"],
                        title=title,
                        description=description,
                        electorate=data["electorate"],
                        rule=data["rule"],
                        matter=data["matter"],
                        ballot_kind=data["ballot_kind"],
                        options=options,
                        secret=data["secret"],
                        mode=data["mode"],
                        opens_at=data["opens_at"],
                        closes_at=data["closes_at"],
                    )
                    if data["open_now"]:
                        vote = actions.open_vote(actor=user, vote=vote)
                    created.append(vote)
        except (ActionError, NotAllowed) as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            if len(created) == 1:
                return redirect("voting:vote-detail", uuid=created[0].uuid)
            url = reverse("voting:vote-list") + f"?community={data['community'].uuid}"
            return redirect(url)
    return render(request, "voting/vote_form.html", {"form": form, "section": "voting"})


@login_required
def vote_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The ballot page (mobile first) and, for organisers, the controls of the vote."""
    vote = _vote(request, uuid)
    user: Any = request.user
    electors = [
        link.elector
        for link in ElectorAccount.objects.filter(vote=vote, user=user).select_related("elector")
    ]
    voted = set(
        Participation.objects.filter(vote=vote, elector__in=electors).values_list(
            "elector_id", flat=True
        )
    )
    pending = [e for e in electors if e.pk not in voted]
    return render(
        request,
        "voting/vote_detail.html",
        {
            "vote": vote,
            "options": _options(vote),
            "pending": pending,
            "already_voted": bool(electors) and not pending,
            "is_elector": bool(electors),
            "can_organise": user.has_perm("voting.organize_vote", vote),
            "can_see_results": user.has_perm("voting.view_results", vote),
            "multiple": vote.ballot_kind in MULTIPLE_CHOICE_KINDS,
            "budget_limit": vote.budget_limit,
            "ranked": vote.ballot_kind == BallotKind.RANKED,
            "section": "voting",
        },
    )


def _choice_from(request: HttpRequest, vote: Vote) -> list[str]:
    if vote.ballot_kind == BallotKind.RANKED:
        ranks: list[tuple[int, str]] = []
        for key in vote.option_keys():
            raw = request.POST.get(f"rank-{key}", "").strip()
            if raw:
                try:
                    ranks.append((int(raw), key))
                except ValueError:
                    raise ActionError(_("Ranks are numbers."), field="choice") from None
        return [key for _rank, key in sorted(ranks)]
    return request.POST.getlist("choice")


@login_required
@require_POST
def cast(request: HttpRequest, uuid: Any) -> HttpResponse:
    vote = _vote(request, uuid)
    elector = None
    if request.POST.get("elector"):
        elector = Elector.objects.filter(vote=vote, pk=request.POST["elector"]).first()
    try:
        ballot = actions.cast_ballot(
            actor=request.user, vote=vote, choice=_choice_from(request, vote), elector=elector
        )
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("voting:vote-detail", uuid=vote.uuid)
    messages.success(
        request,
        _("Your ballot is recorded as entry %(seq)s, hash %(hash)s.")
        % {"seq": ballot.seq, "hash": ballot.hash[:16]},
    )
    return redirect("voting:vote-detail", uuid=vote.uuid)


@login_required
@require_POST
def step(request: HttpRequest, uuid: Any, name: str) -> HttpResponse:
    vote = _vote(request, uuid)
    funcs = {
        "open": actions.open_vote,
        "close": actions.close_vote,
        "tally": actions.tally_vote,
    }
    if name not in funcs:
        raise Http404
    try:
        funcs[name](actor=request.user, vote=vote)
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("voting:vote-detail", uuid=vote.uuid)


@login_required
def results(request: HttpRequest, uuid: Any) -> HttpResponse:
    vote = _vote(request, uuid, "voting.view_results")
    return render(
        request,
        "voting/results.html",
        {"vote": vote, "r": selectors.results_context(vote), "section": "voting"},
    )


@login_required
def codes(request: HttpRequest, uuid: Any) -> HttpResponse:
    """GET: how many electors would get a code. POST: issue them and show the printable sheet
    (the clear codes exist only in this response)."""
    vote = _vote(request, uuid, "voting.organize_vote")
    if request.method == "POST":
        try:
            issued = actions.issue_codes(actor=request.user, vote=vote)
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect("voting:vote-detail", uuid=vote.uuid)
        response = render(
            request,
            "voting/code_sheet.html",
            {"vote": vote, "issued": issued, "options": _options(vote), "section": "voting"},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "voting/codes.html", {"vote": vote, "section": "voting"})


def code_vote(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Vote with a printed one-time code; no account needed (the code is the credential)."""
    vote = Vote.objects.filter(uuid=uuid).first()
    if vote is None or not vote.is_open():
        raise Http404
    done = None
    if request.method == "POST":
        try:
            ballot = actions.cast_with_code(
                actor=request.user if request.user.is_authenticated else None,
                vote=vote,
                code=request.POST.get("code", ""),
                choice=_choice_from(request, vote),
            )
            done = ballot
        except ActionError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "voting/code_vote.html",
        {
            "vote": vote,
            "options": _options(vote),
            "done": done,
            "multiple": vote.ballot_kind in MULTIPLE_CHOICE_KINDS,
            "budget_limit": vote.budget_limit,
            "ranked": vote.ballot_kind == BallotKind.RANKED,
        },
    )


@login_required
def record(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Staff enter a paper ballot or a proxy ballot (with its written authorisation)."""
    vote = _vote(request, uuid, "voting.record_ballot")
    if request.method == "POST":
        elector = Elector.objects.filter(vote=vote, pk=request.POST.get("elector") or 0).first()
        try:
            if elector is None:
                raise ActionError(_("Choose the elector."), field="elector")
            actions.record_ballot(
                actor=request.user,
                vote=vote,
                elector=elector,
                choice=_choice_from(request, vote),
                channel=request.POST.get("channel", Channel.PAPER),
                document_ref=request.POST.get("document_ref", ""),
            )
            messages.success(request, _("Ballot recorded for %(who)s.") % {"who": elector.label})
        except (ActionError, NotAllowed) as exc:
            messages.error(request, exc.message)
        return redirect("voting:record", uuid=vote.uuid)
    voted = Participation.objects.filter(vote=vote).values("elector_id")
    electors = Elector.objects.filter(vote=vote).exclude(pk__in=voted).order_by("label")
    return render(
        request,
        "voting/record.html",
        {
            "vote": vote,
            "electors": electors[:2000],
            "options": _options(vote),
            "multiple": vote.ballot_kind in MULTIPLE_CHOICE_KINDS,
            "budget_limit": vote.budget_limit,
            "ranked": vote.ballot_kind == BallotKind.RANKED,
            "section": "voting",
        },
    )


def _csv(name: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    return response, csv.writer(response)


@login_required
def participation_export(request: HttpRequest, uuid: Any) -> HttpResponse:
    """WHO took part. Secret votes: no ballot id, no time (nothing to join with ballots.csv)."""
    vote = _vote(request, uuid, "voting.organize_vote")
    response, out = _csv(f"participation-{vote.uuid}.csv")
    rows = (
        Participation.objects.filter(vote=vote)
        .select_related("elector")
        .order_by("elector__label", "elector__pk")
    )
    if vote.secret:
        out.writerow(["elector", "channel", "document_ref"])
        for p in rows:
            out.writerow([p.elector.label, p.channel, p.document_ref])
    else:
        out.writerow(["elector", "channel", "document_ref", "at", "ballot", "choice"])
        ballots = {b.id: b for b in Ballot.objects.filter(vote=vote)}
        for p in rows:
            b = ballots.get(p.ballot_id) if p.ballot_id else None
            out.writerow(
                [
                    p.elector.label,
                    p.channel,
                    p.document_ref,
                    p.at.isoformat() if p.at else "",
                    b.seq if b else "",
                    " > ".join(b.choice) if b else "",
                ]
            )
    return response


@login_required
def ballots_export(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The public ballot log, for anyone to recompute the chain (see docs/voting.md)."""
    vote = _vote(request, uuid, "voting.verify_vote")
    response, out = _csv(f"ballots-{vote.uuid}.csv")
    out.writerow(["seq", "ballot", "choice", "heads", "area", "prev_hash", "hash"])
    for b in Ballot.objects.filter(vote=vote).order_by("seq"):
        out.writerow(
            [b.seq, b.id, json.dumps(b.choice), b.heads, f"{b.area:.2f}", b.prev_hash, b.hash]
        )
    return response


@login_required
def verify(request: HttpRequest, uuid: Any) -> HttpResponse:
    vote = _vote(request, uuid, "voting.verify_vote")
    report = integrity.verify(vote)
    return render(
        request, "voting/verify.html", {"vote": vote, "report": report, "section": "voting"}
    )
