"""The batched forms of the case metrics (`cogov.core.metrics.compute_many`) give exactly the
per-node values, over cases in every state spread over grids and communities and periods, with
node-level policies; and cost a fixed number of queries whatever the number of nodes."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.cases.models import Case, CaseEvent, Category
from cogov.cases.workflow import Resolution, Satisfaction, Status
from cogov.core import metrics
from cogov.core.metrics import Period
from cogov.core.models import Policy
from cogov.territory.models import Level, Node

from ..world import World

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
CASE_KEYS = sorted(m.key for m in metrics.all_metrics() if m.key.startswith("cases."))
BATCHED = [
    "cases.volume",
    "cases.response_rate",
    "cases.resolution_rate",
    "cases.satisfaction_rate",
    "cases.closure_rate",
    "cases.on_time_closure_rate",
    "cases.rework_rate",
    "cases.postponement_rate",
    "cases.dispatch_accuracy",
    "cases.on_time_check_rate",
    "cases.composite_score",
]
PERIODS = [
    Period.month(2026, 3),
    Period.month(2026, 4),
    Period.year(2026),
    Period.year(2025),  # no case at all: None (rates) and 0 (volume) everywhere
]


def _at(rng: random.Random) -> dt.datetime:
    """A time in March or April 2026 Beijing time, often near a month's edge."""
    day = rng.choice([dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1)])
    if rng.random() < 0.5:
        day = dt.date(2026, 3, 1) + dt.timedelta(days=rng.randrange(61))
    return dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), SHANGHAI)


def _maybe(rng: random.Random, p: float = 0.7) -> dt.datetime | None:
    return _at(rng) if rng.random() < p else None


def _cases(world: World, n: int = 160, seed: int = 7) -> None:
    """`n` cases in random states at the grids and communities of S1 and C3 (none in C4)."""
    rng = random.Random(seed)
    category = Category.objects.order_by("code").first()
    places = [
        world.nodes[k]
        for k in ("G11", "G12", "G21", "C1", "C2", "G31")  # C1, C2: cases with no grid
    ]
    events = []
    for i in range(n):
        place = rng.choice(places)
        grid = place if place.level == Level.GRID else None
        community = place if grid is None else place.parent
        due = _maybe(rng, 0.8)
        case = Case.objects.create(
            number=f"T{i:05d}",
            channel="grid_worker",
            category=category,
            description="测试",
            grid=grid,
            community=community,
            street=community.parent,
            territory_path=place.path,
            status=rng.choice(list(Status.values)),
            reported_at=_at(rng),
            dispatched_at=_maybe(rng),
            contacted_at=_maybe(rng),
            replied_at=_maybe(rng),
            checked_at=_maybe(rng),
            revisited_at=_maybe(rng),
            closed_at=_maybe(rng),
            response_due_at=_maybe(rng, 0.6),
            reply_due_at=due,
            check_due_at=_maybe(rng, 0.6),
            revisit_resolution=rng.choice(["", *Resolution.values]),
            revisit_satisfaction=rng.choice(["", *Satisfaction.values]),
        )
        for kind in rng.sample(
            ["dispatch", "whistle", "return", "check_fail", "approve_postponement", "sign"],
            rng.randrange(4),
        ):
            events.append(CaseEvent(subject=case, kind=kind, to_status=case.status, at=_at(rng)))
    CaseEvent.objects.bulk_create(events)


@pytest.fixture
def cases_world(world: World) -> World:
    # An empty community (no case ever) and node policies: S1 counts 未评价 and gives other
    # credits and weights; C3 has its own (the nearest node wins).
    world.nodes["C4"] = Node.objects.create(
        level=Level.COMMUNITY,
        parent=world.nodes["S2"],
        code="440111002009",
        name="空社区",
        valid_from=dt.date(2020, 1, 1),
    )
    value = {
        "partly_resolved_credit": "0.3",
        "fairly_satisfied_credit": "0.7",
        "count_unrated": True,
        "weight_response": "20",
        "weight_resolution": "0",
        "weight_satisfaction": "80",
    }
    Policy.objects.create(
        kind="cases.scoring",
        node=world.nodes["S1"],
        effective_from=dt.date(2024, 1, 1),
        value=value,
    )
    Policy.objects.create(
        kind="cases.scoring",
        node=world.nodes["C3"],
        effective_from=dt.date(2024, 1, 1),
        value={**value, "count_unrated": False, "partly_resolved_credit": "0.25"},
    )
    _cases(world)
    return world


def _nodes(world: World, level: str) -> list[Any]:
    return list(Node.objects.filter(level=level).order_by("code"))


def test_every_case_metric_the_dashboards_read_is_batched() -> None:
    for key in BATCHED:
        assert metrics.get(key).batch is not None, key
    assert set(BATCHED) <= set(CASE_KEYS)


@pytest.mark.parametrize("key", BATCHED)
def test_batched_equals_per_node(cases_world: World, key: str) -> None:
    metric = metrics.get(key)
    seen_none = seen_value = False
    for level in metric.levels:
        nodes = _nodes(cases_world, level)
        for period in PERIODS:
            many = metrics.compute_many(key, nodes, period)
            assert list(many) == [n.pk for n in nodes]
            for node in nodes:
                one = metrics.compute(key, node, period)
                assert many[node.pk] == one, (key, node.code, str(period))
                assert type(many[node.pk]) is type(one)
                if one is not None:
                    # Same rounding: same digits after the point, not only the same number.
                    assert many[node.pk].as_tuple() == one.as_tuple(), (key, node.code)
                seen_none |= one is None
                seen_value |= one is not None and one != 0
    assert seen_value, f"{key}: the test world gave no value to compare"
    if key != "cases.volume":
        assert seen_none, f"{key}: the test world gave no empty node"


