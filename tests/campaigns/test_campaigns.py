"""Campaigns: the Done-means cases (a campaign over the world's street S1, assigned, visited by
several people from the API, every household counted once, progress right at every level, a
found need turned into a case, the same visit sent twice recorded once) and a test per role."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from cogov.accounts.models import Membership, User
from cogov.campaigns import actions, assignment, checklist
from cogov.campaigns.models import Campaign, CampaignEvent, CampaignHousehold, Finding, Visit
from cogov.cases.models import Case, Category
from cogov.core.errors import ActionError, NotAllowed

CHECKLIST = [
    {
        "key": "people_home",
        "label": "People living here",
        "type": "int",
        "required": True,
        "min": 0,
    },
    {
        "key": "fever",
        "label": "Fever?",
        "type": "bool",
        "required": True,
        "flag": "need",
        "case_category": "0301",
    },
    {
        "key": "fever_count",
        "label": "How many?",
        "type": "int",
        "required": True,
        "min": 1,
        "when": {"field": "fever", "equals": True},
    },
    {"key": "alone", "label": "Elderly alone?", "type": "bool", "flag": "vulnerable"},
]
ANSWERS = {"people_home": 2, "fever": False}


def _campaign(
    world: Any, actor: str = "street_official", areas: tuple[str, ...] = ("S1",)
) -> Campaign:
    now = timezone.now()
    return actions.create_campaign(
        actor=world.users[actor],
        kind="epidemic",
        title="排查",
        areas=[world.nodes[a] for a in areas],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=7),
        checklist_fields=CHECKLIST,
    )


def _volunteer(world: Any, name: str, node: str) -> User:
    user = User.objects.create_user(name, password="pw")
    Membership.objects.create(user=user, role="volunteer", node=world.nodes[node])
    return user


def _running(world: Any) -> Campaign:
    """S1 (C1: G11, G12; C2: G21), six households; the grid worker of G11 and volunteers."""
    official = world.users["street_official"]
    campaign = _campaign(world)
    for i, node in enumerate(["C1", "C2"]):
        user = _volunteer(world, f"vol{i}", node)
        actions.add_worker(
            actor=official,
            campaign=campaign,
            user=user,
            role="volunteer",
            home=world.nodes[node],
            capacity=2,
        )
    actions.add_worker(
        actor=official,
        campaign=campaign,
        user=world.users["grid_worker"],
        role="grid_worker",
        home=world.nodes["G11"],
        capacity=3,
    )
    actions.activate_campaign(actor=official, campaign=campaign)
    outcome = actions.assign_households(actor=official, campaign=campaign)
    assert (outcome.created, outcome.assigned, outcome.unassigned) == (6, 6, 0)
    return campaign


def _post(
    client: Client,
    campaign: Campaign,
    household: Any,
    key: Any,
    answers: Any = ANSWERS,
    **extra: Any,
) -> Any:
    body = {"household": str(household.uuid), "client_key": str(key), "answers": answers, **extra}
    return client.post(
        f"/api/campaigns/campaigns/{campaign.uuid}/visits", body, content_type="application/json"
    )


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


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


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "areas", "allowed"),
    [
        ("community_worker", ("C1",), True),
        ("party_secretary", ("G11", "G12"), True),
        ("street_official", ("C1", "C2"), True),
        ("community_worker", ("C2",), False),
        ("community_worker", ("S1",), False),
        ("street_official_s2", ("C1",), False),
        ("grid_worker", ("G11",), False),
        ("volunteer", ("C1",), False),
        ("resident", ("C1",), False),
    ],
)
def test_who_may_create_a_campaign(
    world: Any, persona: str, areas: tuple[str, ...], allowed: bool
) -> None:
    if allowed:
        campaign = _campaign(world, persona, areas)
        assert world.users[persona].has_perm("campaigns.run_campaign", campaign)
    else:
        with pytest.raises(NotAllowed):
            _campaign(world, persona, areas)
        assert Campaign.objects.count() == 0


def test_community_worker_runs_only_campaigns_of_their_community(world: Any) -> None:
    street = _campaign(world)
    worker = world.users["community_worker"]
    with pytest.raises(NotAllowed):
        actions.activate_campaign(actor=worker, campaign=street)
    assert Campaign.objects.get(pk=street.pk).status == "draft"
    # but sees it (it covers C1) and its households in C1 only
    assert Campaign.objects.visible_to(worker).filter(pk=street.pk).exists()
    assert (
        not Campaign.objects.visible_to(world.users["community_worker_c2"])
        .filter(pk=_campaign(world, "community_worker", ("C1",)).pk)
        .exists()
    )


def test_assigned_people_see_and_visit_only_their_households(world: Any) -> None:
    campaign = _running(world)
    vol0 = User.objects.get(username="vol0")
    mine = CampaignHousehold.objects.filter(campaign=campaign, assignee=vol0).select_related(
        "household"
    )
    other = (
        CampaignHousehold.objects.exclude(assignee=vol0)
        .filter(campaign=campaign)
        .select_related("household")
        .first()
    )
    client = _client(vol0)
    listed = client.get(f"/api/campaigns/campaigns/{campaign.uuid}/assignments").json()["results"]
    assert {r["household"] for r in listed} == {str(e.household.uuid) for e in mine}
    assert _post(client, campaign, other.household, uuid.uuid4()).status_code == 404
    assert (
        client.get(f"/campaigns/{campaign.uuid}/visit/{other.household.uuid}/").status_code == 404
    )
    assert (
        client.get(f"/campaigns/{campaign.uuid}/visit/{mine[0].household.uuid}/").status_code == 200
    )
    assert Visit.objects.count() == 0
    # an outsider does not even see the campaign
    assert (
        _client(world.users["outsider"])
        .get(f"/api/campaigns/campaigns/{campaign.uuid}")
        .status_code
        == 404
    )


def test_reassign_by_hand_writes_an_event_and_denies_others(world: Any) -> None:
    campaign = _running(world)
    entry = CampaignHousehold.objects.filter(campaign=campaign, grid=world.nodes["G11"]).first()
    vol0 = User.objects.get(username="vol0")
    with pytest.raises(NotAllowed):
        actions.reassign_households(
            actor=world.users["grid_worker"], campaign=campaign, entries=[entry], to=vol0
        )
    assert CampaignHousehold.objects.get(pk=entry.pk).assignee == world.users["grid_worker"]
    actions.reassign_households(
        actor=world.users["street_official"],
        campaign=campaign,
        entries=[entry],
        to=vol0,
        note="病假",
    )
    assert CampaignHousehold.objects.get(pk=entry.pk).assignee == vol0
    assert CampaignEvent.objects.filter(subject=campaign, kind="reassign", note="病假").count() == 1


def test_call_up_pools_and_command_structure(world: Any) -> None:
    from cogov.core.models import Notification
    from cogov.people.models import PartyMember

    # The in-service party member of G11 gets an account: 双报到 pool.
    member = PartyMember.objects.get(in_service=True).person
    member.user = User.objects.create_user("zaizhi", password="pw")
    member.save()
    secretary = world.users["party_secretary"]
    campaign = _campaign(world, "party_secretary", ("C1",))
    created = actions.call_up_pools(actor=secretary, campaign=campaign)
    roles = {w.user.username: w.role for w in created}
    assert roles == {
        "grid_worker": "grid_worker",
        "community_worker": "staff",
        "volunteer": "volunteer",
        "zaizhi": "party_member",
    }
    assert Notification.objects.filter(kind="campaigns.called_up").count() == 4
    assert actions.call_up_pools(actor=secretary, campaign=campaign) == []
    branch = actions.create_temporary_branch(
        actor=secretary, campaign=campaign, name="临时党支部", parent=world.orgs["committee"]
    )
    assert (
        branch.organization.kind == "party_branch"
        and branch.organization.parent == world.orgs["committee"]
    )
    building = world.households["G11-1-101"].building
    head = actions.appoint_building_head(
        actor=secretary, campaign=campaign, building=building, user=world.users["volunteer"]
    )
    assert head.user == world.users["volunteer"]
    checkpoint = actions.add_checkpoint(
        actor=secretary, campaign=campaign, name="东门", node=world.nodes["G11"]
    )
    now = timezone.now()
    shift = actions.add_shift(
        actor=secretary,
        checkpoint=checkpoint,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=8),
        people=[world.users["volunteer"]],
    )
    assert list(shift.people.all()) == [world.users["volunteer"]]
    with pytest.raises(ActionError):
        actions.add_checkpoint(
            actor=secretary, campaign=campaign, name="x", node=world.nodes["G21"]
        )


def test_status_workflow(world: Any) -> None:
    campaign = _campaign(world)
    official = world.users["street_official"]
    actions.activate_campaign(actor=official, campaign=campaign)
    with pytest.raises(ActionError):
        actions.activate_campaign(actor=official, campaign=campaign)
    actions.close_campaign(actor=official, campaign=campaign)
    kinds = list(
        CampaignEvent.objects.filter(subject=campaign).values_list("from_status", "to_status")
    )
    assert kinds == [("", "draft"), ("draft", "active"), ("active", "closed")]


def test_pages_and_exports(world: Any) -> None:
    campaign = _running(world)
    entry = (
        CampaignHousehold.objects.filter(campaign=campaign, assignee=world.users["grid_worker"])
        .select_related("household")
        .first()
    )
    grid = _client(world.users["grid_worker"])
    page = grid.get(f"/campaigns/{campaign.uuid}/my/")
    assert page.status_code == 200 and entry.household.door in page.content.decode()
    key = uuid.uuid4()
    form = {
        "client_key": str(key),
        "outcome": "completed",
        "a_people_home": "2",
        "a_fever": "false",
    }
    url = f"/campaigns/{campaign.uuid}/visit/{entry.household.uuid}/"
    assert grid.post(url, form).status_code == 302
    assert grid.post(url, form).status_code == 302  # sent again after a dropped connection
    assert Visit.objects.filter(campaign=campaign).count() == 1
    official = _client(world.users["street_official"])
    assert official.get(f"/campaigns/{campaign.uuid}/").status_code == 200
    assert official.get(f"/campaigns/{campaign.uuid}/progress/?level=community").status_code == 200
    assert (
        official.get(f"/campaigns/{campaign.uuid}/map.geojson").json()["type"]
        == "FeatureCollection"
    )
    assert official.get(f"/campaigns/{campaign.uuid}/report/").status_code == 200
    csv = official.get(f"/campaigns/{campaign.uuid}/report.csv")
    assert csv.content.startswith("\ufeff".encode())
    xlsx = official.get(f"/campaigns/{campaign.uuid}/report.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert (
        _client(world.users["outsider"]).get(f"/campaigns/{campaign.uuid}/report/").status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_visits_count_each_household_once() -> None:
    """Threads send visits for every household at once (two per household, plus replays of the
    same key); each household is counted exactly once. Meaningful on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    from tests.world import build_world

    world = build_world()
    campaign = _running(world)
    entries = list(
        CampaignHousehold.objects.filter(campaign=campaign).select_related("household", "assignee")
    )
    jobs = []
    for entry in entries:
        shared = uuid.uuid4()
        jobs += [(entry, shared), (entry, shared), (entry, uuid.uuid4()), (entry, uuid.uuid4())]
    codes: list[int] = []
    firsts: set[str] = set()
    barrier = threading.Barrier(len(jobs))

    def send(entry: CampaignHousehold, key: uuid.UUID) -> None:
        try:
            client = _client(entry.assignee)
            barrier.wait()
            response = _post(client, campaign, entry.household, key)
            codes.append(response.status_code)
            if response.json().get("first"):
                firsts.add(response.json()["visit"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(codes)) <= [200, 201] and len(codes) == len(jobs)
    assert Visit.objects.filter(campaign=campaign).count() == 3 * len(entries)
    # Exactly one visit per household was answered as the counted one.
    assert len(firsts) == len(entries)
    counted = CampaignHousehold.objects.filter(campaign=campaign, first_visit__isnull=False)
    assert set(map(str, counted.values_list("first_visit__uuid", flat=True))) == firsts
    assert CampaignHousehold.objects.filter(campaign=campaign, visited_at__isnull=True).count() == 0


def test_create_and_run_from_the_pages(world: Any) -> None:
    worker = _client(world.users["community_worker"])
    assert worker.get("/campaigns/new/").status_code == 200
    assert _client(world.users["grid_worker"]).get("/campaigns/new/").status_code == 404
    form = {
        "kind": "census",
        "title": "人口普查",
        "starts_at": "2030-01-01T08:00",
        "ends_at": "2030-01-10T18:00",
        "areas": [str(world.nodes["C1"].uuid)],
    }
    response = worker.post("/campaigns/new/", form)
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="人口普查")
    assert campaign.checklist == checklist.normalise(checklist.TEMPLATES["census"])
    # C2 is not offered to (nor accepted from) a worker of C1
    bad = worker.post("/campaigns/new/", {**form, "areas": [str(world.nodes["C2"].uuid)]})
    assert bad.status_code == 400
    url = f"/campaigns/{campaign.uuid}/step/"
    assert worker.post(url, {"step": "call_up"}).status_code == 302
    assert worker.post(url, {"step": "assign"}).status_code == 302
    assert CampaignHousehold.objects.filter(campaign=campaign, assignee__isnull=False).count() == 4
    other = _client(world.users["community_worker_c2"])
    assert other.post(url, {"step": "close"}).status_code == 404
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"


