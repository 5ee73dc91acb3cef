"""Accounts endpoints under /api/accounts/: who am I, with my roles and scopes."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from .models import Membership
from .roles import ROLES
from .scopes import reach

router = Router(tags=["accounts"])


class ScopeOut(Schema):
    type: str  # "global", "node" or "organization"
    uuid: uuid_lib.UUID | None = None
    name: str = ""
    level: str = ""  # node level, or organization kind


class RoleOut(Schema):
    membership: uuid_lib.UUID | None
    role: str
    label: str
    capabilities: list[str]
    scope: ScopeOut
    valid_from: dt.date | None
    valid_to: dt.date | None


class MeOut(Schema):
    uuid: uuid_lib.UUID
    username: str
    display_name: str
    verified_person: uuid_lib.UUID | None
    roles: list[RoleOut]


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """The caller, their current roles with capabilities and scopes, and the resident record
    their account is verified as (if any)."""
    user: Any = request.user
    memberships = list(
        Membership.objects.current()
        .filter(user=user)
        .select_related("node", "organization")
        .order_by("pk")
    )
    roles: list[RoleOut] = []
    if user.is_superuser and not any(m.role == "admin" for m in memberships):
        admin = ROLES["admin"]
        roles.append(
            RoleOut(
                membership=None,
                role="admin",
                label=str(admin.label),
                capabilities=sorted(admin.capabilities),
                scope=ScopeOut(type="global"),
                valid_from=None,
                valid_to=None,
            )
        )
    for m in memberships:
        role = ROLES.get(m.role)
        if role is None:
            continue
        if m.node is not None:
            scope = ScopeOut(type="node", uuid=m.node.uuid, name=m.node.name, level=m.node.level)
        elif m.organization is not None:
            scope = ScopeOut(
                type="organization",
                uuid=m.organization.uuid,
                name=m.organization.name,
                level=m.organization.kind,
            )
        else:
            scope = ScopeOut(type="global")
        roles.append(
            RoleOut(
                membership=m.uuid,
                role=m.role,
                label=str(role.label),
                capabilities=sorted(role.capabilities),
                scope=scope,
                valid_from=m.valid_from,
                valid_to=m.valid_to,
            )
        )
    person_id = reach(user).person_id
    person_uuid = None
    if person_id is not None:
        from cogov.people.models import Person

        person_uuid = Person.objects.filter(pk=person_id).values_list("uuid", flat=True).first()
    return MeOut(
        uuid=user.uuid,
        username=user.get_username(),  # type: ignore[union-attr]
        display_name=str(user),
        verified_person=person_uuid,
        roles=roles,
    )
