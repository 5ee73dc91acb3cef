"""Helpers of the deliberation pages: run an action and report its refusal, the user's
communities, parsing of posted dates."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cogov.core.errors import ActionError
from cogov.territory.models import Level, Node

from ..access import community_paths


def run(request: HttpRequest, func: Callable[..., Any], success: str = "", **kwargs: Any) -> Any:
    """Call an action as the request's user; on refusal show its message and return None."""
    try:
        result = func(actor=request.user, **kwargs)
    except ActionError as exc:
        messages.error(request, str(exc.message))
        return None
    if success:
        messages.success(request, success)
    return result


def back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or default
    if not target.startswith("/"):
        target = default
    return HttpResponseRedirect(target)


def my_communities(user: Any) -> list[Node]:
    """The communities the user holds a role in (or below, for district and street roles)."""
    paths = community_paths(user)
    qs = Node.objects.active().of_level(Level.COMMUNITY)
    if paths is None:
        return list(qs)
    from django.db.models import Q

    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
        ids = [int(x) for x in path.strip("/").split("/")]
        condition |= Q(pk__in=ids)
    return list(qs.filter(condition))


def as_uuid(value: Any) -> uuid_lib.UUID | None:
    """A posted or queried uuid, or None for anything else (never a 500 on junk)."""
    try:
        return uuid_lib.UUID(str(value)) if value else None
    except ValueError:
        return None


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def posted_datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def posted_date(value: str | None) -> dt.date | None:
    return parse_date(value) if value else None
