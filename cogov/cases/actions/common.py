"""Helpers shared by the case actions: permission check, audiences, numbering, files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection

from cogov.accounts.models import Membership
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify

from ..models import (
    Case,
    CaseAttachment,
    CaseNumber,
)
from ..predicates import CASE_ROLES, FIELD, MANAGE, WHISTLE
from ..workflow import Status

S = Status


def require(actor: Any, perm: str, obj: Any = None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise NotAllowed()


def audience(case: Case, *groups: str) -> list[Any]:
    """Users to tell: "lead" (members of the lead organization), "managers" (centre staff over
    the case), "street" (the street's officials), "reporter", "followers", "field" (the grid's
    workers)."""
    from django.contrib.auth import get_user_model

    node_ids = [int(p) for p in case.territory_path.strip("/").split("/") if p]
    roles: set[str] = set()
    if "managers" in groups:
        roles |= {k for k, caps in CASE_ROLES.items() if MANAGE in caps}
    if "street" in groups:
        roles |= {k for k, caps in CASE_ROLES.items() if WHISTLE in caps}
    if "field" in groups:
        roles |= {k for k, caps in CASE_ROLES.items() if FIELD in caps}
    user_ids: set[int] = set()
    memberships = Membership.objects.current()
    if roles:
        user_ids |= set(
            memberships.filter(role__in=roles, node_id__in=node_ids).values_list(
                "user_id", flat=True
            )
        )
    if "lead" in groups and case.lead_organization_id:
        user_ids |= set(
            memberships.filter(organization_id=case.lead_organization_id).values_list(
                "user_id", flat=True
            )
        )
    if "reporter" in groups:
        if case.reporter_user_id:
            user_ids.add(case.reporter_user_id)
        elif case.reporter_person_id and case.reporter_person and case.reporter_person.user_id:
            user_ids.add(case.reporter_person.user_id)
    if "followers" in groups:
        user_ids |= set(case.followers.values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


# What followers are told instead of the reporter's wording (they are asked to do nothing).
FOLLOWER_TITLES = {
    "cases.replied": "the handling organization replied",
}


def _tell(
    case: Case,
    groups: Sequence[str],
    title: str,
    kind: str = "cases.update",
    *,
    exclude: Any = None,
) -> None:
    """Notify the groups; whenever the reporter is told, the case's followers are told too
    (on the follow page, which they may read without seeing the whole case)."""
    skip = {getattr(exclude, "pk", None)}
    recipients = [u for u in audience(case, *groups) if u.pk not in skip]
    if recipients:
        notify(recipients, kind, f"{case.number}: {title}", url=f"/cases/{case.uuid}/")
    if "reporter" in groups:
        skip |= {u.pk for u in recipients}
        followers = [u for u in audience(case, "followers") if u.pk not in skip]
        if followers:
            notify(
                followers,
                kind,
                f"{case.number}: {FOLLOWER_TITLES.get(kind, title)}",
                url=f"/cases/{case.uuid}/follow/",
            )


def _next_number(year: int, prefix: str = "G") -> str:
    """The next number of the year's sequence, taken in one statement (UPDATE … RETURNING):
    the counter row stays locked only for that statement, or to the end of the caller's
    transaction if there is one."""
    CaseNumber.objects.get_or_create(prefix=prefix, year=year)
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "cases_casenumber" SET "last" = "last" + 1 '
            'WHERE "prefix" = %s AND "year" = %s RETURNING "last"',
            [prefix, year],
        )
        last = cursor.fetchone()[0]
    return f"{prefix}{year}-{last:06d}"


def _attach(
    case: Case, actor: Any, stage: str, files: Iterable[UploadedFile]
) -> list[CaseAttachment]:
    return [
        CaseAttachment.objects.create(case=case, stage=stage, file=f, uploaded_by=actor)
        for f in files
    ]


def _note_required(note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if not note:
        raise ActionError("a reason is required", field=field)
    return note
