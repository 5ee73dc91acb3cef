"""Rollups recompute a level's (or a trend's) missing or dirty values in one batch
(`compute_series`), and keep
their stamp rule: a value computed while a change came in is not stored as clean."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.assessment import rollups
from cogov.assessment.models import Rollup
from cogov.core import metrics
from cogov.core.metrics import Period, touched
from cogov.territory.models import Level, Node

from ..cases.test_batched_metrics import _cases

KEYS = ("cases.response_rate", "cases.resolution_rate", "cases.satisfaction_rate")


def _level(level: str) -> list[Any]:
    return list(Node.objects.filter(level=level).order_by("code"))


def test_cold_values_equal_compute_and_are_stored_clean(world):
    _cases(world)
    period = Period.year(2026)
    for level in (Level.STREET, Level.COMMUNITY, Level.GRID):
        nodes = _level(level)
        for key in KEYS:
            cold = rollups.values(key, nodes, period)
            assert cold == {n.pk: metrics.compute(key, n, period) for n in nodes}
            stored = {r.node_id: r for r in Rollup.objects.filter(metric=key, node__in=nodes)}
            assert {pk: r.value for pk, r in stored.items()} == cold
            assert not any(r.dirty for r in stored.values())
            with CaptureQueriesContext(connection) as ctx:
                assert rollups.values(key, nodes, period) == cold
            assert len(ctx.captured_queries) == 1  # warm: the rollup rows only


def test_a_trend_computes_its_missing_months_in_one_batch(world):
    _cases(world)
    street = world.nodes["S1"]
    months = [Period.month(2026, m) for m in range(1, 13)]
    key = "cases.resolution_rate"
    with CaptureQueriesContext(connection) as cold:
        trend = rollups.series(key, street, months)
    assert trend == [metrics.compute(key, street, p) for p in months]
    assert any(v is not None for v in trend)
    # For the rate and for the satisfaction rate of the same batch: read, create the twelve
    # rows, read them back; then policies, one aggregate, and twelve stores each.
    assert len(cold.captured_queries) <= 2 + 2 * 3 + 2 * len(months)
    rows = Rollup.objects.filter(metric=key, node=street)
    assert rows.count() == 12 and not rows.filter(dirty=True).exists()
    touched("cases", world.nodes["G11"].path, [Period.month(2026, 3).start])  # March only
    assert list(rows.filter(dirty=True).values_list("period_start__month", flat=True)) == [3]
    with CaptureQueriesContext(connection) as warm:
        assert rollups.series(key, street, months) == trend
    # The rows of both rates, policies, one aggregate, one store each (March of both rates).
    assert len(warm.captured_queries) <= 6


def test_dirty_rows_recompute_together(world):
    _cases(world)
    period = Period.month(2026, 3)
    communities = _level(Level.COMMUNITY)
    before = rollups.values("cases.volume", communities, period)
    touched("cases", world.nodes["G11"].path, None)  # C1 (and S1, D) dirty
    dirty = Rollup.objects.filter(metric="cases.volume", dirty=True)
    assert set(dirty.values_list("node_id", flat=True)) == {world.nodes["C1"].pk}
    assert rollups.values("cases.volume", communities, period) == before
    assert not dirty.exists()


def test_a_change_during_the_computation_leaves_the_row_dirty(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    _cases(world)
    period = Period.month(2026, 4)
    communities = _level(Level.COMMUNITY)
    real = metrics.compute_series

    def computing_while_a_case_changes(key: str, nodes: list[Any], ps: list[Period]) -> Any:
        got = real(key, nodes, ps)
        with django_capture_on_commit_callbacks(execute=True):  # C2 changes and commits meanwhile
            touched("cases", world.nodes["G21"].path, None)
        return got

    monkeypatch.setattr(metrics, "compute_series", computing_while_a_case_changes)
    rollups.values("cases.closure_rate", communities, period)
    rows = {r.node_id: r for r in Rollup.objects.filter(metric="cases.closure_rate")}
    assert rows[world.nodes["C2"].pk].dirty
    assert not rows[world.nodes["C1"].pk].dirty and not rows[world.nodes["C3"].pk].dirty
    monkeypatch.undo()
    assert rollups.refresh_dirty() == 1
    assert not Rollup.objects.filter(dirty=True).exists()


@pytest.mark.parametrize("dirty_only", [False, True])
def test_refresh_fills_every_level_in_batches(world, dirty_only):
    _cases(world)
    period = Period.month(2026, 3)
    keys = ["cases.volume", "cases.composite_score", "cases.whistles"]
    if dirty_only:
        rollups.refresh(period, keys=keys)
        Rollup.objects.update(dirty=True, value=None)
    with CaptureQueriesContext(connection) as ctx:
        done = rollups.refresh(period, dirty_only=dirty_only, keys=keys)
    nodes = list(Node.objects.filter(level__in=["district", "street", "community", "grid"]))
    expected = {
        (key, n.pk): metrics.compute(key, n, period)
        for key in keys
        for n in nodes
        if n.level in metrics.get(key).levels
    }
    assert done == len(expected)
    got = {
        (r.metric, r.node_id): r.value
        for r in Rollup.objects.filter(period_start=period.start, period_end=period.end)
    }
    assert got == expected
    assert not Rollup.objects.filter(dirty=True).exists()
    # A batch per metric (the composite: 3 queries; cases.whistles, not batched: one per node),
    # a few reads and writes of rollup rows per metric, and one conditional UPDATE per row.
    whistle_nodes = sum(1 for key, _pk in expected if key == "cases.whistles")
    assert len(ctx.captured_queries) <= 1 + 4 * len(keys) + 3 + whistle_nodes + len(expected)


def test_inside_the_writers_transaction_only_clean_rows_are_marked(
    world, django_capture_on_commit_callbacks
):
    """Rows already dirty are left alone (not locked) until the writer commits: writers of a
    busy city do not queue on the district's rows; after the commit every row is bumped."""
    _cases(world)
    period = Period.month(2026, 3)
    rollups.values("cases.volume", _level(Level.COMMUNITY), period)
    c1 = Rollup.objects.get(metric="cases.volume", node=world.nodes["C1"])
    Rollup.objects.filter(pk=c1.pk).update(dirty=True)
    c2 = Rollup.objects.get(metric="cases.volume", node=world.nodes["C2"])
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        touched("cases", world.nodes["G11"].path, None)
        touched("cases", world.nodes["G21"].path, None)
    c1_in_tx = Rollup.objects.get(pk=c1.pk)
    c2_in_tx = Rollup.objects.get(pk=c2.pk)
    assert c1_in_tx.dirty and c1_in_tx.stamp == c1.stamp  # already dirty: not touched
    assert c2_in_tx.dirty and c2_in_tx.stamp == c2.stamp + 1  # clean: marked at once
    for callback in after_commit:
        callback()
    assert Rollup.objects.get(pk=c1.pk).stamp == c1.stamp + 1
    assert Rollup.objects.get(pk=c2.pk).stamp == c2.stamp + 2


