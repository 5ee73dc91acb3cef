"""The router of /api/points/ and what its endpoints share: action refusals as 403 / 400
answers, and the body of a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import JsonResponse
from ninja import Router, Schema

from cogov.core.errors import ActionError, NotAllowed

router = Router(tags=["points"])


def _run(func: Callable[..., Any], out: Callable[[Any], Any], **kwargs: Any) -> Any:
    try:
        result = func(**kwargs)
    except NotAllowed as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=403)
    except ActionError as exc:
        return JsonResponse(
            {"detail": exc.message, "field": exc.field, "code": exc.code}, status=400
        )
    return out(result)


class Reason(Schema):
    reason: str = ""
