"""Pages of micro-wishes: the list, submitting a wish, a wish (identity shown only to those
entitled to it), and its steps from verification to acknowledgement."""

from __future__ import annotations

import uuid as uuid_lib

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cogov.web.access import get_visible_or_404

from .. import actions
from ..models import Wish
from .common import _do, _my_orgs, _org


@login_required
def wish_list(request: HttpRequest) -> HttpResponse:
    visible = Wish.objects.visible_to(request.user).select_related("community")
    return render(
        request,
        "cooperation/wishes.html",
        {
            "available": visible.on_the_list()[:200],
            "mine": visible.filter(claimant=request.user).exclude(status="published")[:50],
            "pending": visible.filter(status__in=("submitted", "verified"))[:100],
        },
    )


@login_required
def wish_new(request: HttpRequest) -> HttpResponse:
    from cogov.people.models import Person

    people = Person.objects.visible_to(request.user).select_related("household__building")
    if request.method == "POST":
        person = get_visible_or_404(
            Person.objects.select_related("grid"),
            request.user,
            uuid=request.POST.get("beneficiary"),
        )
        wish = _do(
            request,
            actions.submit_wish,
            beneficiary=person,
            title=request.POST.get("title", ""),
            value=request.POST.get("value", ""),
            description=request.POST.get("description", ""),
        )
        if wish is not None:
            return redirect("cooperation:wish-detail", uuid=wish.uuid)
    return render(request, "cooperation/wish_form.html", {"people": people[:200]})


@login_required
def wish_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> HttpResponse:
    wish = get_visible_or_404(
        Wish.objects.select_related("community", "beneficiary__household__building"),
        request.user,
        uuid=uuid,
    )
    user = request.user
    lock = (
        getattr(wish, "lock", None)
        if wish.status in ("published", "claimed", "fulfilled", "acknowledged")
        else None
    )
    now = timezone.now()
    return render(
        request,
        "cooperation/wish.html",
        {
            "wish": wish,
            "lock": lock,
            "identity": actions.beneficiary_identity(actor=user, wish=wish),
            "verify": user.has_perm("cooperation.verify_wish", wish),
            "can_claim": Wish.objects.filter(pk=wish.pk).on_the_list(now).exists()
            and user.has_perm("cooperation.claim_wish", wish),
            "holds": user.has_perm("cooperation.fulfil_wish", wish) and wish.status == "claimed",
            "can_acknowledge": wish.status == "fulfilled"
            and user.has_perm("cooperation.acknowledge_wish", wish),
            "events": wish.events.select_related("actor"),
            "orgs": _my_orgs(request),
        },
    )


WISH_STEPS = ("verify", "reject", "publish", "claim", "release", "fulfil", "acknowledge")


@login_required
@require_POST
def wish_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str) -> HttpResponse:
    wish = get_visible_or_404(
        Wish.objects.select_related("community", "beneficiary"), request.user, uuid=uuid
    )
    p = request.POST
    if step == "verify" or step == "reject":
        _do(
            request,
            actions.verify_wish,
            wish=wish,
            approved=step == "verify",
            visit_note=p.get("note", ""),
        )
    elif step == "publish":
        _do(request, actions.publish_wish, wish=wish, pseudonym=p.get("pseudonym", ""))
    elif step == "claim":
        _do(request, actions.claim_wish, wish=wish, organization=_org(p.get("organization")))
    elif step == "release":
        _do(request, actions.release_wish, wish=wish, note=p.get("note", ""))
    elif step == "fulfil":
        _do(
            request,
            actions.fulfil_wish,
            wish=wish,
            evidence=[e for e in p.get("evidence", "").splitlines()],
            note=p.get("note", ""),
        )
    elif step == "acknowledge":
        _do(request, actions.acknowledge_wish, wish=wish, note=p.get("note", ""))
    else:
        raise Http404
    return redirect("cooperation:wish-detail", uuid=uuid)