def test_phone_page_and_progress_cost_a_fixed_number_of_queries(world: Any) -> None:
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    from cogov.territory.models import Household

    campaign = _running(world)
    grid_worker = world.users["grid_worker"]
    client = _client(grid_worker)

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(conn) as phone:
            assert client.get(f"/campaigns/{campaign.uuid}/my/").status_code == 200
        with CaptureQueriesContext(conn) as progress:
            url = f"/api/campaigns/campaigns/{campaign.uuid}/progress"
            assert client.get(url).status_code == 200
        return len(phone), len(progress)

    before = cost()
    building = world.households["G11-1-101"].building
    for i in range(5):
        Household.objects.create(building=building, code=f"H-extra-{i}", door=f"9-{i}")
    actions.add_worker(
        actor=world.users["street_official"],
        campaign=campaign,
        user=User.objects.create_user("vol-extra", password="pw"),
        role="volunteer",
        home=world.nodes["G11"],
        capacity=10,
    )
    actions.reassign_households(
        actor=world.users["street_official"],
        campaign=campaign,
        entries=list(CampaignHousehold.objects.filter(campaign=campaign)),
        to=grid_worker,
    )
    actions.assign_households(actor=world.users["street_official"], campaign=campaign)
    assert CampaignHousehold.objects.filter(campaign=campaign, assignee=grid_worker).count() == 6
    assert cost() == before
