"""The co-construction home page: the open needs, usable resources, projects and wishes the
user may see, case trends in the communities the user triages, and the user's units."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..models import Need, Project, Resource, Wish
from .common import _communities, _my_orgs


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    trends = []
    for community in _communities(request)[:20]:
        if user.has_perm("cooperation.triage_need", community):
            trends += [(community, t) for t in selectors.case_trends(community)]
    return render(
        request,
        "cooperation/index.html",
        {
            "needs": Need.objects.visible_to(user).open().for_list()[:10],
            "resources": Resource.objects.visible_to(user).usable().for_list()[:10],
            "projects": Project.objects.visible_to(user).for_list()[:10],
            "wishes": Wish.objects.visible_to(user).on_the_list().select_related("community")[:10],
            "trends": trends,
            "orgs": _my_orgs(request),
        },
    )
