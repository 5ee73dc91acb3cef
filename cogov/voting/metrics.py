"""Metrics of voting, computed from the stored participations and electorate snapshots."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cogov.core.metrics import Period, ratio, register


@register(
    "voting.participation_rate",
    _("Vote participation rate"),
    unit=pgettext_lazy("metric unit", "share"),
    levels=("district", "street", "community"),
    description=_(
        "Electors who took part / electors entitled, over votes opened in the period "
        "(closed or tallied), in persons."
    ),
)
def participation_rate(node: Any, period: Period) -> Decimal | None:
    from .models import Participation, Status, Vote

    votes = Vote.objects.filter(
        node__path__startswith=node.path,
        vote_date__gte=period.start,
        vote_date__lt=period.end,
        status__in=[Status.CLOSED, Status.TALLIED],
    )
    entitled = votes.aggregate(n=Sum("entitled_heads"))["n"] or 0
    took_part = Participation.objects.filter(vote__in=votes).aggregate(n=Sum("elector__heads"))["n"]
    return ratio(took_part or 0, entitled)
