"""Drive a case to a given point of the loop through the actions (not the API)."""

from __future__ import annotations

from typing import Any

from cogov.cases import actions
from cogov.cases.models import Case, Category

from ..world import World, point


def report(
    world: World,
    persona: str = "resident",
    code: str = "0101",
    x: float = 0.5,
    y: float = 0.3,
    **extra: Any,
) -> Case:
    lon, lat = point(x, y)
    return actions.report_case(
        actor=world.users[persona],
        category=Category.objects.get(code=code),
        description="楼下垃圾堆积",
        lon=lon,
        lat=lat,
        **extra,
    )


def dispatched(world: World, **kwargs: Any) -> Case:
    case = report(world, **kwargs)
    cw = world.users["community_worker"]
    actions.verify_case(actor=cw, case=case)
    actions.file_case(actor=cw, case=case)
    actions.dispatch_case(actor=cw, case=case)
    return case


def replied(world: World, **kwargs: Any) -> Case:
    case = dispatched(world, **kwargs)
    staff = world.users["org_staff"]
    actions.sign_case(actor=staff, case=case)
    actions.contact_requester(actor=staff, case=case, note="已电话联系")
    actions.reply_case(actor=staff, case=case, reply="已清理")
    return case
