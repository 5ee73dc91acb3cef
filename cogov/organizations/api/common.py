"""The router of /api/organizations/ and the helpers the joint committee and 双报到 endpoints
share: action refusals as 403 / 400 answers, and lookups that answer 404 for forbidden and
missing alike."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from cogov.territory.models import Level, Node

from ..models import JointCommittee, Organization

router = Router(tags=["organizations"])


def _committee(request: HttpRequest, uuid: uuid_lib.UUID) -> JointCommittee:
    found = (
        JointCommittee.objects.visible_to(request.user)
        .select_related("organization__node")
        .filter(uuid=uuid)
        .first()
    )
    if found is None:
        raise Http404("not found")
    return found


def _org(request: HttpRequest, uuid: uuid_lib.UUID) -> Organization:
    found = Organization.objects.visible_to(request.user).filter(uuid=uuid).first()
    if found is None:
        raise Http404("not found")
    return found


def _community(request: HttpRequest, uuid: uuid_lib.UUID) -> Node:
    found = Node.objects.visible_to(request.user).filter(uuid=uuid, level=Level.COMMUNITY).first()
    if found is None:
        raise Http404("not found")
    return found


def _member(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    from cogov.people.models import PartyMember

    member = (
        PartyMember.objects.select_related("person", "employer", "branch").filter(uuid=uuid).first()
    )
    if member is None:
        raise Http404("not found")
    person = member.person
    if person.user_id == request.user.pk:
        return member
    from cogov.people.models import Person

    if not Person.objects.visible_to(request.user).filter(pk=person.pk).exists():
        raise Http404("not found")
    return member


def _ok(_: Any) -> dict[str, Any]:
    return {"ok": True}
