"""Calling an action from a page or an endpoint: the one place a refusal becomes what the user sees.

Pages: `attempt(request, func, ok, **kwargs)` calls `func(actor=request.user, **kwargs)`; success
puts `ok` in the messages, a refusal (any `ActionError`) puts its message there instead and
returns None, so the view re-renders or redirects as it would anyway.

Endpoints: `run_action(func, out, **kwargs)` calls `func(**kwargs)` and returns `out(result)` (or
the result itself when `out` is None); a refusal is answered as JSON: `NotAllowed` 403 with its
code, an `ActionError` 400 with the field at fault and its code, or 409 when its code is one of
`conflicts` (`run_action_with_conflicts`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, JsonResponse

from cogov.core.errors import ActionError, NotAllowed


def attempt(request: HttpRequest, func: Callable[..., Any], ok: str, **kwargs: Any) -> Any:
    try:
        result = func(actor=request.user, **kwargs)
    except ActionError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, ok)
    return result


def refusal(exc: ActionError, *, conflicts: Collection[str] = ()) -> JsonResponse:
    """The JSON answer to an action's refusal."""
    if isinstance(exc, NotAllowed):
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=403)
    status = 409 if exc.code in conflicts else 400
    return JsonResponse(
        {"detail": exc.message, "field": exc.field, "code": exc.code}, status=status
    )


def run_action(
    func: Callable[..., Any], out: Callable[[Any], Any] | None = None, /, **kwargs: Any
) -> Any:
    try:
        result = func(**kwargs)
    except ActionError as exc:
        return refusal(exc)
    return result if out is None else out(result)


def run_action_with_conflicts(
    conflicts: Collection[str], func: Callable[..., Any], /, **kwargs: Any
) -> Any:
    """As run_action, with the refusal codes that answer 409 (e.g. "taken": someone else has it)."""
    try:
        return func(**kwargs)
    except ActionError as exc:
        return refusal(exc, conflicts=conflicts)
