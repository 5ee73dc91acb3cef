"""The issue's definition of done, end to end:

* changing a case's outcome (through the case actions, not by writing rows) changes the affected
  metric and the round's result when it is recomputed, and not the frozen snapshot of a
  published round;
* an evaluation round on the demo district from indicator system to published ranking,
  reproducible from its snapshot.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.utils import translation

from cogov.assessment import actions, engine, rollups
from cogov.assessment.defaults import install_default_system
from cogov.assessment.models import Indicator, IndicatorSystem, Kind, Result, SystemVersion
from cogov.cases.actions import check_case, reply_case, revisit_case
from cogov.core.errors import ActionError
from cogov.core.metrics import Period

from ..cases.factories import replied

pytestmark = pytest.mark.django_db


def _system() -> SystemVersion:
    system = IndicatorSystem.objects.create(key="done", name="done")
    v = SystemVersion.objects.create(system=system, number=1, params={})
    goal = Indicator.objects.create(version=v, kind=Kind.GOAL, name="goal")
    Indicator.objects.create(
        version=v, parent=goal, kind=Kind.INDICATOR, name="满意率",
        metric_key="cases.satisfaction_rate", weight=1,
    )  # fmt: skip
    Indicator.objects.create(
        version=v, parent=goal, kind=Kind.INDICATOR, name="按期结案率",
        metric_key="cases.on_time_closure_rate", weight=1,
    )  # fmt: skip
    return v


def _scores(rnd: Any) -> dict[int, float]:
    return dict(Result.objects.filter(round=rnd).values_list("node_id", "score"))


def test_a_case_outcome_changes_metric_and_recomputed_round_not_published_snapshot(world):
    staff, handler, resident = (world.users[k] for k in ("community_worker", "org_staff",
                                                          "resident"))  # fmt: skip
    evaluator = world.users["evaluator"]
    good = replied(world, x=0.5)  # G11
    check_case(actor=resident, case=good, passed=True)
    revisit_case(actor=staff, case=good, resolution="resolved", satisfaction="satisfied")
    case = replied(world, x=1.5)  # G12: unresolved and dissatisfied (the revisit reopens it)
    check_case(actor=resident, case=case, passed=True)
    revisit_case(actor=staff, case=case, resolution="unresolved", satisfaction="dissatisfied")

    g12 = world.nodes["G12"]
    period = Period.year(case.reported_at.year)
    assert float(rollups.value("cases.satisfaction_rate", g12, period)) == 0.0

    v = _system()
    kwargs = {"version": v, "scope": world.nodes["C1"], "level": "grid", "start": period.start,
              "end": period.end}  # fmt: skip
    published = actions.create_round(actor=evaluator, name="已发布", **kwargs)
    actions.compute_round(actor=evaluator, round=published)
    actions.publish_round(actor=evaluator, round=published)
    published.refresh_from_db()
    frozen_snapshot = copy.deepcopy(published.snapshot)
    frozen_results = _scores(published)
    live = actions.create_round(actor=evaluator, name="未发布", **kwargs)
    actions.compute_round(actor=evaluator, round=live)
    before = _scores(live)
    assert before == frozen_results and before[g12.pk] < before[world.nodes["G11"].pk]

    # The outcome changes, through the case actions: handled again, checked, revisited happy.
    reply_case(actor=handler, case=case, reply="已彻底修复")
    check_case(actor=resident, case=case, passed=True)
    revisit_case(actor=staff, case=case, resolution="resolved", satisfaction="satisfied")

    # The affected metric changes (the rollup was told, and recomputes on read) ...
    assert float(rollups.value("cases.satisfaction_rate", g12, period)) == 1.0
    # ... the round's result changes when it is recomputed ...
    actions.compute_round(actor=evaluator, round=live)
    after = _scores(live)
    assert after[g12.pk] > before[g12.pk]
    # ... and the published round keeps its frozen snapshot and its results, which its
    # snapshot still reproduces.
    published.refresh_from_db()
    assert published.snapshot == frozen_snapshot
    assert _scores(published) == frozen_results
    assert {r["unit"]: r["score"] for r in engine.score_snapshot(published.snapshot)} == (
        frozen_results
    )


@pytest.mark.slow
def test_a_round_on_the_demo_district_from_system_to_published_ranking(db):
    from cogov.accounts.models import Membership
    from cogov.cases.models import Case
    from cogov.demo.builder import build
    from cogov.territory.models import Node

    build("tiny", seed=3)
    evaluator = Membership.objects.filter(role="evaluator").select_related("user").first().user
    district = Node.objects.get(level="district", parent=None)
    year = Case.objects.order_by("-reported_at").first().reported_at.year
    period = Period.year(year)

    version, missing = install_default_system()
    if version.frozen:  # the demo published a round with it: judge a new version
        version = actions.new_version(actor=evaluator, version=version)
    party, _governance = Indicator.objects.filter(version=version, kind=Kind.CRITERION)
    # AHP over the two blocks (party building judged 2× as important) through the action.
    report = actions.set_judgements(
        actor=evaluator, node=party.parent, matrices=[[[1, 2], [0.5, 1]]]
    )
    assert report.consistent and report.weights[0] == pytest.approx(2 / 3)
    rnd = actions.create_round(
        actor=evaluator, version=version, scope=district, level="community",
        start=period.start, end=period.end, name=f"{year}年度党建引领社区治理考评",
    )  # fmt: skip
    communities = list(Node.objects.within(district).of_level("community").order_by("code"))
    assert len(communities) >= 2
    for i, community in enumerate(communities):
        for manual in Indicator.objects.filter(version=version, manual=True):
            actions.record_manual_score(
                actor=evaluator, round=rnd, unit=community, indicator=manual, value=70 + 3 * i
            )
    results = actions.compute_round(actor=evaluator, round=rnd)
    assert len(results) == len(communities)
    assert {m["metric"] for m in rnd.snapshot["unavailable"]} == set(missing)
    assert sorted(r["rank"] for r in results)[0] == 1
    assert {r["grade"] for r in results} <= {"excellent", "competent", "basic", "incompetent"}
    assert all(len(r["blocks"]) == 2 for r in results)
    actions.publish_round(actor=evaluator, round=rnd)

    rnd.refresh_from_db()
    stored = {r.node_id: (r.score, r.rank, r.grade) for r in rnd.results.all()}
    replay = {r["unit"]: (r["score"], r["rank"], r["grade"]) for r in
              engine.score_snapshot(copy.deepcopy(rnd.snapshot))}  # fmt: skip
    assert replay == stored
    # A new version of the system can change; the published round's version cannot.
    assert SystemVersion.objects.get(pk=version.pk).frozen
    with pytest.raises(ActionError, match="已冻结") as err:
        actions.set_judgements(actor=evaluator, node=party.parent, matrices=[])
    assert err.value.field == "version"
    with translation.override("en"), pytest.raises(ActionError, match="frozen"):
        actions.set_judgements(actor=evaluator, node=party.parent, matrices=[])
