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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.core.errors import ActionError, NotAllowed
from cogov.web.access import get_visible_or_404

from . import actions, integrity
from .models import Ballot, BallotKind, Channel, Elector, ElectorAccount, Participation, Vote
from .thresholds import THRESHOLD_LABELS, Result


def _vote(request: HttpRequest, uuid: Any, perm: str = "voting.view_vote") -> Vote:
    vote = get_visible_or_404(
        Vote.objects.select_related("node", "organization"), request.user, uuid=uuid
    )
    if not request.user.has_perm(perm, vote):
        raise Http404
    return vote


def _options(vote: Vote) -> list[dict[str, str]]:
    return [{"key": k, "label": vote.option_label(k)} for k in vote.option_keys()]


@login_required
def vote_list(request: HttpRequest) -> HttpResponse:
    votes = Vote.objects.visible_to(request.user).select_related("node").order_by("-opens_at")
    return render(request, "voting/vote_list.html", {"votes": votes[:100], "section": "voting"})


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
            "multiple": vote.ballot_kind in (BallotKind.APPROVAL, BallotKind.RANKED),
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
    if vote.result:
        result = Result.from_dict(vote.result)
        provisional = False
    else:
        from .tally import tally

        result = tally(vote)
        provisional = True
    chart = {
        "labels": [vote.option_label(k) for k in result.counts],
        "heads": [str(float_free(v["heads"])) for v in result.counts.values()],
        "area": [str(float_free(v["area"])) for v in result.counts.values()],
        "weighted": bool(vote.rule_snapshot.get("weighted")),
    }
    return render(
        request,
        "voting/results.html",
        {
            "vote": vote,
            "result": result,
            "provisional": provisional,
            "thresholds": [
                {"t": t, "label": THRESHOLD_LABELS.get(t.name, t.name)} for t in result.thresholds
            ],
            "failed": [str(THRESHOLD_LABELS.get(t.name, t.name)) for t in result.failed_thresholds],
            "counts": [{"label": vote.option_label(k), **v} for k, v in result.counts.items()],
            "ranking": [
                {**row, "label": vote.option_label(row["option"])} for row in result.ranking
            ],
            "chart": chart,
            "digest": vote.digest,
            "section": "voting",
        },
    )


def float_free(fraction_text: str) -> str:
    """ "1593/2" → "796.50" for the chart (Decimal arithmetic, never float)."""
    from decimal import Decimal
    from fractions import Fraction

    f = Fraction(fraction_text)
    return f"{(Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal('0.01'))}"


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
            "multiple": vote.ballot_kind in (BallotKind.APPROVAL, BallotKind.RANKED),
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
            "multiple": vote.ballot_kind in (BallotKind.APPROVAL, BallotKind.RANKED),
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
