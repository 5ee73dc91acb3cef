"""Template filters of the funds pages: amounts in yuan with thousands separators, the names of
source levels."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

SOURCE_LABELS = {
    "city": pgettext_lazy("fund source", "city"),
    "district": pgettext_lazy("fund source", "district"),
    "street": pgettext_lazy("fund source", "street"),
    "province": pgettext_lazy("fund source", "province"),
    "donor": pgettext_lazy("fund source", "donors"),
    "carryover": _("carried over from last year"),
}


@register.filter
def yuan(value: Any) -> str:
    """12345.5 → "12,345.50"; empty for None."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def source_label(level: str) -> str:
    return str(SOURCE_LABELS.get(level, level))
