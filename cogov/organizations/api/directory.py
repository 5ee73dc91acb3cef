"""The organization directory under /api/organizations/: list, detail and the party tree.

An organization outside the caller's scopes answers 404, exactly like a missing one.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema

from ..models import Organization
from .common import router

MAX_LIMIT = 200


class OrganizationOut(Schema):
    uuid: uuid_lib.UUID
    kind: str
    kind_label: str
    name: str
    parent: uuid_lib.UUID | None
    node: uuid_lib.UUID
    node_name: str
    active: bool


class OrganizationDetailOut(OrganizationOut):
    credit_code: str
    address: str
    contact_phone: str
    description: str
    children: list[OrganizationOut]
    can_manage: bool


class TreeNodeOut(Schema):
    uuid: uuid_lib.UUID
    kind: str
    name: str
    active: bool
    children: list[TreeNodeOut]


TreeNodeOut.model_rebuild()


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_after: int | None = None


class OrganizationFilters(Schema):
    kind: list[str] = Field(default_factory=list, description="one or more kinds")
    node: uuid_lib.UUID | None = Field(None, description="based in this node or below it")
    active: bool | None = None
    after: int | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


def _out(o: Organization) -> dict[str, Any]:
    return {
        "uuid": o.uuid,
        "kind": o.kind,
        "kind_label": str(o.get_kind_display()),
        "name": o.name,
        "parent": o.parent.uuid if o.parent_id and o.parent else None,
        "node": o.node.uuid,
        "node_name": o.node.name,
        "active": o.active,
    }


def _within(request: HttpRequest, qs: Any, node_uuid: uuid_lib.UUID | None) -> Any:
    if node_uuid is None:
        return qs
    from cogov.territory.models import Node

    node = Node.objects.visible_to(request.user).filter(uuid=node_uuid).first()
    if node is None:
        raise Http404("no such node")
    return qs.within(node)


@router.get("/", response=OrganizationPage)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> dict[str, Any]:
    """Organizations the caller may see, in id order (keyset: `after`)."""
    qs = Organization.objects.visible_to(request.user).select_related("parent", "node")
    if filters.kind:
        qs = qs.of_kind(*filters.kind)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    qs = _within(request, qs, filters.node)
    if filters.after is not None:
        qs = qs.filter(pk__gt=filters.after)
    rows = list(qs.order_by("pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"items": [_out(o) for o in rows], "next_after": rows[-1].pk if more else None}


@router.get("/party-tree", response=list[TreeNodeOut])
def party_tree(request: HttpRequest, node: uuid_lib.UUID | None = None) -> list[dict[str, Any]]:
    """The party organizations the caller may see, as trees (committee → branch → group).
    An organization whose parent is not visible is shown as a root."""
    qs = _within(request, Organization.objects.visible_to(request.user).party(), node)
    rows = list(
        qs.order_by("path", "pk").values("pk", "uuid", "kind", "name", "active", "parent_id")
    )
    by_pk = {r["pk"]: {**r, "children": []} for r in rows}
    roots: list[dict[str, Any]] = []
    for r in by_pk.values():
        parent = by_pk.get(r["parent_id"])
        (parent["children"] if parent else roots).append(r)
    return roots


@router.get("/{uuid:org_uuid}", response=OrganizationDetailOut)
def organization_detail(request: HttpRequest, org_uuid: uuid_lib.UUID) -> dict[str, Any]:
    org = (
        Organization.objects.visible_to(request.user)
        .select_related("parent", "node")
        .filter(uuid=org_uuid)
        .first()
    )
    if org is None:
        raise Http404("not found")
    children = (
        Organization.objects.visible_to(request.user)
        .filter(parent=org)
        .select_related("parent", "node")
    )
    return {
        **_out(org),
        "credit_code": org.credit_code,
        "address": org.address,
        "contact_phone": org.contact_phone,
        "description": org.description,
        "children": [_out(c) for c in children],
        "can_manage": request.user.has_perm("organizations.manage_organization", org),
    }
