"""Masking of personal information (PIPL): identity numbers and phone numbers."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """139××××1234 style: the first three and last four digits stay."""
    digits = phone.strip()
    if len(digits) < 7:
        return "×" * len(digits)
    return f"{digits[:3]}{'×' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(number: str) -> str:
    """Keep the first 6 (place of registration) and last 4 characters."""
    value = number.strip()
    if len(value) < 10:
        return "×" * len(value)
    return f"{value[:6]}{'×' * (len(value) - 10)}{value[-4:]}"


def mask_name(name: str) -> str:
    """张×× style, for published lists."""
    if len(name) <= 1:
        return name
    return name[0] + "×" * (len(name) - 1)