def test_the_worker_sweep_repairs_dirty_rollups(world):
    from cogov.core.tasks import run_sweep

    _cases(world)
    rollups.values("cases.volume", _level(Level.COMMUNITY), Period.month(2026, 3))
    touched("cases", world.nodes["G11"].path, None)
    assert Rollup.objects.filter(dirty=True).exists()
    run_sweep()
    assert not Rollup.objects.filter(dirty=True).exists()


def test_a_rate_stores_the_rates_of_its_batch_too(world):
    """Computing the resolution rate stores the satisfaction rate of the same cells (one count
    of the revisits serves both): the dashboard's next rate reads rollup rows only. A sibling's
    clean rows are not rewritten."""
    _cases(world)
    months = [Period.month(2026, m) for m in range(1, 7)]
    street = world.nodes["S1"]
    rollups.series("cases.satisfaction_rate", street, months[:2])  # two clean sibling rows
    clean = {
        r.period_start: r.stamp
        for r in Rollup.objects.filter(metric="cases.satisfaction_rate", node=street)
    }
    assert len(clean) == 2
    rollups.series("cases.resolution_rate", street, months)
    sibling = Rollup.objects.filter(metric="cases.satisfaction_rate", node=street)
    assert sibling.count() == 6 and not sibling.filter(dirty=True).exists()
    assert {r.period_start: r.stamp for r in sibling if r.period_start in clean} == clean
    with CaptureQueriesContext(connection) as ctx:
        trend = rollups.series("cases.satisfaction_rate", street, months)
    assert trend == [metrics.compute("cases.satisfaction_rate", street, p) for p in months]
    assert len(ctx.captured_queries) == 1  # the rollup rows only: no count of the cases
    # The same for a level's values.
    communities = _level(Level.COMMUNITY)
    period = Period.year(2026)
    rollups.values("cases.satisfaction_rate", communities, period)
    with CaptureQueriesContext(connection) as ctx:
        values = rollups.values("cases.resolution_rate", communities, period)
    assert values == {
        n.pk: metrics.compute("cases.resolution_rate", n, period) for n in communities
    }
    assert len(ctx.captured_queries) == 1
