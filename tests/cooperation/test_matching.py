"""Matching suggestions are ranked and every score is explained by its components."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from cogov.cooperation import actions, matching
from cogov.core.actions import set_policy
from cogov.organizations.models import Organization

pytestmark = pytest.mark.django_db


def setup(w):  # type: ignore[no-untyped-def]
    secretary = w.users["party_secretary"]
    need = actions.raise_need(
        actor=secretary,
        building=w.households["G11-1-101"].building,
        title="助老陪诊",
        category="health",
        quantity=5,
    )
    actions.list_need(actor=secretary, need=need)
    near = actions.offer_resource(
        actor=w.users["unit_liaison"],
        kind="skills",
        title="医生义诊",
        capacity=10,
        capacity_unit="人次",
        categories=["health"],
        building=w.households["G11-1-101"].building,
    )
    far_org = Organization.objects.create(
        kind="co_construction_unit", name="远方公司", node=w.nodes["C3"]
    )
    far = actions.offer_resource(
        actor=w.users["admin"],
        organization=far_org,
        kind="goods",
        title="文具",
        capacity=2,
        capacity_unit="箱",
        categories=["culture"],
    )
    for r in (near, far):
        actions.list_resource(actor=w.users["admin"], resource=r)
    return need, near, far


def test_ranked_and_explained(world):
    need, near, far = setup(world)
    with translation.override("en"):  # the explanations are checked in English
        found = matching.suggestions_for_need(need)
        best = found[0].as_dict()
    assert [s.resource for s in found] == [near, far]
    keys = [c["key"] for c in best["components"]]
    assert keys == ["category", "distance", "capacity", "record"]
    by_key = {c["key"]: c for c in best["components"]}
    assert by_key["category"]["value"] == 1.0 and by_key["distance"]["value"] == 1.0
    assert "km" in by_key["distance"]["explanation"]  # both have coordinates
    assert by_key["capacity"]["value"] == 1.0 and "10" in by_key["capacity"]["explanation"]
    assert "no rated project yet" in by_key["record"]["explanation"]
    total = sum(float(c["weight"]) for c in best["components"])
    assert best["score"] == round(sum(c["points"] for c in best["components"]) / total * 100, 1)
    worst = {c["key"]: c for c in found[1].as_dict()["components"]}
    assert (
        worst["category"]["value"] == 0.0 and "different" in worst["distance"]["explanation"]
    ) or worst["distance"]["value"] <= 0.2
    assert worst["capacity"]["value"] == pytest.approx(0.4)


def test_weights_are_policy(world):
    need, _near, _far = setup(world)
    before = matching.suggestions_for_need(need)[1].score
    set_policy(
        actor=world.users["admin"],
        kind="cooperation.matching",
        node=world.nodes["C1"],
        value={"category": 0, "distance": 0, "capacity": 1, "record": 0},
        effective_from=timezone.localdate(),
    )
    after = matching.suggestions_for_need(need)
    assert after[1].score == 40.0 != before  # capacity alone: 2 free of 5 needed


def test_api_suggestions_for_both_sides(world, client_for):
    need, near, _far = setup(world)
    secretary = client_for("party_secretary")
    rows = secretary.get(f"/api/cooperation/needs/{need.uuid}/suggestions").json()
    assert rows[0]["resource"] == str(near.uuid) and rows[0]["components"][0]["explanation"]
    rows = secretary.get(f"/api/cooperation/resources/{near.uuid}/suggestions").json()
    assert rows[0]["need"] == str(need.uuid)
    page = secretary.get(f"/cooperation/needs/{need.uuid}/").content.decode()
    assert "医生义诊" in page and 'class="score"' in page
