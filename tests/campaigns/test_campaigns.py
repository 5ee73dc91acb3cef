"""Campaigns: the Done-means cases (a campaign over the world's street S1, assigned, visited by
several people from the API, every household counted once, progress right at every level, a
found need turned into a case, the same visit sent twice recorded once) and a test per role."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from cogov.accounts.models import User
from cogov.campaigns import assignment, checklist
from cogov.campaigns.models import Campaign, CampaignEvent, CampaignHousehold, Finding, Visit
from cogov.cases.models import Case, Category

from .helpers import ANSWERS, CHECKLIST, _client, _post, _running


def test_assignment_keeps_own_grid_first_and_whole_buildings(world: Any) -> None:
    campaign = _running(world)
    rows = {
        e.household_id: e.assignee_id for e in CampaignHousehold.objects.filter(campaign=campaign)
    }
    g11 = [world.households["G11-1-101"].pk, world.households["G11-1-102"].pk]
    assert {rows[h] for h in g11} == {world.users["grid_worker"].pk}
    # C2's volunteer takes C2's building (G21) whole.
    g21 = [world.households["G21-1-101"].pk, world.households["G21-1-102"].pk]
    assert {rows[h] for h in g21} == {User.objects.get(username="vol1").pk}
    assert CampaignEvent.objects.filter(subject=campaign, kind="assign").count() == 1


def test_plan_respects_capacity_and_reports_unassigned() -> None:
    households = [(i, 1 if i < 5 else 2, 10) for i in range(8)]
    people = [assignment.Person(1, "/1/10/", 3), assignment.Person(2, None, 2)]
    result = assignment.plan(households, {10: "/1/10/"}, people)
    assert result.per_person == {1: 3, 2: 2}
    assert result.unassigned == 3
    # The 3-household building went whole to person 1 (own grid first).
    assert {result.assignee[i] for i in (5, 6, 7)} == {1}


def test_visits_from_the_api_count_each_household_once_and_progress_is_right(world: Any) -> None:
    campaign = _running(world)
    entries = list(
        CampaignHousehold.objects.filter(campaign=campaign).select_related("household", "assignee")
    )
    for entry in entries:
        client = _client(entry.assignee)
        first = _post(client, campaign, entry.household, uuid.uuid4())
        assert first.status_code == 201, first.content
        assert first.json()["first"] is True
        again = _post(client, campaign, entry.household, uuid.uuid4())  # a revisit
        assert again.status_code == 201 and again.json()["first"] is False
    assert Visit.objects.filter(campaign=campaign).count() == 12
    assert (
        CampaignHousehold.objects.filter(campaign=campaign, visited_at__isnull=False).count() == 6
    )
    admin = _client(world.users["street_official"])
    url = f"/api/campaigns/campaigns/{campaign.uuid}/progress"
    by_level = {
        lvl: admin.get(url, {"level": lvl}).json() for lvl in ("grid", "community", "street")
    }
    assert {r["code"]: (r["total"], r["visited"]) for r in by_level["grid"]["rows"]} == {
        "440111001001001": (2, 2),
        "440111001001002": (2, 2),
        "440111001002001": (2, 2),
    }
    assert {r["code"]: r["visited"] for r in by_level["community"]["rows"]} == {
        "440111001001": 4,
        "440111001002": 2,
    }
    assert by_level["street"]["totals"] == {"total": 6, "visited": 6, "pending": 0, "overdue": 0}


def test_progress_counts_pending_and_overdue(world: Any) -> None:
    campaign = _running(world)
    entry = (
        CampaignHousehold.objects.filter(campaign=campaign, grid=world.nodes["G21"])
        .select_related("household", "assignee")
        .first()
    )
    assert (
        _post(_client(entry.assignee), campaign, entry.household, uuid.uuid4()).status_code == 201
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        visit_due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    data = (
        _client(world.users["street_official"])
        .get(f"/api/campaigns/campaigns/{campaign.uuid}/progress", {"level": "community"})
        .json()
    )
    rows = {r["code"]: (r["visited"], r["pending"], r["overdue"]) for r in data["rows"]}
    assert rows == {"440111001001": (0, 4, 4), "440111001002": (1, 1, 1)}


def test_same_key_twice_is_recorded_once_and_a_different_payload_conflicts(world: Any) -> None:
    campaign = _running(world)
    entry = (
        CampaignHousehold.objects.filter(campaign=campaign)
        .select_related("household", "assignee")
        .first()
    )
    client = _client(entry.assignee)
    key = uuid.uuid4()
    first = _post(client, campaign, entry.household, key)
    second = _post(client, campaign, entry.household, key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["visit"] == second.json()["visit"]
    assert Visit.objects.filter(campaign=campaign).count() == 1
    changed = _post(
        client, campaign, entry.household, key, answers={"people_home": 3, "fever": False}
    )
    assert changed.status_code == 409
    assert Visit.objects.filter(campaign=campaign).count() == 1


def test_checklist_is_validated_on_the_server(world: Any) -> None:
    campaign = _running(world)
    entry = (
        CampaignHousehold.objects.filter(campaign=campaign)
        .select_related("household", "assignee")
        .first()
    )
    client = _client(entry.assignee)
    missing = _post(client, campaign, entry.household, uuid.uuid4(), answers={"fever": True})
    assert missing.status_code == 400 and missing.json()["field"] == "answers.people_home"
    conditional = _post(
        client, campaign, entry.household, uuid.uuid4(), answers={"people_home": 1, "fever": True}
    )
    assert conditional.status_code == 400 and conditional.json()["field"] == "answers.fever_count"
    wrong_type = _post(
        client,
        campaign,
        entry.household,
        uuid.uuid4(),
        answers={"people_home": "many", "fever": False},
    )
    assert wrong_type.status_code == 400
    unknown = _post(client, campaign, entry.household, uuid.uuid4(), answers={**ANSWERS, "x": 1})
    assert unknown.status_code == 400
    nobody = _post(client, campaign, entry.household, uuid.uuid4(), answers={}, outcome="not_home")
    assert nobody.status_code == 201 and nobody.json()["first"] is False
    assert Visit.objects.filter(campaign=campaign).count() == 1
    assert CampaignHousehold.objects.get(pk=entry.pk).visited_at is None
    # A hidden conditional answer is dropped, not stored.
    assert checklist.clean_answers(
        CHECKLIST, {"people_home": 1, "fever": False, "fever_count": 3}
    ) == {
        "people_home": 1,
        "fever": False,
    }


def test_found_need_becomes_a_case_at_the_household(world: Any) -> None:
    Category.objects.get_or_create(code="0301", defaults={"name": "防疫"})
    campaign = _running(world)
    entry = (
        CampaignHousehold.objects.filter(campaign=campaign, grid=world.nodes["G11"])
        .select_related("household", "assignee")
        .first()
    )
    grid_worker = world.users["grid_worker"]
    assert entry.assignee == grid_worker
    answers = {"people_home": 2, "fever": True, "fever_count": 1, "alone": True}
    assert (
        _post(
            _client(grid_worker), campaign, entry.household, uuid.uuid4(), answers=answers
        ).status_code
        == 201
    )
    need = Finding.objects.get(campaign=campaign, kind="need")
    assert Finding.objects.filter(campaign=campaign, kind="vulnerable").count() == 1
    response = _client(grid_worker).post(
        f"/api/campaigns/findings/{need.uuid}/hand-off",
        {"target": "case"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(uuid=response.json()["ref"])
    assert (case.channel, case.building_id, case.grid_id) == (
        "grid_worker",
        entry.building_id,
        world.nodes["G11"].pk,
    )
    again = _client(grid_worker).post(
        f"/api/campaigns/findings/{need.uuid}/hand-off", {}, content_type="application/json"
    )
    assert again.status_code == 400
    assert Case.objects.count() == 1
    from cogov.campaigns.metrics import needs_found, needs_resolved
    from cogov.core.metrics import Period

    period = Period(
        timezone.localdate() - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=1)
    )
    assert needs_found(world.nodes["S1"], period) == 1
    assert needs_resolved(world.nodes["S1"], period) == 0
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert needs_resolved(world.nodes["S1"], period) == 1
