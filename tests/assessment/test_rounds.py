"""Rounds end to end: live metrics from real cases, snapshot, publication, rollups, permissions."""

from __future__ import annotations

import copy

import pytest
from django.utils import timezone

from cogov.assessment import actions, engine, rollups
from cogov.assessment.defaults import DEFAULT_TREE, block_analysis, install_default_system
from cogov.assessment.models import (
    Indicator,
    IndicatorSystem,
    Kind,
    Rollup,
    RoundStatus,
    SystemVersion,
)
from cogov.cases.actions import check_case, revisit_case
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.metrics import Period

from ..cases.factories import replied

pytestmark = pytest.mark.django_db


def _system() -> tuple[SystemVersion, Indicator]:
    system = IndicatorSystem.objects.create(key="t", name="t")
    v = SystemVersion.objects.create(system=system, number=1, params={"normalisation": "max"})
    goal = Indicator.objects.create(version=v, kind=Kind.GOAL, name="goal")
    crit = Indicator.objects.create(version=v, parent=goal, kind=Kind.CRITERION, name="c")
    Indicator.objects.create(
        version=v, parent=crit, kind=Kind.INDICATOR, name="sat",
        metric_key="cases.satisfaction_rate", weight=3,
    )  # fmt: skip
    manual = Indicator.objects.create(
        version=v, parent=crit, kind=Kind.INDICATOR, name="review", manual=True, weight=1
    )
    Indicator.objects.create(  # not registered: skipped gracefully
        version=v, parent=crit, kind=Kind.INDICATOR, name="x", metric_key="nope.missing", weight=1
    )
    return v, manual


def _revisited(world, x, satisfaction):  # type: ignore[no-untyped-def]
    case = replied(world, x=x)
    staff = world.users["community_worker"]
    check_case(actor=world.users["resident"], case=case, passed=True)
    revisit_case(
        actor=staff,
        case=case, resolution="resolved", satisfaction=satisfaction,
    )  # fmt: skip
    return case


def test_round_reads_live_cases_and_a_published_snapshot_stays(world):
    evaluator = world.users["evaluator"]
    _revisited(world, 0.5, "satisfied")  # G11
    _revisited(world, 1.5, "dissatisfied")  # G12
    period = Period.year(timezone.localdate().year)
    v, manual = _system()
    rnd = actions.create_round(
        actor=evaluator, version=v, scope=world.nodes["D"], level="grid",
        start=period.start, end=period.end, name="2026",
    )  # fmt: skip
    for key, score in (("G11", 80), ("G12", 90), ("G21", 70), ("G31", 70)):
        actions.record_manual_score(
            actor=evaluator, round=rnd, node=world.nodes[key], indicator=manual, value=score
        )
    results = actions.compute_round(actor=evaluator, round=rnd)
    assert rnd.snapshot["skipped_metrics"] == ["nope.missing"]
    by = {r["unit"]: r for r in results}
    c1, c2, c3, c4 = (world.nodes[k].pk for k in ("G11", "G12", "G21", "G31"))
    # sat: G11 1.0, G12 0.0, others missing → worst (0.0); manual 80/90/70/70 → x/max
    assert by[c1]["score"] == pytest.approx(100 * (0.75 * 1 + 0.25 * 80 / 90))
    assert by[c2]["score"] == pytest.approx(25.0)
    assert [by[c]["rank"] for c in (c1, c2, c3, c4)] == [1, 2, 3, 3]
    assert by[c1]["grade"] == "excellent" and by[c3]["grade"] == "incompetent"

    rollup_before = rollups.value("cases.satisfaction_rate", world.nodes["G12"], period)
    actions.publish_round(actor=evaluator, round=rnd)
    rnd.refresh_from_db()
    frozen = copy.deepcopy(rnd.snapshot)
    assert rnd.status == RoundStatus.PUBLISHED and SystemVersion.objects.get(pk=v.pk).frozen

    # A satisfied revisit in G12 changes its satisfaction rate from 0 to 0.5: the case actions
    # tell the rollups (cogov.core.metrics.touched), which recompute on the next read ...
    assert float(rollup_before) == 0.0
    _revisited(world, 1.5, "satisfied")
    assert Rollup.objects.get(
        metric="cases.satisfaction_rate", node=world.nodes["G12"], period_start=period.start,
        period_end=period.end,
    ).dirty  # fmt: skip
    assert float(rollups.value("cases.satisfaction_rate", world.nodes["G12"], period)) == 0.5
    # ... and a live recomputation, but not the published round or its snapshot.
    live = engine.score_snapshot(engine.gather(rnd))
    assert {r["unit"]: r["score"] for r in live}[c2] == pytest.approx(62.5)  # 0.75·0.5 + 0.25
    assert results != live
    rnd.refresh_from_db()
    assert rnd.snapshot == frozen
    assert engine.score_snapshot(rnd.snapshot) == results
    with pytest.raises(ActionError):
        actions.compute_round(actor=evaluator, round=rnd)
    with pytest.raises(ActionError):
        actions.record_manual_score(
            actor=evaluator, round=rnd, node=world.nodes["C1"], indicator=manual, value=1
        )


