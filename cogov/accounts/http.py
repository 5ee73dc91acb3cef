"""Turning action errors into API answers: NotAllowed → 403, a lost race or a wrong state →
409, any other refusal → 400 (the message names the field at fault)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ninja.errors import HttpError

from cogov.core.errors import ActionError, InvalidTransition, NotAllowed


@contextmanager
def action_errors() -> Iterator[None]:
    try:
        yield
    except NotAllowed as exc:
        raise HttpError(403, exc.message) from None
    except InvalidTransition as exc:
        raise HttpError(409, exc.message) from None
    except ActionError as exc:
        raise HttpError(400, f"{exc.field}: {exc.message}" if exc.field else exc.message) from None
