"""Pages of the points app: my points, the activity calendar, an activity (sign-up, check-in,
staff roster and code screen), the shop, the leaderboard, certificates, my party score.

Thin views: look up through visible_to (404 for forbidden and missing alike), call an action,
report its refusal as a message, redirect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from cogov.core.errors import ActionError
from cogov.core.policies import get_policy
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404
from cogov.web.actions import attempt

from . import actions, exports, selectors
from .models import Account, Activity, Certificate, Redemption, RedemptionStatus, ShopItem, Signup
from .policy_kinds import VOLUNTEER
from .predicates import person_of
from .scoring import yearly_score


def _communities(user: Any) -> list[Node]:
    return list(
        Node.objects.visible_to(user).active().of_level(Level.COMMUNITY).order_by("code")[:200]
    )


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    accounts = list(
        Account.objects.filter(person=person).select_related("community").order_by("kind", "pk")
        if person
        else []
    )
    if request.method == "POST":
        account = next((a for a in accounts if str(a.uuid) == request.POST.get("account")), None)
        if account is None:
            raise Http404
        attempt(
            request,
            actions.set_leaderboard_opt_in,
            _("Saved."),
            account=account,
            opt_in=request.POST.get("opt_in") == "1",
        )
        return redirect("points:my-points")
    history = {a.pk: list(a.entries.order_by("-seq")[:50]) for a in accounts}
    member = getattr(person, "party_member", None) if person else None
    return render(
        request,
        "points/my_points.html",
        {
            "person": person,
            "accounts": [(a, history[a.pk]) for a in accounts],
            "member": member,
            "certificates": Certificate.objects.filter(person=person)[:20] if person else [],
        },
    )


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    year, month = selectors.parse_month(request.GET.get("month"))
    activities = list(selectors.calendar(request.user, year, month))
    days: dict[dt.date, list[Activity]] = {}
    for a in activities:
        days.setdefault(timezone.localdate(a.starts_at), []).append(a)
    creatable = [
        c for c in _communities(request.user) if request.user.has_perm("points.create_activity", c)
    ]
    return render(
        request,
        "points/calendar.html",
        {
            "days": sorted(days.items()),
            "month_nav": selectors.month_nav(year, month),
            "creatable": creatable,
        },
    )


def _activity(request: HttpRequest, uuid: Any) -> Activity:
    return get_visible_or_404(
        Activity.objects.select_related("community", "organizer"), request.user, uuid=uuid
    )


@login_required
def activity_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    activity = _activity(request, uuid)
    manage = request.user.has_perm("points.manage_activity", activity)
    policy = get_policy(VOLUNTEER, activity.community, on=timezone.localdate(activity.starts_at))
    kind = policy.type_of(activity.activity_type)
    return render(
        request,
        "points/activity_detail.html",
        {
            "activity": activity,
            "kind": kind,
            "mine": selectors.my_signup(request.user, activity),
            "can_sign_up": request.user.has_perm("points.sign_up", activity),
            "manage": manage,
            "roster": list(selectors.roster(activity)) if manage else [],
        },
    )


@login_required
@require_POST
def activity_action(request: HttpRequest, uuid: Any, action: str) -> HttpResponse:
    activity = _activity(request, uuid)
    back = redirect("points:activity-detail", uuid=activity.uuid)
    if action == "sign-up":
        signup = attempt(request, actions.sign_up, _("Signed up."), activity=activity)
        if signup is not None and signup.status == "waitlisted":
            messages.info(request, _("The activity is full: you are on the waiting list."))
        return back
    if action == "cancel-activity":
        attempt(request, actions.cancel_activity, _("Activity cancelled."), activity=activity)
        return back
    signup = get_visible_or_404(
        Signup.objects.select_related("activity__community", "person").filter(activity=activity),
        request.user,
        uuid=request.POST.get("signup"),
    )
    code = request.POST.get("code", "")
    if action == "cancel":
        attempt(request, actions.cancel_signup, _("Sign-up cancelled."), signup=signup)
    elif action == "check-in":
        attempt(request, actions.check_in, _("Checked in."), signup=signup, code=code)
    elif action == "check-out":
        attempt(request, actions.check_out, _("Checked out. Thank you!"), signup=signup, code=code)
    elif action == "confirm":
        hours = _decimal(request.POST.get("hours"))
        attempt(
            request,
            actions.confirm_attendance,
            _("Attendance confirmed."),
            signup=signup,
            hours=hours,
        )
    else:
        raise Http404
    return back


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


@login_required
def activity_code(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The screen at the venue: the rotating code, refreshed by htmx."""
    activity = _activity(request, uuid)
    purpose = "out" if request.GET.get("purpose") == "out" else "in"
    try:
        code, seconds = actions.current_code(actor=request.user, activity=activity, purpose=purpose)
    except ActionError:
        raise Http404 from None
    template = (
        "points/_code.html" if request.headers.get("HX-Request") else "points/activity_code.html"
    )
    return render(
        request,
        template,
        {"activity": activity, "code": code, "seconds": seconds, "purpose": purpose},
    )


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    communities = [
        c for c in _communities(request.user) if request.user.has_perm("points.create_activity", c)
    ]
    if not communities:
        raise Http404
    community = next(
        (
            c
            for c in communities
            if str(c.uuid) == request.POST.get("community", request.GET.get("community"))
        ),
        communities[0],
    )
    policy = get_policy(VOLUNTEER, community)
    from cogov.organizations.models import Organization, OrgKind

    organizers = list(
        Organization.objects.visible_to(request.user)
        .filter(
            node=community,
            kind__in=[OrgKind.SOCIAL_ORG, OrgKind.CO_CONSTRUCTION_UNIT, OrgKind.VOLUNTEER_TEAM],
        )
        .order_by("name")
    )
    if request.method == "POST":
        starts, ends = (parse_datetime(request.POST.get(k, "")) for k in ("starts_at", "ends_at"))
        organizer = next(
            (o for o in organizers if str(o.uuid) == request.POST.get("organizer")), None
        )
        if starts is None or ends is None:
            messages.error(request, _("Give the start and the end."))
        else:
            tz = timezone.get_current_timezone()
            activity = attempt(
                request,
                actions.create_activity,
                _("Activity published."),
                community=community,
                organizer=organizer,
                title=request.POST.get("title", ""),
                activity_type=request.POST.get("activity_type", ""),
                starts_at=timezone.make_aware(starts, tz) if timezone.is_naive(starts) else starts,
                ends_at=timezone.make_aware(ends, tz) if timezone.is_naive(ends) else ends,
                capacity=int(request.POST.get("capacity") or 0),
                location=request.POST.get("location", ""),
                description=request.POST.get("description", ""),
            )
            if activity is not None:
                return redirect("points:activity-detail", uuid=activity.uuid)
    return render(
        request,
        "points/activity_new.html",
        {
            "communities": communities,
            "community": community,
            "types": policy.activity_types,
            "organizers": organizers,
            "form": request.POST,
        },
    )


