"""What the campaign tests share: a checklist, a campaign over street S1 (running, with
volunteers), and posting as a user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from cogov.accounts.models import Membership, User
from cogov.campaigns import actions
from cogov.campaigns.models import Campaign

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
