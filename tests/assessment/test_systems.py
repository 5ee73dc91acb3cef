"""Editing indicator systems (actions, pages, API): the tree and its bindings, AHP judgements
with the consistency report naming the worst judgements, parameters, versions and freezing;
manual scores; departments and party organizations as evaluated units; appeals; and the new
permissions per role."""

from __future__ import annotations

import pytest
from django.utils import translation

from cogov.assessment import actions
from cogov.assessment.models import Indicator, Kind, Result, RoundStatus
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.metrics import Period
from tests.world import PERSONAS

pytestmark = pytest.mark.django_db

SAATY_INCONSISTENT = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # a > b > c > a


def _tree(world):  # type: ignore[no-untyped-def]
    version = actions.create_system(actor=world.users["evaluator"], key="t", name="测试体系")
    goal = Indicator.objects.get(version=version, kind=Kind.GOAL)
    ev = world.users["evaluator"]
    kids = [
        actions.add_indicator(actor=ev, parent=goal, kind=Kind.INDICATOR, name=name, **bind)
        for name, bind in (
            ("量", {"metric_key": "cases.volume"}),
            ("返工", {"metric_key": "cases.rework_rate", "direction": "cost"}),
            ("巡查", {"manual": True, "unit": "分"}),
        )
    ]
    return version, goal, kids


def test_tree_editing_refuses_bad_input_with_the_field(world):
    version, goal, (volume, _rework, _manual) = _tree(world)
    ev = world.users["evaluator"]
    with pytest.raises(ActionError) as err:
        actions.add_indicator(actor=ev, parent=goal, kind=Kind.INDICATOR, name="x")
    assert err.value.field == "metric_key"
    with pytest.raises(ActionError) as err:
        actions.add_indicator(actor=ev, parent=volume, kind=Kind.INDICATOR, name="x",
                              manual=True)  # fmt: skip
    assert err.value.field == "kind"  # nothing sits under an indicator
    assert err.value.message == "指标层的节点不能放在指标层之下。"  # zh_Hans by default
    with pytest.raises(ActionError) as err:
        actions.add_indicator(actor=ev, parent=goal, kind=Kind.INDICATOR, name="x", manual=True,
                              weight=-1)  # fmt: skip
    assert err.value.field == "weight"
    with pytest.raises(NotAllowed):
        actions.add_indicator(actor=world.users["street_official"], parent=goal,
                              kind=Kind.INDICATOR, name="x", manual=True)  # fmt: skip
    with pytest.raises(ActionError) as err:
        actions.set_params(actor=ev, version=version, params={"scoring": "magic"})
    assert err.value.field == "scoring"
    actions.set_params(
        actor=ev, version=version, params={"scoring": "topsis", "ri_table": "alonso_lamata"}
    )
    version.refresh_from_db()
    assert version.params["scoring"] == "topsis" and version.params["rho"] == 0.5


def test_ahp_judgements_report_cr_and_the_worst_judgements(world, english):
    _version, goal, _kids = _tree(world)
    ev = world.users["evaluator"]
    report = actions.set_judgements(actor=ev, node=goal, matrices=[SAATY_INCONSISTENT])
    assert not report.consistent and report.cr >= 0.1
    assert len(report.culprits) == 3
    with pytest.raises(ActionError, match="row 1, column 2"):
        actions.set_judgements(actor=ev, node=goal, matrices=[[[1, 3, 1], [1, 1, 1], [1, 1, 1]]])
    with pytest.raises(ActionError, match="off Saaty"):
        actions.set_judgements(
            actor=ev, node=goal, matrices=[[[1, 11, 1], [1 / 11, 1, 1], [1, 1, 1]]]
        )
    with translation.override("zh-hans"), pytest.raises(ActionError) as err:
        actions.set_judgements(actor=ev, node=goal, matrices=[[[1, 3, 1], [1, 1, 1], [1, 1, 1]]])
    assert err.value.message == "专家 1，第 1 行第 2 列：a_ji 须等于 1/a_ij。"
    # group AHP: two experts, geometric mean
    a = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    b = [[1, 5, 7], [1 / 5, 1, 3], [1 / 7, 1 / 3, 1]]
    report = actions.set_judgements(actor=ev, node=goal, matrices=[a, b])
    assert report.consistent and report.weights[0] > report.weights[1] > report.weights[2]


