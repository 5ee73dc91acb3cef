"""Helpers every co-construction page uses: an action's refusal as a message on the page, and
the communities, areas and units named in a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from cogov.core.errors import ActionError

from .. import access


def _do(request: HttpRequest, func: Callable[..., Any], **kwargs: Any) -> Any:
    """Run an action; its refusal becomes a message on the page."""
    try:
        return func(actor=request.user, **kwargs)
    except ActionError as exc:
        messages.error(request, exc.message)
        return None


def _communities(request: HttpRequest) -> Any:
    from cogov.territory.models import Node

    return Node.objects.visible_to(request.user).filter(level="community").order_by("code")


def _node(uuid: str | None) -> Any:
    from cogov.territory.models import Node

    return Node.objects.filter(uuid=uuid).first() if uuid else None


def _my_orgs(request: HttpRequest) -> Any:
    from cogov.organizations.models import Organization

    return Organization.objects.filter(pk__in=sorted(access.organization_ids(request.user)))


def _org(uuid: str | None) -> Any:
    from cogov.organizations.models import Organization

    return Organization.objects.filter(uuid=uuid).first() if uuid else None
