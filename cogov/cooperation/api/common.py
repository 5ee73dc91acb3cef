"""The router and the helpers every cooperation endpoint uses: action refusals as 403 / 409 /
400 answers, areas and organizations named in a request, references in answers, and the step
tables behind `POST …/{uuid}/{step}`."""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.http import JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from cogov.web.actions import run_action_with_conflicts

router = Router(tags=["cooperation"])

T = TypeVar("T")


def _run(func: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Call an action; a claim on something already taken answers 409."""
    return run_action_with_conflicts(("taken",), func, **kwargs)


def _failed(result: Any) -> bool:
    return isinstance(result, JsonResponse)


def _node(uuid: uuid_lib.UUID | None, user: Any, field: str = "community") -> Any:
    from cogov.territory.models import Node

    if uuid is None:
        return None
    node = Node.objects.filter(uuid=uuid).first()
    if node is None:
        raise HttpError(400, f"{field}: no such area")
    return node


def _org(uuid: uuid_lib.UUID | None, user: Any, field: str = "organization") -> Any:
    from cogov.organizations.models import Organization

    if uuid is None:
        return None
    org = Organization.objects.filter(uuid=uuid).first()
    if org is None:
        raise HttpError(400, f"{field}: no such organization")
    return org


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"uuid": str(obj.uuid), "name": str(obj)}


def pick_step(steps: Mapping[str, T], step: str) -> T:
    """The entry of a step table for the step named in the URL; an unknown step answers 404."""
    if step not in steps:
        raise HttpError(404, "no such step")
    return steps[step]


class NoteIn(Schema):
    note: str = ""
    organization: uuid_lib.UUID | None = None
