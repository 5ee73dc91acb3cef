"""This year's evaluation round in the demo (docs/demo.md, docs/assessment.md).

The default indicator system "党建引领社区治理评价" (`cogov.assessment.defaults`) is installed and
the demo evaluator (the district organization department) opens a round over the communities
of the demo district (of the first street when the district has more than `MAX_UNITS`) for
this year up to today, records the two manual indicators (the inspection of the party-service
sites and the residents' satisfaction survey) for every community, computes it from the live
metrics of the demo's activity and publishes it, so the round page, its ranking, grades and the
quadrant analysis (party building against governance) have something to show.

Through `cogov.assessment.actions`; the manual scores come from `stream(seed, "assessment",
community code)`. The round is dated at the time of the run (the actions take no date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .accounts import demo_username
from .randomness import stream

MAX_UNITS = 12


def build_assessment_activity(seed: int) -> int:
    """Open, score, compute and publish the round; returns the number of units with results."""
    from cogov.accounts.models import User
    from cogov.assessment.actions import rounds
    from cogov.assessment.defaults import install_default_system
    from cogov.assessment.models import Result, Round
    from cogov.territory.models import Node

    from .activity_cooperation import cast

    c = cast()
    evaluator = User.objects.filter(username=demo_username("evaluator")).first()
    if c is None or evaluator is None:
        return 0
    street = c.community.parent
    district = street.parent if street is not None else None
    if street is None or district is None:
        return 0
    # The district's communities; at the larger scales (more than MAX_UNITS of them) the first
    # street's, which keeps the run short.
    scope = district
    if Node.objects.filter(level="community", path__startswith=district.path).count() > MAX_UNITS:
        scope = street
    version, _missing = install_default_system()
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    name = f"{today.year}年度{scope.name}党建引领社区治理评价"
    if Round.objects.filter(scope=scope, name=name).exists():
        return 0
    rnd = rounds.create_round(
        actor=evaluator,
        version=version,
        scope=scope,
        level="community",
        start=start,
        end=today + dt.timedelta(days=1),
        name=name,
    )
    manual = list(version.indicators.filter(manual=True).order_by("order", "pk"))
    communities = list(
        Node.objects.filter(level="community", path__startswith=scope.path).order_by("code")
    )
    for community in communities:
        rng = stream(seed, "assessment", community.code)
        for indicator in manual:
            value = _manual_value(rng, indicator)
            rounds.record_manual_score(
                actor=evaluator, round=rnd, unit=community, indicator=indicator, value=value
            )
    rounds.compute_round(actor=evaluator, round=rnd)
    rnd.refresh_from_db()
    rounds.publish_round(actor=evaluator, round=rnd)
    return Result.objects.filter(round=rnd).count()


def _manual_value(rng: Any, indicator: Any) -> float:
    """An inspection score (65–98) or a survey's satisfaction (72–97), one decimal."""
    low, high = (72, 97) if "满意" in indicator.name else (65, 98)
    return round(rng.uniform(low, high), 1)
