"""Organization directory: a filtered list by kind, and a detail page with the party tree."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cogov.accounts import roles
from cogov.accounts.scopes import reach
from cogov.people.models import PartyMember
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404

from ..models import Organization, OrgKind

PAGE_SIZE = 50


def _may_browse(user: Any) -> None:
    r = reach(user)
    if not (r.can(roles.ORGANIZATIONS) or r.can(roles.OWN_ORGANIZATION)):
        raise Http404


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _may_browse(user)
    qs = Organization.objects.visible_to(user).active().select_related("node", "parent")
    kind = request.GET.get("kind", "")
    if kind in OrgKind.values:
        qs = qs.of_kind(kind)
    else:
        kind = ""
    communities = list(
        Node.objects.visible_to(user)
        .active()
        .of_level(Level.COMMUNITY)
        .order_by("code")
        .only("uuid", "name", "path")
    )
    community = next((c for c in communities if str(c.uuid) == request.GET.get("community")), None)
    if community is not None:
        qs = qs.within(community)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs.order_by("kind", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/org_list.html",
        {
            "section": "organizations",
            "page": page,
            "kinds": OrgKind.choices,
            "kind": kind,
            "communities": communities,
            "community": community,
            "q": q,
            "query": query.urlencode(),
            "desk_community": community
            if community is not None and user.has_perm("organizations.view_reporting", community)
            else None,
        },
    )


def _party_tree(user: Any, root: Organization) -> dict[str, Any]:
    """root and the party organizations below it that the user may see, each with its number of
    party members (its own and those of the organizations below it). Two queries."""
    orgs = list(
        Organization.objects.visible_to(user)
        .party()
        .filter(path__startswith=root.path)
        .order_by("pk")  # creation order: 第一, 第二, 第三
    )
    if root not in orgs:
        orgs.insert(0, root)
    direct = Counter(
        dict(
            PartyMember.objects.filter(branch__path__startswith=root.path)
            .values_list("branch_id")
            .annotate(n=Count("pk"))
            .values_list("branch_id", "n")
        )
    )
    nodes: dict[int, dict[str, Any]] = {
        o.pk: {"org": o, "members": 0, "children": []} for o in orgs
    }
    for o in orgs:
        # Each organization's members count for it and every organization above it in the tree.
        for part in o.path.strip("/").split("/"):
            above = nodes.get(int(part))
            if above is not None:
                above["members"] += direct[o.pk]
    for o in orgs:
        if o.pk != root.pk and o.parent_id in nodes:
            nodes[o.parent_id]["children"].append(nodes[o.pk])
    return nodes[root.pk]


@login_required
def org_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    user = request.user
    _may_browse(user)
    org = get_visible_or_404(Organization.objects.select_related("node", "parent"), user, uuid=uuid)
    parent_visible = (
        org.parent_id is not None
        and Organization.objects.visible_to(user).filter(pk=org.parent_id).exists()
    )
    context: dict[str, Any] = {
        "section": "organizations",
        "org": org,
        "parent_visible": parent_visible,
    }
    context["committee"] = getattr(org, "joint_committee", None) if org.is_party else None
    context["may_manage_committee"] = user.has_perm("organizations.manage_committee", org)
    context["may_act_for_unit"] = user.has_perm("organizations.act_for_unit", org)
    context["may_manage_api_keys"] = user.has_perm("open311.manage_api_keys", org)
    if org.is_party:
        context["tree"] = _party_tree(user, org)
    else:
        context["party_orgs"] = list(
            Organization.objects.visible_to(user)
            .party()
            .filter(path__startswith=org.path)
            .exclude(pk=org.pk)
        )
    return render(request, "organizations/org_detail.html", context)
