"""Date and time in the specification's form: ISO 8601 with a time zone."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cogov.core.errors import ActionError

# A "+08:00" offset sent unencoded in a query string arrives as " 08:00".
_LOST_PLUS = re.compile(r" (\d\d:?\d\d)$")


def parse_iso(value: str, name: str) -> dt.datetime:
    """Parse `value` or raise ActionError naming the parameter; a time zone is required."""
    value = _LOST_PLUS.sub(r"+\1", value.strip())
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ActionError(f"{name} must be an ISO 8601 date and time with a time zone", field=name)
    return parsed


def iso(value: dt.datetime | None) -> str | None:
    """2026-11-22T17:00:00+08:00 (local time of the platform, with its offset)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")