@pytest.mark.parametrize("scoring", ["weighted_sum", "topsis", "grey", "fuzzy"])
def test_every_scoring_method_runs_on_a_snapshot(scoring):
    snap = {
        "units": [{"id": i, "name": str(i), "code": str(i)} for i in range(4)],
        "indicators": [
            {"id": 1, "direction": "benefit", "weight": 0.6, "block": 10},
            {"id": 2, "direction": "cost", "weight": 0.4, "block": 20},
        ],
        "values": {str(i): {"1": float(i), "2": float(4 - i)} for i in range(4)},
        "params": {**engine.DEFAULT_PARAMS, "scoring": scoring, "weighting": "combined"},
        "grades": {"excellent": 90, "competent": 75, "basic": 60},
    }
    out = engine.score_snapshot(snap)
    assert [r["rank"] for r in out] == [4, 3, 2, 1]
    assert out[3]["blocks"] == {"10": 100.0, "20": 100.0}


def test_permissions_and_appeals(world):
    v, _manual = _system()
    period = Period.year(2026)
    with pytest.raises(NotAllowed):
        actions.create_round(
            actor=world.users["street_official"], version=v, scope=world.nodes["D"],
            level="community", start=period.start, end=period.end, name="x",
        )  # fmt: skip
    rnd = actions.create_round(
        actor=world.users["admin"], version=v, scope=world.nodes["D"], level="community",
        start=period.start, end=period.end, name="x",
    )  # fmt: skip
    assert world.users["street_official"].has_perm("assessment.view_round", rnd)
    assert not world.users["resident"].has_perm("assessment.view_round", rnd)
    assert not world.users["street_official"].has_perm("assessment.manage_round", rnd)
    actions.compute_round(actor=world.users["evaluator"], round=rnd)
    actions.publish_round(actor=world.users["evaluator"], round=rnd)
    appeal = actions.raise_appeal(
        actor=world.users["street_official"], round=rnd, node=world.nodes["C1"], reason="数据有误"
    )
    with pytest.raises(NotAllowed):
        actions.decide_appeal(actor=world.users["street_official"], appeal=appeal, accept=True,
                              note="")  # fmt: skip
    actions.decide_appeal(
        actor=world.users["evaluator"], appeal=appeal, accept=False, note="核实无误"
    )
    assert [e.to_status for e in appeal.events.all()] == ["open", "rejected"]


def test_default_system_binds_metrics_and_manual_inputs_and_blocks_correlate(world):
    v, missing = install_default_system()
    leaves = Indicator.objects.filter(version=v, kind=Kind.INDICATOR)
    keys = set(leaves.exclude(metric_key="").values_list("metric_key", flat=True))
    assert keys == {k for ks in DEFAULT_TREE.values() for k in ks if isinstance(k, str)}
    assert "funds.execution_rate" in keys  # fund execution, even before the funds app lands
    assert leaves.filter(manual=True).count() == 2
    assert set(missing) <= keys

    class R:
        def __init__(self, unit_id, a, b):  # type: ignore[no-untyped-def]
            self.unit_id, self.blocks = unit_id, {"1": a, "2": b}

    res = [R(1, 10, 20), R(2, 20, 40), R(3, 30, 60), R(4, 90, 10)]
    out = block_analysis(res, {1: "a", 2: "b", 3: "c", 4: "d"})
    # means 37.5 / 32.5: b (20, 40) and c (30, 60) governance-strong, d (90, 10) party-strong;
    # ordered by the gap between the two deviations from the means (75, 35, 25)
    assert out["diverging"] == ["d", "c", "b"]
    assert out["party_strong"] == ["d"] and out["governance_strong"] == ["b", "c"]
    assert -1 <= out["pearson"] <= 1 and out["spearman"] == pytest.approx(-0.2)


def test_touched_marks_only_the_periods_nodes_and_app_it_names(world):
    import datetime as dt

    from cogov.core.metrics import touched

    g11, c1, s2 = world.nodes["G11"], world.nodes["C1"], world.nodes["S2"]
    feb, mar, year = Period.month(2026, 2), Period.month(2026, 3), Period.year(2026)
    for node in (g11, c1, s2):
        for p in (feb, mar, year):
            rollups.value("cases.volume", node, p)
    rollups.value("cooperation.needs_listed", c1, year)  # not cached: cooperation does not notify
    assert not Rollup.objects.filter(metric__startswith="cooperation.").exists()
    assert not Rollup.objects.filter(dirty=True).exists()

    touched("cases", g11.path, [dt.datetime(2026, 3, 15, 1, 0, tzinfo=dt.UTC)])
    dirty = set(
        Rollup.objects.filter(dirty=True).values_list("node_id", "period_start", "period_end")
    )
    assert dirty == {
        (n.pk, p.start, p.end) for n in (g11, c1) for p in (mar, year)
    } | {(n.pk, p.start, p.end) for n in (world.nodes["S1"], world.nodes["D"])
         for p in (mar, year) if Rollup.objects.filter(node=n).exists()}  # fmt: skip
    assert not Rollup.objects.filter(node=s2, dirty=True).exists()  # another street
    assert not Rollup.objects.filter(period_start=feb.start, dirty=True).exists()
    touched("cooperation", g11.path, None)  # another app's notice leaves cases' rows alone
    assert Rollup.objects.filter(dirty=True).count() == len(dirty)
