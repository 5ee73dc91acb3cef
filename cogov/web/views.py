"""The web shell: the home page per role and the inbox."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from cogov.accounts import roles
from cogov.accounts.scopes import reach
from cogov.core.actions import mark_notification_read
from cogov.core.models import Notification
from cogov.organizations.models import Organization
from cogov.people.models import Person, Verification
from cogov.territory.models import Household, Level, Node

from .counts import counts_under


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the user's roles cover: staff their nodes (with counts), verifiers what waits for
    them, residents their household and community, organization roles their organizations."""
    user: Any = request.user
    r = reach(user)
    context: dict[str, Any] = {"section": "home"}

    # Staff: the nodes of their node-scoped roles (the top-level nodes for administrators).
    staff_grants = [g for g in r.grants if g.role.staff and g.node_id]
    if r.everything:
        nodes = list(Node.objects.active().filter(parent__isnull=True))
        node_roles: dict[int, list[Any]] = {n.pk: [roles.ROLES["admin"].label] for n in nodes}
    else:
        node_roles = {}
        for g in staff_grants:
            node_roles.setdefault(g.node_id, []).append(g.role.label)  # type: ignore[arg-type]
        nodes = list(Node.objects.filter(pk__in=node_roles).order_by("code"))
    counts = counts_under(nodes)
    context["scope_nodes"] = [
        {
            "node": n,
            "counts": counts[n.pk],
            "roles": node_roles.get(n.pk, []),
            "browsable": r.can(roles.TERRITORY, n),
        }
        for n in nodes
    ]

    if r.can(roles.VERIFY):
        pending = Verification.objects.visible_to(user).pending().exclude(user=user)
        context["can_verify"] = True
        context["pending_count"] = pending.count()
        context["pending"] = list(
            pending.select_related("user", "household__building", "unit__building")[:5]
        )

    context["unread"] = list(Notification.objects.filter(recipient=user, read_at__isnull=True)[:5])

    # Residents and owners: their households and the community around them.
    if r.household_ids:
        households = list(
            Household.objects.filter(pk__in=sorted(r.household_ids)).select_related(
                "building__grid"
            )
        )
        members = Person.objects.visible_to(user).filter(household__in=households).order_by("pk")
        by_household: dict[int, list[Person]] = {}
        for p in members:
            by_household.setdefault(p.household_id, []).append(p)  # type: ignore[arg-type]
        ancestor_ids = {i for h in households for i in h.building.grid.ancestor_ids()}
        communities = {
            n.pk: n for n in Node.objects.filter(pk__in=ancestor_ids, level=Level.COMMUNITY)
        }
        context["households"] = [
            {
                "household": h,
                "members": by_household.get(h.pk, []),
                "community": next(
                    (communities[i] for i in h.building.grid.ancestor_ids() if i in communities),
                    None,
                ),
            }
            for h in households
        ]
    community_grants = [g for g in r.grants if not g.role.staff and g.node_id]
    if community_grants:
        context["communities"] = list(
            Node.objects.filter(pk__in={g.node_id for g in community_grants}).order_by("code")
        )
        context["communities_browsable"] = r.can(roles.TERRITORY)

    if r.organization_ids:
        org_roles: dict[int, list[Any]] = {}
        for g in r.grants:
            if g.organization_id:
                org_roles.setdefault(g.organization_id, []).append(g.role.label)
        context["organizations"] = [
            {"org": o, "roles": org_roles.get(o.pk, [])}
            for o in Organization.objects.filter(pk__in=org_roles).select_related("node")
        ]
    context["has_anything"] = bool(r.grants or r.household_ids)
    return render(request, "web/home.html", context)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    qs = Notification.objects.filter(recipient=user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "web/inbox.html",
        {"section": "inbox", "page": page, "only_unread": bool(request.GET.get("unread"))},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, uuid: Any) -> HttpResponse:
    user: Any = request.user
    notification = Notification.objects.filter(recipient=user, uuid=uuid).first()
    if notification is None:
        raise Http404
    mark_notification_read(actor=request.user, notification=notification)
    if request.headers.get("HX-Request"):
        # The row, and the unread count in the top bar updated out of band.
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        row = render_to_string("web/partials/notification.html", {"n": notification}, request)
        badge = render_to_string(
            "web/partials/unread_badge.html", {"n": unread, "oob": True}, request
        )
        return HttpResponse(row + badge)
    return redirect("web:inbox")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    for notification in Notification.objects.filter(recipient=user, read_at__isnull=True):
        mark_notification_read(actor=request.user, notification=notification)
    return redirect("web:inbox")