@login_required
def activity_export(request: HttpRequest, uuid: Any) -> HttpResponse:
    activity = _activity(request, uuid)
    if not request.user.has_perm("points.manage_activity", activity):
        raise Http404
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return exports.attendance(activity, fmt)


@login_required
def shop(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    if request.method == "POST":
        kind = request.POST.get("do")
        if kind == "redeem":
            item = get_visible_or_404(
                ShopItem.objects.select_related("community"),
                request.user,
                uuid=request.POST.get("item"),
            )
            attempt(request, actions.redeem, _("Redeemed: pick it up at the shop."), item=item)
        else:
            redemption = get_visible_or_404(
                Redemption.objects.select_related("item__community", "account__person"),
                request.user,
                uuid=request.POST.get("redemption"),
            )
            if kind == "pickup":
                attempt(
                    request,
                    actions.confirm_pickup,
                    pgettext("shop", "Handed over."),
                    redemption=redemption,
                )
            elif kind == "cancel":
                attempt(
                    request,
                    actions.cancel_redemption,
                    _("Cancelled; points returned."),
                    redemption=redemption,
                )
            else:
                raise Http404
        return redirect("points:shop")
    items = (
        ShopItem.objects.visible_to(request.user).filter(active=True).select_related("community")
    )
    managed = [
        c for c in _communities(request.user) if request.user.has_perm("points.manage_shop", c)
    ]
    pending = (
        Redemption.objects.visible_to(request.user)
        .filter(status=RedemptionStatus.RESERVED, item__community__in=managed)
        .select_related("item", "account__person")[:100]
        if managed
        else []
    )
    mine = (
        Redemption.objects.filter(account__person=person).select_related("item")[:20]
        if person
        else []
    )
    accounts = (
        list(Account.objects.filter(person=person, kind="points").select_related("community"))
        if person
        else []
    )
    return render(
        request,
        "points/shop.html",
        {"items": items[:200], "pending": pending, "mine": mine, "accounts": accounts},
    )


@login_required
def leaderboard(request: HttpRequest) -> HttpResponse:
    communities = [
        c for c in _communities(request.user) if request.user.has_perm("points.view_leaderboard", c)
    ]
    if not communities:
        raise Http404
    community = next(
        (c for c in communities if str(c.uuid) == request.GET.get("community")), communities[0]
    )
    return render(
        request,
        "points/leaderboard.html",
        {
            "communities": communities,
            "community": community,
            "rows": selectors.leaderboard(community),
        },
    )


@login_required
@require_POST
def certificate_new(request: HttpRequest) -> HttpResponse:
    """A volunteer asks for a certificate of their own service in a community."""
    person = person_of(request.user)
    if person is None:
        raise Http404
    community = get_visible_or_404(
        Node.objects.all(), request.user, uuid=request.POST.get("community")
    )
    start = parse_date(request.POST.get("start", "") or "")
    end = parse_date(request.POST.get("end", "") or "")
    if start is None or end is None:
        messages.error(request, _("Give the period."))
        return redirect("points:my-points")
    certificate = attempt(
        request,
        actions.issue_certificate,
        _("Certificate issued."),
        person=person,
        community=community,
        start=start,
        end=end,
    )
    if certificate is None:
        return redirect("points:my-points")
    return redirect("points:certificate", uuid=certificate.uuid)


@login_required
def certificate(request: HttpRequest, uuid: Any) -> HttpResponse:
    cert = Certificate.objects.select_related("person", "community").filter(uuid=uuid).first()
    if cert is None or not (
        cert.person.user_id == request.user.pk
        or request.user.has_perm("points.manage_points", cert.community)
    ):
        raise Http404
    return render(request, "points/certificate.html", {"cert": cert})


@login_required
def party_score(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    member = getattr(person, "party_member", None) if person else None
    if member is None:
        raise Http404
    year = int(request.GET.get("year") or timezone.localdate().year)
    return render(request, "points/party_score.html", {"score": yearly_score(member, year)})
