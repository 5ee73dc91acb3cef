"""Helpers shared by the co-construction actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError, NotAllowed

from .. import access


def require(actor: Any, perm: str, obj: Any = None, message: str = "not allowed") -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise NotAllowed(message)


def community_of(node: Any) -> Any:
    """The community of a community or grid node; ActionError for anything else."""
    community = node.ancestor_of_level("community") if node is not None else None
    if community is None:
        raise ActionError(_("Choose a community or a grid."), field="community")
    return community


def place(community: Any = None, building: Any = None) -> tuple[Any, Any, str]:
    """(community, grid or None, territory path) from a building or a community/grid node."""
    if building is not None:
        grid = building.grid
        return community_of(grid), grid, grid.path
    if community is None:
        raise ActionError(_("Choose a community or a building."), field="community")
    grid = community if community.level == "grid" else None
    return community_of(community), grid, (grid or community_of(community)).path


def staff_of(path: str) -> Any:
    """Users who manage co-construction over `path` (to notify them)."""
    from cogov.accounts.models import Membership

    ancestors = [
        "/" + "/".join(path.strip("/").split("/")[: i + 1]) + "/"
        for i in range(path.count("/") - 1)
    ]
    return get_user_model().objects.filter(
        pk__in=Membership.objects.current()
        .filter(role__in=sorted(access.MANAGE_ROLES), node__path__in=ancestors)
        .values("user_id")
    )


def members_of(organization: Any) -> Any:
    from cogov.accounts.models import Membership

    if organization is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(
        pk__in=Membership.objects.current().filter(organization=organization).values("user_id")
    )


def acting_organization(actor: Any, organization: Any, *, field: str = "organization") -> Any:
    """The organization the actor acts for: one of the actor's own (or any, for staff who
    record a claim on a unit's behalf)."""
    if organization is None:
        own = sorted(access.organization_ids(actor))
        if len(own) == 1:
            from cogov.organizations.models import Organization

            return Organization.objects.get(pk=own[0])
        raise ActionError(_("Say for which organization."), field=field)
    if organization.pk in access.organization_ids(actor) or actor.has_perm(
        "cooperation.triage_need", organization.node
    ):
        return organization
    raise NotAllowed("you do not act for this organization")
