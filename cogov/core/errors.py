"""Errors raised by actions. Views and the API turn them into 400/403 responses."""

from __future__ import annotations

from django.utils.translation import gettext


class ActionError(Exception):
    """An action refused its input. `field` names what is wrong when one field is at fault."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotAllowed(ActionError):
    """The actor may see the object but may not do this to it."""

    def __init__(self, message: str | None = None, *, code: str = "forbidden") -> None:
        super().__init__(message or gettext("You may not do this."), code=code)


class InvalidTransition(ActionError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="status", code="invalid_transition")