def test_judgements_page_shows_cr_and_culprits(world, client_for):
    _version, goal, _kids = _tree(world)
    client = client_for("evaluator")
    url = f"/assessment/nodes/{goal.uuid}/judgements/"
    form = {"experts": "1", "e0_0_1": "9", "e0_0_2": "1/9", "e0_1_2": "9"}
    resp = client.post(url, form)
    assert resp.status_code == 302
    html = client.get(url).content.decode()
    assert 'data-testid="consistency"' in html and 'data-testid="culprits"' in html
    assert "saaty" in html  # the RI table is named
    bad = client.post(url, {"experts": "1", "e0_0_1": "12", "e0_0_2": "1", "e0_1_2": "1"})
    assert bad.status_code == 200  # refused, the page names the cell
    assert "专家 1，第 1 行第 2 列: “12”超出 Saaty 标度" in bad.content.decode()
    assert client_for("street_official").get(url).status_code == 404


def test_system_pages_and_versions(world, client_for):
    client = client_for("evaluator")
    resp = client.post("/assessment/systems/", {"name": "街道考评", "key": "street-2026"})
    assert resp.status_code == 302
    version_url = resp["Location"]
    goal = Indicator.objects.get(kind=Kind.GOAL, version__system__key="street-2026")
    form = {
        "parent": str(goal.uuid), "kind": "indicator", "name": "按期结案", "binding": "metric",
        "metric_key": "cases.on_time_closure_rate", "direction": "benefit", "weight": "0.6",
    }  # fmt: skip
    resp = client.post(version_url, form)
    assert resp.status_code == 302
    node = Indicator.objects.get(name="按期结案")
    assert node.metric_key == "cases.on_time_closure_rate" and node.weight == 0.6
    page = client.get(version_url).content.decode()
    assert 'data-testid="tree"' in page and "cases.on_time_closure_rate" in page
    form = {"name": "按期结案率", "binding": "manual", "direction": "benefit"}
    resp = client.post(f"/assessment/nodes/{node.uuid}/", form)
    node.refresh_from_db()
    assert node.manual and node.metric_key == "" and node.name == "按期结案率"
    resp = client.post(f"{version_url}new/")
    assert resp.status_code == 302
    assert Indicator.objects.filter(name="按期结案率").count() == 2  # copied into v2
    default = client.post("/assessment/systems/", {"default": "1"})
    page = client.get(default["Location"]).content.decode()
    assert "funds.execution_rate" in page


