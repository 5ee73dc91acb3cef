"""Shipped defaults that change on a date (a revised statute), and how local rows meet them."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from cogov.core import policies
from cogov.core.models import Policy

LAW_CHANGES = dt.date(2026, 1, 1)


class Threshold(BaseModel):
    quorum: str = "1/2"


def _kind(statutory: bool) -> policies.PolicyKind[Threshold]:
    key = f"test.threshold_{'statutory' if statutory else 'local'}"
    return policies.register(
        policies.PolicyKind(
            key,
            "threshold",
            Threshold,
            statutory=statutory,
            default={"quorum": "1/2"},
            dated_defaults=((LAW_CHANGES, {"quorum": "2/3"}),),
        )
    )


def test_the_shipped_default_follows_the_date(db):
    kind = _kind(statutory=True)
    assert policies.get_policy(kind.key, on=dt.date(2025, 12, 31)).quorum == "1/2"
    assert policies.get_policy(kind.key, on=LAW_CHANGES).quorum == "2/3"
    assert policies.resolve(kind.key, on=LAW_CHANGES).source == "default"


def test_a_revised_statute_supersedes_a_local_row_made_under_the_old_law(world):
    kind = _kind(statutory=True)
    Policy.objects.create(
        kind=kind.key, node=world.C1, effective_from=dt.date(2024, 5, 1), value={"quorum": "3/5"}
    )
    assert policies.get_policy(kind.key, world.C1, on=dt.date(2025, 6, 1)).quorum == "3/5"
    assert policies.get_policy(kind.key, world.C1, on=dt.date(2026, 6, 1)).quorum == "2/3"
    # A row set under the new law stands.
    Policy.objects.create(
        kind=kind.key, node=world.C1, effective_from=dt.date(2026, 2, 1), value={"quorum": "4/5"}
    )
    assert policies.get_policy(kind.key, world.G11, on=dt.date(2026, 6, 1)).quorum == "4/5"


def test_a_local_kind_keeps_its_local_row(world):
    kind = _kind(statutory=False)
    Policy.objects.create(
        kind=kind.key, node=world.C1, effective_from=dt.date(2024, 5, 1), value={"quorum": "3/5"}
    )
    assert policies.get_policy(kind.key, world.C1, on=dt.date(2026, 6, 1)).quorum == "3/5"
