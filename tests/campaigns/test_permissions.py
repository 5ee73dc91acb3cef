"""Campaigns: who may create and run a campaign, and who sees and visits which households."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from cogov.accounts.models import User
from cogov.campaigns import actions
from cogov.campaigns.models import Campaign, CampaignEvent, CampaignHousehold, Visit
from cogov.core.errors import ActionError, NotAllowed

from .helpers import _campaign, _client, _post, _running


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
