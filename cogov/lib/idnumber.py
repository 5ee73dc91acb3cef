"""Resident identity card numbers (GB 11643-1999): validation and the facts they encode."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def validate(number: str) -> str | None:
    """None when valid, else the reason in plain words."""
    value = number.strip().upper()
    if not _PATTERN.match(value):
        return "must be 17 digits followed by a digit or X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "the birth date in positions 7–14 is not a date"
    if check_digit(value[:17]) != value[17]:
        return "the check digit does not match"
    return None


def birth_date(number: str) -> dt.date:
    value = number.strip()
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(number: str) -> str:
    """'M' or 'F' from the 17th digit."""
    return "M" if int(number.strip()[16]) % 2 else "F"


def make(region: str, birth: dt.date, sequence: int) -> str:
    """A valid number for synthetic data (demo, tests)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)
