"""`get_policies`: the policy of every node in one query, equal to `get_policy` node by node."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.core.models import Policy
from cogov.core.policies import get_policies, get_policy
from cogov.territory.models import Node

KIND = "accounts.verification_deadline"  # not statutory; default 3 working days


def test_get_policies_equals_get_policy_for_every_node_and_date(world):
    nodes = list(Node.objects.order_by("code"))
    rows = [
        (None, dt.date(2024, 1, 1), 4),  # platform
        (world.nodes["S1"], dt.date(2025, 1, 1), 5),  # a street, later
        (world.nodes["C1"], dt.date(2025, 6, 1), 6),  # one of its communities, later still
        (world.nodes["C1"], dt.date(2025, 6, 1), 7),  # same date, newer row wins
        (world.nodes["G31"], dt.date(2030, 1, 1), 8),  # not yet in force
    ]
    for node, since, days in rows:
        Policy.objects.create(
            kind=KIND, node=node, effective_from=since, value={"working_days": days}
        )
    for on in (dt.date(2023, 6, 1), dt.date(2024, 6, 1), dt.date(2025, 3, 1), dt.date(2026, 1, 1)):
        with CaptureQueriesContext(connection) as ctx:
            many = get_policies(KIND, nodes, on=on)
        assert len(ctx.captured_queries) == 1
        assert many == {n.pk: get_policy(KIND, n, on=on) for n in nodes}
    values = get_policies(KIND, nodes, on=dt.date(2026, 1, 1))
    assert values[world.nodes["G11"].pk].working_days == 7  # C1's newest row
    assert values[world.nodes["G21"].pk].working_days == 5  # S1's
    assert values[world.nodes["G31"].pk].working_days == 4  # its own is not in force yet
    assert get_policies(KIND, []) == {}