def test_api_edits_systems_and_reports_ahp(world, client_for):
    api = client_for("evaluator")
    resp = api.post("/api/assessment/systems", {"key": "api", "name": "接口体系"},
                    content_type="application/json")  # fmt: skip
    assert resp.status_code == 200, resp.content
    tree = resp.json()["tree"]
    goal = tree[0]["uuid"]
    for name in ("甲", "乙", "丙"):
        r = api.post(f"/api/assessment/indicators/{goal}/children",
                     {"name": name, "manual": True}, content_type="application/json")  # fmt: skip
        assert r.status_code == 200, r.content
    r = api.put(f"/api/assessment/indicators/{goal}/judgements",
                {"matrices": [SAATY_INCONSISTENT]}, content_type="application/json")  # fmt: skip
    ahp = r.json()["ahp"]
    assert ahp["cr"] >= 0.1 and not ahp["consistent"] and len(ahp["most_inconsistent"]) == 3
    r = api.post(f"/api/assessment/indicators/{goal}/children", {"name": ""},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 400 and "name" in r.json()["detail"]
    assert client_for("street_official").get("/api/assessment/systems").status_code == 403


def _round(world, level="community", version=None):  # type: ignore[no-untyped-def]
    version = version or _tree(world)[0]
    period = Period.year(2026)
    return actions.create_round(
        actor=world.users["evaluator"], version=version, scope=world.nodes["D"], level=level,
        start=period.start, end=period.end, name="考评",
    )  # fmt: skip


def test_manual_scores_page_is_atomic_and_names_the_cell(world, client_for):
    rnd = _round(world)
    manual = Indicator.objects.get(version=rnd.version, manual=True)
    client = client_for("evaluator")
    url = f"/assessment/rounds/{rnd.uuid}/scores/"
    c1, c2 = world.nodes["C1"], world.nodes["C2"]
    bad = client.post(url, {f"s_{c1.pk}_{manual.pk}": "80", f"s_{c2.pk}_{manual.pk}": "180"})
    assert bad.status_code == 200 and c2.name in bad.content.decode()
    assert not rnd.manual_scores.exists()  # all or nothing
    ok = client.post(url, {f"s_{c1.pk}_{manual.pk}": "80", f"s_{c2.pk}_{manual.pk}": "90"})
    assert ok.status_code == 302 and rnd.manual_scores.count() == 2
    # an appointed evaluator (a street official) may score; others may not
    assert client_for("street_official").get(url).status_code == 404
    actions.appoint_evaluator(actor=world.users["evaluator"], round=rnd,
                              user=world.users["street_official"])  # fmt: skip
    assert client_for("street_official").get(url).status_code == 200
    api = client_for("evaluator").put(
        f"/api/assessment/rounds/{rnd.uuid}/scores",
        [{"unit": c1.pk, "indicator": str(manual.uuid), "value": 70},
         {"unit": c2.pk, "indicator": str(manual.uuid), "value": -5}],
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 400 and "第 2 行" in api.json()["detail"]
    assert rnd.manual_scores.get(node=c1).value == 80  # rolled back


def test_departments_and_party_organizations_are_evaluated_units(world):
    from cogov.organizations.models import Organization

    ev = world.users["evaluator"]
    version, _goal, _kids = _tree(world)
    for level in ("department", "party_organization"):
        rnd = _round(world, level=level, version=version)
        manual = Indicator.objects.get(version=version, manual=True)
        from cogov.assessment.engine import round_units

        units = round_units(rnd)
        assert units, level
        kinds = set(Organization.objects.filter(pk__in=[u["id"] for u in units])
                    .values_list("kind", flat=True))  # fmt: skip
        assert kinds <= ({"department"} if level == "department" else
                         {"party_committee", "party_branch", "party_group"})  # fmt: skip
        org = Organization.objects.get(pk=units[0]["id"])
        actions.record_manual_score(actor=ev, round=rnd, unit=org, indicator=manual, value=88)
        with pytest.raises(ActionError):
            actions.record_manual_score(actor=ev, round=rnd, unit=world.nodes["C1"],
                                        indicator=manual, value=1)  # fmt: skip
        actions.compute_round(actor=ev, round=rnd)
        assert Result.objects.filter(round=rnd, organization=org).exists()
        actions.publish_round(actor=ev, round=rnd)
        appeal = actions.raise_appeal(actor=world.users["admin"], round=rnd, unit=org,
                                      reason="评分有误")  # fmt: skip
        actions.decide_appeal(actor=ev, appeal=appeal, accept=True, note="已复核，下轮更正")
        appeal.refresh_from_db()
        assert appeal.status == "accepted" and appeal.decision == "已复核，下轮更正"
    with pytest.raises(ActionError) as err:
        _round(world, level="household", version=version)
    assert err.value.field == "level"


def test_round_steps_and_appeals_through_the_page(world, client_for):
    rnd = _round(world)
    client = client_for("evaluator")
    assert client.post(f"/assessment/rounds/{rnd.uuid}/compute/").status_code == 302
    assert client.post(f"/assessment/rounds/{rnd.uuid}/publish/").status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PUBLISHED
    street = client_for("street_official")
    resp = street.post(f"/assessment/rounds/{rnd.uuid}/appeal/",
                       {"unit": world.nodes["C1"].pk, "reason": "巡查分漏计"})  # fmt: skip
    assert resp.status_code == 302
    appeal = rnd.appeals.get()
    page = client.get(f"/assessment/rounds/{rnd.uuid}/").content.decode()
    assert "巡查分漏计" in page
    street.post(f"/assessment/rounds/{rnd.uuid}/decide/",
                {"appeal": appeal.uuid, "accept": "1", "note": "x"})  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.status == "open"  # a street official cannot decide
    client.post(f"/assessment/rounds/{rnd.uuid}/decide/",
                {"appeal": appeal.uuid, "accept": "0", "note": "核实无误"})  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.status == "rejected"


@pytest.mark.parametrize("persona", [k for k, _r, _s in PERSONAS])
def test_new_pages_per_role(world, client_for, persona):
    """manage_system: administrators and evaluators; score_round: round managers (and appointed
    evaluators, above); view_round: the metrics capability."""
    rnd = _round(world)
    role = dict((k, r) for k, r, _s in PERSONAS)[persona]
    client = client_for(persona)
    systems = client.get("/assessment/systems/").status_code
    scores = client.get(f"/assessment/rounds/{rnd.uuid}/scores/").status_code
    view = client.get(f"/assessment/rounds/{rnd.uuid}/").status_code
    managers = {"admin", "evaluator"}
    viewers = managers | {"street_official", "party_secretary", "community_worker"}
    assert systems == (200 if role in managers else 404)
    assert scores == (200 if role in managers else 404)
    assert view == (200 if role in viewers else 404)
