"""Volunteer service certificates: issued for a period's confirmed hours, shown to the
volunteer and to staff."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Schema
from ninja.errors import HttpError

from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from .. import actions
from ..models import Certificate
from ..predicates import person_of
from .common import router


def _certificate_out(c: Certificate) -> dict[str, Any]:
    return {
        "uuid": c.uuid,
        "number": c.number,
        "volunteer": c.person.name,
        "id_number": c.person.masked_id_number,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "hours": str(c.hours),
        "services": c.content,
        "issuer": c.issuer_name,
        "issuer_contact": c.issuer_contact,
        "issued_at": c.issued_at,
    }


class CertificateIn(Schema):
    community: uuid_lib.UUID
    start: dt.date
    end: dt.date
    person: uuid_lib.UUID | None = None  # staff issuing at a volunteer's request


@router.post("/certificates")
def issue_certificate(request: HttpRequest, body: CertificateIn) -> Any:
    from cogov.people.models import Person
    from cogov.territory.models import Node

    community = get_visible_or_404(Node.objects.all(), request.user, uuid=body.community)
    if body.person:
        person = get_visible_or_404(Person.objects.all(), request.user, uuid=body.person)
    else:
        person = person_of(request.user)
        if person is None:
            raise HttpError(400, "person: your account is not linked to a resident record")
    return run_action(
        actions.issue_certificate,
        _certificate_out,
        actor=request.user,
        person=person,
        community=community,
        start=body.start,
        end=body.end,
    )


@router.get("/certificates/{uuid}")
def certificate(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    cert = get_object_or_404(Certificate.objects.select_related("person", "community"), uuid=uuid)
    if not (
        cert.person.user_id == request.user.pk
        or request.user.has_perm("points.manage_points", cert.community)
    ):
        raise HttpError(404, "Not found")
    return _certificate_out(cert)
