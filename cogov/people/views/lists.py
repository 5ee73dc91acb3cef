"""The resident list (search, filters, keyset pagination, masked numbers) and the resident page
with its reveal button."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cogov.accounts.roles import PEOPLE
from cogov.accounts.scopes import reach
from cogov.core.errors import NotAllowed
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404, require_capability

from ..models import PartyMember, Person, Tag

PAGE_SIZE = 50
# Above this many grids in reach, the grid filter is a text field instead of a list.
GRID_CHOICES_MAX = 300
TAG_LABELS = dict(Tag.choices)


def _with_tag(qs: Any, tag: str) -> Any:
    if connection.features.supports_json_field_contains:
        return qs.filter(tags__contains=[tag])
    # SQLite: the JSON list is text; match the quoted value.
    return qs.filter(tags__icontains=f'"{tag}"')


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    """Residents in the user's reach. A fixed number of queries whatever the page length."""
    user = request.user
    require_capability(user, PEOPLE)
    qs = Person.objects.visible_to(user).for_list()

    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.search(q)
    grids = list(
        Node.objects.visible_to(user)
        .active()
        .of_level(Level.GRID)
        .order_by("code")
        .only("uuid", "name", "code")[: GRID_CHOICES_MAX + 1]
    )
    grid_uuid = request.GET.get("grid", "").strip()
    grid = None
    if grid_uuid:
        grid = (
            Node.objects.visible_to(user)
            .of_level(Level.GRID)
            .filter(uuid=_uuid_or_none(grid_uuid))
            .first()
        )
        qs = qs.filter(grid=grid) if grid is not None else qs.none()
    tag = request.GET.get("tag", "")
    if tag in TAG_LABELS:
        qs = _with_tag(qs, tag)
    else:
        tag = ""
    after = request.GET.get("after", "")
    if after.isdigit():
        qs = qs.filter(pk__gt=int(after))

    rows = list(qs.order_by("pk")[: PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for p in rows:
        p.tag_labels = [(t, TAG_LABELS.get(t, t)) for t in p.tags]  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("after", None)
    if has_next:
        params["after"] = str(rows[-1].pk)
    return render(
        request,
        "people/person_list.html",
        {
            "section": "people",
            "people": rows,
            "q": q,
            "grid": grid,
            "tag": tag,
            "grids": grids[:GRID_CHOICES_MAX],
            "grid_choices": len(grids) <= GRID_CHOICES_MAX,
            "tags": Tag.choices,
            "paged": bool(after),
            "has_next": has_next,
            "next_query": params.urlencode() if has_next else "",
            "first_query": _without(request, "after"),
        },
    )


def _uuid_or_none(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _without(request: HttpRequest, key: str) -> str:
    params = request.GET.copy()
    params.pop(key, None)
    return params.urlencode()


@login_required
def person_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    person = get_visible_or_404(
        Person.objects.select_related("household__building__grid", "grid"), request.user, uuid=uuid
    )
    return _render_detail(request, person, revealed=None)


def _render_detail(
    request: HttpRequest, person: Person, revealed: dict[str, str] | None
) -> HttpResponse:
    user = request.user
    members: list[Person] = []
    if person.household_id:
        members = list(
            Person.objects.visible_to(user).filter(household_id=person.household_id).order_by("pk")
        )
    party_member = PartyMember.objects.filter(person=person).select_related("branch").first()
    return render(
        request,
        "people/person_detail.html",
        {
            "section": "people",
            "person": person,
            "members": members,
            "tag_labels": [TAG_LABELS.get(t, t) for t in person.tags],
            "can_reveal": user.has_perm("people.reveal_pii", person),
            "party_member": party_member,
            "can_list": reach(user).can(PEOPLE),
            "values": revealed,
        },
    )


@never_cache
@login_required
@require_POST
def person_reveal(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The clear numbers, for roles allowed to see them; every reveal is logged by the action."""
    from ..actions import reveal_pii

    person = get_visible_or_404(Person.objects, request.user, uuid=uuid)
    try:
        values = reveal_pii(actor=request.user, person=person)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    if request.headers.get("HX-Request"):
        return render(request, "people/person_pii.html", {"person": person, "values": values})
    return _render_detail(request, person, revealed=values)
