"""Rotating check-in codes: a short code shown on the organizer's screen that changes every
N seconds, derived with HMAC-SHA256 from the activity's secret and the time window, so nothing
has to be stored per window and a code photographed yesterday is worthless today.

A code is accepted in its own window and the one before (a volunteer who typed it as it
changed is not turned away).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

DIGITS = 6


def window(at: dt.datetime, seconds: int) -> int:
    return int(at.timestamp()) // seconds


def code_for(secret: str, purpose: str, window_no: int) -> str:
    """The code of `purpose` ("in" or "out") in time window `window_no`."""
    message = f"{purpose}:{window_no}".encode()
    digest = hmac.new(bytes.fromhex(secret), message, hashlib.sha256).digest()
    offset = digest[-1] & 0x0F  # dynamic truncation as in RFC 4226
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_code(secret: str, purpose: str, at: dt.datetime, seconds: int) -> tuple[str, int]:
    """The code now and the seconds it stays valid on screen."""
    w = window(at, seconds)
    remaining = seconds - int(at.timestamp()) % seconds
    return code_for(secret, purpose, w), remaining


def check_code(secret: str, purpose: str, code: str, at: dt.datetime, seconds: int) -> bool:
    code = (code or "").strip()
    if len(code) != DIGITS or not code.isdigit():
        return False
    w = window(at, seconds)
    return any(
        hmac.compare_digest(code, code_for(secret, purpose, candidate)) for candidate in (w, w - 1)
    )
