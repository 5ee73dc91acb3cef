"""Strict parsing of environment variables.

Every setting read from the environment goes through these helpers, which raise
`ImproperlyConfiguredEnv` with the variable's name and the reason when a value is malformed,
instead of silently falling back to a default.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit


class ImproperlyConfiguredEnv(ValueError):
    """An environment variable holds a value that cannot be used."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Env:
    environ: Mapping[str, str]

    @classmethod
    def from_os(cls) -> Env:
        return cls(os.environ)

    def str(self, name: str, default: str | None = None) -> str:
        value = self.environ.get(name)
        if value is None:
            if default is None:
                raise ImproperlyConfiguredEnv(f"{name} is required but not set")
            return default
        return value

    def bool(self, name: builtins.str, default: bool = False) -> bool:
        value = self.environ.get(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfiguredEnv(
            f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off"
        )

    def int(self, name: builtins.str, default: int, *, minimum: int | None = None) -> int:
        value = self.environ.get(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfiguredEnv(f"{name}={value!r} is not an integer") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfiguredEnv(f"{name}={number} is below the minimum {minimum}")
        return number

    def list(
        self, name: builtins.str, default: list[builtins.str] | None = None
    ) -> list[builtins.str]:
        value = self.environ.get(name)
        if value is None:
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(
        self, name: builtins.str, choices: tuple[builtins.str, ...], default: builtins.str
    ) -> builtins.str:
        value = self.environ.get(name, default)
        if value not in choices:
            raise ImproperlyConfiguredEnv(f"{name}={value!r} must be one of {', '.join(choices)}")
        return value


def _redact(url: str) -> str:
    """The URL with its password replaced, fit for an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict[str, object]:
    """Turn `postgres://user:pw@host:port/db?sslmode=…` or `sqlite:///path` into Django's dict."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    shown = _redact(url)
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("/") and parts.netloc == "":
            path = path[1:] if path.startswith("//") else path
        if not path or path == "/":
            raise ImproperlyConfiguredEnv(f"{name}={shown!r} names no SQLite file")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if scheme in {"postgres", "postgresql", "pgsql"}:
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ImproperlyConfiguredEnv(f"{name}={shown!r} names no database")
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfiguredEnv(
                f"{name}={shown!r} has a port that is not a number"
            ) from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
        }
    raise ImproperlyConfiguredEnv(
        f"{name}={shown!r}: unsupported scheme {scheme!r}; use sqlite:///path or postgres://…"
    )
