"""Participatory-budgeting metrics for a territory node and a period (docs/budgeting.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from cogov.core.metrics import Period, register

from .models import Proposal

LEVELS = ("district", "street", "community")


@register(
    "budgeting.proposals_per_1000",
    _("Micro-project proposals per 1,000 residents"),
    unit=_("proposals"),
    levels=LEVELS,
)
def proposals_per_1000(node: Any, period: Period) -> Decimal | None:
    """Proposals submitted in the period to rounds of the node's area (withdrawn and rejected
    ones included: each is a resident's proposal) × 1,000 / residents of the node (Person rows
    whose grid lies under the node, cogov.people.selectors.count_residents). None without
    residents."""
    from cogov.people.selectors import count_residents

    residents = count_residents(node)
    if not residents:
        return None
    lo, hi = period.bounds()
    submitted = Proposal.objects.in_period(node, lo, hi).count()
    return (Decimal(submitted) * 1000 / residents).quantize(Decimal("0.01"))


# Budgeting does not declare `notifies("budgeting")` (so its values are computed on every read,
# never cached): `submit_proposal`, the only action that changes the numerator, calls
# `touched("budgeting", …)`, but the denominator (residents, cogov.people) changes through
# people's actions and imports, which send no notice.
