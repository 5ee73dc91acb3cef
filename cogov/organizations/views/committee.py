"""Pages of the joint party committee (member units, rotation calendar, meetings, decisions,
agreements) and of a unit (what it pledged and delivered)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.web.access import get_visible_or_404
from cogov.web.actions import attempt

from .. import actions, selectors
from ..models import JointCommittee, Organization
from .directory import _may_browse


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@login_required
def committee_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    committee = get_visible_or_404(
        JointCommittee.objects.select_related("organization__node"), request.user, uuid=uuid
    )
    year = _year(request)
    user = request.user
    calendar = selectors.rotation_year(committee, year)
    may_manage = user.has_perm("organizations.manage_committee", committee.organization)
    for month in calendar:
        unit = month.slot.unit
        month.may_act = may_manage or bool(  # type: ignore[attr-defined]
            unit and user.has_perm("organizations.act_for_unit", unit)
        )
    return render(
        request,
        "organizations/committee_detail.html",
        {
            "section": "organizations",
            "committee": committee,
            "year": year,
            "years": [year - 1, year + 1],
            "calendar": calendar,
            "regular": selectors.regular_meetings(committee, year),
            "units": committee.units.select_related("unit").order_by("rotation_order", "pk"),
            "members": committee.members.filter(ended_on__isnull=True).select_related(
                "user", "unit", "term"
            ),
            "meetings": committee.meetings.select_related("chair_unit")[:12],
            "decisions": committee.decisions.all()[:12],
            "agreements": committee.agreements.select_related("unit").prefetch_related("reviews"),
            "may_manage": may_manage,
        },
    )


@login_required
@require_POST
def committee_create(request: HttpRequest, uuid: Any) -> HttpResponse:
    org = get_visible_or_404(Organization.objects.select_related("node"), request.user, uuid=uuid)
    committee = attempt(
        request, actions.create_committee, _("The joint committee is set up."), organization=org
    )
    if committee is None:
        return redirect("organizations:org-detail", uuid=org.uuid)
    return redirect("organizations:committee-detail", uuid=committee.uuid)


@login_required
@require_POST
def committee_rotation(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Generate the year's calendar, or act on one period (plan, take the chair, hand over)."""
    committee = get_visible_or_404(
        JointCommittee.objects.select_related("organization__node"), request.user, uuid=uuid
    )
    action = request.POST.get("action", "")
    year = request.POST.get("year", "")
    if action == "generate":
        try:
            y = int(year)
        except ValueError:
            raise Http404 from None
        attempt(
            request,
            actions.generate_rotation,
            _("The rotation calendar is ready."),
            committee=committee,
            year=y,
        )
        return redirect(f"{request.path.rsplit('rotation/', 1)[0]}?year={y}")
    starts_on = parse_date(request.POST.get("slot", "") or "")
    slot = (
        committee.rotation.select_related("unit", "committee__organization")
        .filter(starts_on=starts_on)
        .first()
        if starts_on
        else None
    )
    if slot is None:
        raise Http404
    text = request.POST.get("text", "")
    if action == "plan":
        attempt(request, actions.set_activity_plan, _("Plan saved."), slot=slot, plan=text)
    elif action == "start":
        attempt(request, actions.start_chair, _("Your unit has the chair."), slot=slot)
    elif action == "hand_over":
        attempt(request, actions.hand_over, _("Handed over."), slot=slot, summary=text)
    else:
        raise Http404
    return redirect(f"{request.path.rsplit('rotation/', 1)[0]}?year={slot.starts_on.year}")


@login_required
@require_POST
def committee_meeting(request: HttpRequest, uuid: Any) -> HttpResponse:
    committee = get_visible_or_404(
        JointCommittee.objects.select_related("organization__node"), request.user, uuid=uuid
    )
    at = parse_datetime(request.POST.get("at", "") or "")
    if at is None:
        messages.error(request, _("Give the date and time."))
    else:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        attempt(
            request,
            actions.convene_meeting,
            _("The meeting is called."),
            committee=committee,
            at=at,
            topics=request.POST.get("topics", ""),
            place=request.POST.get("place", ""),
        )
    return redirect("organizations:committee-detail", uuid=committee.uuid)


@login_required
def unit_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    """A unit's page: what it pledged (agreements, reviews) and delivered (its members' hours,
    posts claimed, the periods it chaired)."""
    _may_browse(request.user)
    unit = get_visible_or_404(Organization.objects.select_related("node"), request.user, uuid=uuid)
    year = _year(request)
    return render(
        request,
        "organizations/unit_detail.html",
        {
            "section": "organizations",
            "unit": unit,
            "year": year,
            "years": [year - 1, year + 1],
            "c": selectors.unit_contribution(unit, year),
            "may_act": request.user.has_perm("organizations.act_for_unit", unit),
        },
    )
