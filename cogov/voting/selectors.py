"""Reads of the voting app for other apps (deliberation) and for its own pages.

Other apps never query voting's models: they ask here for a vote by its public UUID, an elector
of a vote by its stable key, and the context of the results partial (voting/_results.html).
"""

from __future__ import annotations

import uuid as uuid_lib
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .models import Elector, Vote
from .thresholds import TERM_LABELS, THRESHOLD_LABELS, Result


def vote_by_uuid(uuid: uuid_lib.UUID | str | None) -> Vote | None:
    """The vote with this public UUID (community and body loaded), or None."""
    if not uuid:
        return None
    try:
        uuid = uuid_lib.UUID(str(uuid))
    except ValueError:
        return None
    return Vote.objects.select_related("node", "organization").filter(uuid=uuid).first()


def elector_for(vote: Vote, key: str) -> Elector | None:
    """The elector of `vote`'s snapshot named by `key` ("person:12", "owner:3,9", …), or None."""
    return Elector.objects.filter(vote=vote, key=key).first()


def electors_by_key(vote: Vote, keys: list[str]) -> dict[str, Elector]:
    """{key: elector} for the keys of `vote`'s snapshot that exist (one query)."""
    return {e.key: e for e in Elector.objects.filter(vote=vote, key__in=keys)}


def _decimal_text(fraction_text: str) -> str:
    """ "1593/2" → "796.50" for the chart (Decimal arithmetic, never float)."""
    f = Fraction(fraction_text)
    return f"{(Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal('0.01'))}"


def results_context(vote: Vote) -> dict[str, Any]:
    """What voting/_results.html shows: every threshold (measured, required, reached, passed),
    the outcome, the counts and the data of the ECharts bar chart. A vote not yet tallied is
    counted on the fly and marked provisional. The caller checks `voting.view_results`."""
    if vote.result:
        result = Result.from_dict(vote.result)
        provisional = False
    else:
        from .tally import tally

        result = tally(vote)
        provisional = True
    chart = {
        "labels": [vote.option_label(k) for k in result.counts],
        "heads": [_decimal_text(v["heads"]) for v in result.counts.values()],
        "area": [_decimal_text(v["area"]) for v in result.counts.values()],
        "weighted": bool(vote.rule_snapshot.get("weighted")),
    }
    return {
        "vote": vote,
        "result": result,
        "provisional": provisional,
        "thresholds": [
            {
                "t": t,
                "label": THRESHOLD_LABELS.get(t.name, t.name),
                "what": TERM_LABELS.get(t.what, t.what),
                "measure": TERM_LABELS.get(t.measure, t.measure),
                "base": TERM_LABELS.get(t.base, t.base),
            }
            for t in result.thresholds
        ],
        "failed": [str(THRESHOLD_LABELS.get(t.name, t.name)) for t in result.failed_thresholds],
        "counts": [{"label": vote.option_label(k), **v} for k, v in result.counts.items()],
        "ranking": [{**row, "label": vote.option_label(row["option"])} for row in result.ranking],
        "chart": chart,
        "chart_id": f"results-chart-{vote.uuid}",
        "chart_data_id": f"results-chart-{vote.uuid}-data",
        "digest": vote.digest,
    }


def ballot_choices(vote: Vote) -> list[list[str]]:
    """The content of every ballot of a closed vote, in log order (what the published ballot
    log, ballots.csv, shows): one list of option keys per ballot. For counting rules that need
    whole ballots (participatory budgeting's Method of Equal Shares). Refused while the vote
    is open: a running secret vote shows no ballot to anyone."""
    from .models import Ballot, Status

    if vote.status not in (Status.CLOSED, Status.TALLIED):
        raise ValueError("ballots are read only once the vote is closed")
    return [
        [str(c) for c in choice]
        for choice in Ballot.objects.filter(vote=vote)
        .order_by("seq")
        .values_list("choice", flat=True)
    ]
