"""Campaigns: the status workflow, the pages and exports, concurrent visits, running a campaign
from the pages, and the query count of the phone page."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection

from cogov.accounts.models import User
from cogov.campaigns import actions, checklist
from cogov.campaigns.models import Campaign, CampaignEvent, CampaignHousehold, Visit
from cogov.core.errors import ActionError

from .helpers import _campaign, _client, _post, _running


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
