"""Writes of organizations: register, edit and deactivate.

The party tree is checked here (PARTY_PARENT): a branch sits under a committee, a group under a
branch; a committee stands alone or under another committee. Other kinds may sit under an
organization of their own kind (a department's office, a company's branch office) or alone.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cogov.core.audit import record
from cogov.core.errors import ActionError, NotAllowed

from ..models import PARTY_KINDS, PARTY_PARENT, Organization, OrgKind

EDITABLE = ("name", "credit_code", "address", "contact_phone", "description", "node", "parent")


def _check_parent(kind: str, parent: Organization | None, node: Any) -> None:
    if kind in PARTY_KINDS:
        allowed = PARTY_PARENT[OrgKind(kind)]
        parent_kind = OrgKind(parent.kind) if parent is not None else None
        if parent_kind not in allowed:
            raise ActionError(
                _("A %(kind)s cannot sit under %(parent)s.")
                % {
                    "kind": OrgKind(kind).label,
                    "parent": OrgKind(parent.kind).label if parent else _("nothing"),
                },
                field="parent",
            )
    elif parent is not None and parent.kind != kind:
        raise ActionError(
            _("Only a party organization may sit under another kind."), field="parent"
        )
    if parent is not None:
        if not parent.active:
            raise ActionError(_("The parent organization is no longer active."), field="parent")
        # A child is based inside its parent's area (a branch of a community committee is in
        # that community), so that scoping by node agrees with scoping by the tree.
        if not node.path.startswith(parent.node.path):
            raise ActionError(_("It must be based inside the area of its parent."), field="node")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ActionError(pgettext("organization", "A name is required."), field="name")
    return name


def create_organization(
    *,
    actor: Any,
    kind: str,
    name: str,
    node: Any,
    parent: Organization | None = None,
    **fields: Any,
) -> Organization:
    """Register an organization based in `node` (fields: credit_code, address, contact_phone,
    description). Needs `organizations.manage_organization` over the node."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if kind not in OrgKind.values:
        raise ActionError(_("Unknown kind of organization."), field="kind")
    if not actor.has_perm("organizations.manage_organization", node):
        raise NotAllowed(_("You may not register organizations here."))
    _check_parent(kind, parent, node)
    with transaction.atomic():
        org = Organization.objects.create(
            kind=kind, name=_clean_name(name), node=node, parent=parent, **fields
        )
        record(actor, "organization.create", org, kind=kind)
    return org


def update_organization(*, actor: Any, organization: Organization, **changes: Any) -> Organization:
    """Edit an organization. Moving it to another node needs the permission over both nodes;
    its kind never changes (register a new one instead)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if not actor.has_perm("organizations.manage_organization", organization):
        raise NotAllowed(_("You may not edit this organization."))
    node = changes.get("node", organization.node)
    if node != organization.node and not actor.has_perm("organizations.manage_organization", node):
        raise NotAllowed(_("You may not move organizations there."))
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"])
    parent = changes.get("parent", organization.parent)
    if parent is not None and parent.path.startswith(organization.path or "\0"):
        raise ActionError(_("An organization cannot sit under itself."), field="parent")
    if "parent" in changes or "node" in changes:
        _check_parent(organization.kind, parent, node)
    changed = sorted(k for k, v in changes.items() if getattr(organization, k) != v)
    if not changed:
        return organization
    with transaction.atomic():
        for key in changed:
            setattr(organization, key, changes[key])
        organization.save()
        if "parent" in changed:
            _repath_descendants(organization)
        record(actor, "organization.update", organization, fields=changed)
    return organization


def _repath_descendants(org: Organization) -> None:
    org.refresh_from_db(fields=["path"])
    for child in Organization.objects.filter(parent=org):
        child.save()  # recomputes the path from the parent's
        _repath_descendants(child)


def deactivate_organization(*, actor: Any, organization: Organization, reason: str) -> Organization:
    """Mark an organization inactive (it stays for history). Party organizations with active
    sub-organizations must have those deactivated or moved first."""
    if not actor.has_perm("organizations.manage_organization", organization):
        raise NotAllowed(_("You may not deactivate this organization."))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason."), field="reason")
    if not organization.active:
        raise ActionError(_("This organization is already inactive."))
    if organization.children.filter(active=True).exists():
        raise ActionError(_("Deactivate or move its sub-organizations first."), field="parent")
    with transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(active=False)
        organization.active = False
        record(actor, "organization.deactivate", organization, reason=reason)
    return organization
