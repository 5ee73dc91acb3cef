"""Helpers for the disclosure tests: frozen time, obligations, notices through the workflow."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cogov.disclosure import actions
from cogov.disclosure.models import Notice, Obligation

from ..world import World

TZ = dt.timezone(dt.timedelta(hours=8))
CHECKLIST = {"no_secrets": True, "necessary": True, "accurate": True, "personal_data": True}


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def freeze(monkeypatch: Any):  # type: ignore[no-untyped-def]
    """freeze(at(2026, 10, 21)): timezone.now() (and localdate) answer that moment."""

    def set_now(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


STAFF = {  # community: (proposer, reviewer and approver)
    "440111001001": ("community_worker", "party_secretary"),
    "440111001002": ("community_worker_c2", "admin"),
    "440111002001": ("admin", "admin"),
}


def staff(world: World, notice: Notice) -> tuple[Any, Any]:
    proposer, approver = STAFF[notice.community.code]
    return world.users[proposer], world.users[approver]


def draft(world: World, obligation: Obligation | None = None, **kw: Any) -> Notice:
    fields: dict[str, Any] = {
        "title": "2026年第三季度居委会工作经费使用情况",
        "body": "收入 12,000 元;支出 9,800 元;结余 2,200 元。",
    }
    fields.update(kw)
    community = obligation.community if obligation else world.nodes["C1"]
    return actions.create_notice(
        actor=world.users[STAFF[community.code][0]],
        community=community,
        obligation=obligation,
        category="" if obligation else "residents",
        **fields,
    )


def through_approval(world: World, notice: Notice, when: dt.datetime | None = None) -> Notice:
    proposer, secretary = staff(world, notice)
    actions.submit(actor=proposer, notice=notice, at=when)
    actions.review(actor=secretary, notice=notice, checklist=CHECKLIST, at=when)
    actions.approve(actor=secretary, notice=notice, at=when)
    return notice


def publish(world: World, notice: Notice, when: dt.datetime | None = None) -> Notice:
    through_approval(world, notice, when)
    return actions.publish(actor=staff(world, notice)[0], notice=notice, at=when)


def quarterly(world: World, community: str = "C1", key: str = "2026-Q3") -> Obligation:
    return Obligation.objects.get(
        community=world.nodes[community], item_code="working_funds", period_key=key
    )


class Api:
    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/disclosure/{path}", params)

    def post(self, path: str, body: dict[str, Any] | None = None, method: str = "post") -> Any:
        return getattr(self.client, method)(
            f"/api/disclosure/{path}",
            json.dumps(body or {}, default=str),
            content_type="application/json",
        )


@pytest.fixture
def api_for(world: World):  # type: ignore[no-untyped-def]
    def make(persona: str | None) -> Api:
        client = Client()
        if persona:
            client.force_login(world.users[persona])
        return Api(client)

    return make
