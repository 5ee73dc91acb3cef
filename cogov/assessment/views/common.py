"""Helpers of the assessment pages: run an action and report its refusal as a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest

from cogov.core.errors import ActionError


def attempt(request: HttpRequest, func: Callable[..., Any], ok: str, **kwargs: Any) -> Any:
    """Call the action as the request's user; on refusal show its message (naming the field)
    and return None."""
    try:
        result = func(actor=request.user, **kwargs)
    except ActionError as exc:
        messages.error(request, f"{exc.field}: {exc.message}" if exc.field else exc.message)
        return None
    messages.success(request, ok)
    return result


def need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """404 unless the user has `perm` (a forbidden page looks like a missing one)."""
    if not request.user.has_perm(perm, obj):
        raise Http404


def number(text: str | None) -> float | None:
    """A decimal number typed into a form ("" → None); ValueError for anything else."""
    text = (text or "").strip().replace("，", ".").replace(",", ".")
    if not text:
        return None
    return float(text)