def test_batched_mixed_levels_and_subsets(cases_world: World) -> None:
    # Any nodes at once (a street with one of its communities and a grid), in any order.
    nodes = [cases_world.nodes[k] for k in ("G11", "S1", "C4", "D", "C1")]
    period = Period.month(2026, 3)
    for key in BATCHED:
        many = metrics.compute_many(key, nodes, period)
        assert many == {n.pk: metrics.compute(key, n, period) for n in nodes}, key


def test_compute_many_falls_back_and_checks_levels(cases_world: World) -> None:
    period = Period.month(2026, 3)
    streets = _nodes(cases_world, Level.STREET)
    # cases.whistles has no batched form: one compute per node.
    assert metrics.get("cases.whistles").batch is None
    assert metrics.compute_many("cases.whistles", streets, period) == {
        n.pk: metrics.compute("cases.whistles", n, period) for n in streets
    }
    with pytest.raises(ValueError, match="not defined for level 'community'"):
        metrics.compute_many("cases.whistles", _nodes(cases_world, Level.COMMUNITY), period)
    assert metrics.compute_many("cases.volume", [], period) == {}


def _queries(key: str, nodes: list[Any], period: Period) -> int:
    with CaptureQueriesContext(connection) as ctx:
        metrics.compute_many(key, nodes, period)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("key", BATCHED)
def test_batched_query_count_does_not_grow_with_nodes(world: World, key: str) -> None:
    s2 = world.nodes["S2"]
    for i in range(12):
        Node.objects.create(
            level=Level.COMMUNITY,
            parent=s2,
            code=f"4401110020{i + 10:02d}",
            name=f"新社区{i}",
            valid_from=dt.date(2020, 1, 1),
        )
    _cases(world, n=40)
    communities = _nodes(world, Level.COMMUNITY)
    assert len(communities) == 15
    period = Period.year(2026)
    few = _queries(key, communities[:2], period)
    many = _queries(key, communities, period)
    assert few == many
    assert many <= 4  # policies once, the aggregates once or twice


@pytest.mark.parametrize("key", BATCHED)
def test_batched_series_equals_per_period(cases_world: World, key: str) -> None:
    # A trend: months in any order, with a gap (May) between them; any nodes at once.
    months = [Period.month(2026, m) for m in (4, 2, 3, 6)]
    nodes = [cases_world.nodes[k] for k in ("G11", "S1", "C4", "D", "C1", "C3")]
    got = metrics.compute_series(key, nodes, months)
    assert list(got) == [n.pk for n in nodes]
    for node in nodes:
        assert got[node.pk] == [metrics.compute(key, node, p) for p in months], (key, node.code)
    with CaptureQueriesContext(connection) as one:
        metrics.compute_series(key, nodes, months[:1])
    with CaptureQueriesContext(connection) as four:
        metrics.compute_series(key, nodes, months)
    assert len(four.captured_queries) == len(one.captured_queries)  # one batch for all months


def test_overlapping_periods_are_batched_one_at_a_time(cases_world: World) -> None:
    periods = [Period.month(2026, 3), Period.year(2026), Period.month(2026, 4)]
    nodes = _nodes(cases_world, Level.COMMUNITY)
    for key in ("cases.volume", "cases.satisfaction_rate"):
        got = metrics.compute_series(key, nodes, periods)
        for node in nodes:
            assert got[node.pk] == [metrics.compute(key, node, p) for p in periods]
    assert metrics.compute_series("cases.volume", nodes, []) == {n.pk: [] for n in nodes}


def test_the_revisit_rates_are_one_family_computed_from_one_batch(cases_world: World) -> None:
    # Resolution and satisfaction count the same revisits: one batch gives both, each equal to
    # its own compute, in the queries of one of them.
    assert metrics.family("cases.satisfaction_rate") == (
        "cases.satisfaction_rate",
        "cases.resolution_rate",
    )
    assert metrics.family("cases.volume") == ("cases.volume",)
    months = [Period.month(2026, m) for m in (2, 3, 4)]
    nodes = [cases_world.nodes[k] for k in ("G11", "S1", "C4", "D", "C1", "C3")]
    with CaptureQueriesContext(connection) as both:
        got = metrics.compute_family_series("cases.resolution_rate", nodes, months)
    assert list(got) == ["cases.resolution_rate", "cases.satisfaction_rate"]
    for key, series in got.items():
        for node in nodes:
            assert series[node.pk] == [metrics.compute(key, node, p) for p in months], key
    with CaptureQueriesContext(connection) as one:
        metrics.compute_series("cases.resolution_rate", nodes, months)
    assert len(both.captured_queries) == len(one.captured_queries)
    # Overlapping periods, or a metric without a family: the metric alone, as compute_series.
    overlapping = [Period.month(2026, 3), Period.year(2026)]
    assert metrics.compute_family_series("cases.resolution_rate", nodes, overlapping) == {
        "cases.resolution_rate": metrics.compute_series("cases.resolution_rate", nodes, overlapping)
    }
    assert list(metrics.compute_family_series("cases.volume", nodes, months)) == ["cases.volume"]
