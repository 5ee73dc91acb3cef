"""Volunteering and points in the demo (docs/demo.md): a few activities of the first
community, with sign-ups by the demo residents, check-ins by rotating code and attendance
confirmed by the community worker (the points and time-bank awards are the points actions'
own), a waiting list on a full one; an activity in each of up to two more communities of the
first street; the love supermarket's items and one redemption.

Called at the end of `builder.build`. Activities are placed around the time of the run (sign-up
closes when an activity ends), so today's and next week's lists have something in them. The
choices (who signs up, who checks in, hours) are drawn from `stream(seed, "points", community
code)`; the volume is fixed whatever the scale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .accounts import demo_username
from .randomness import stream

H = dt.timedelta(hours=1)

ITEMS = [("毛巾", Decimal("5"), 20), ("洗衣液", Decimal("8"), 12), ("大米 5 斤", Decimal("10"), 10)]


def build_points_activity(seed: int) -> int:
    """Generate the activities, sign-ups and shop; returns how many sign-ups were made."""
    from cogov.accounts.models import User
    from cogov.points import actions
    from cogov.territory.models import Node

    from .activity_cooperation import cast

    c = cast()
    party_member = User.objects.filter(username=demo_username("party_member")).first()
    if c is None:
        return 0
    rng = stream(seed, "points", c.community.code)
    volunteers = [u for u in (c.resident, c.owner, c.volunteer, party_member) if u is not None]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    community = c.community

    def activity(title: str, kind: str, start: dt.datetime, hours: int, capacity: int) -> Any:
        return actions.create_activity(
            actor=c.worker,
            community=community,
            title=title,
            activity_type=kind,
            starts_at=start,
            ends_at=start + hours * H,
            capacity=capacity,
            location="社区党群服务中心",
        )

    signups = 0
    # Under way now: everyone signs up; some check in by code, the worker confirms the rest.
    for title, kind, start, hours in (
        ("楼道环境清洁日", "cleanup", now - 2 * H, 3),
        ("夜间治安巡逻", "patrol", now - 3 * H, 4),
    ):
        a = activity(title, kind, start, hours, capacity=10)
        taking_part = [c.resident, *rng.sample(volunteers[1:], rng.randint(1, len(volunteers) - 1))]
        for user in taking_part:
            signup = actions.sign_up(actor=user, activity=a)
            signups += 1
            if rng.random() < 0.5:
                code, _seconds = actions.current_code(actor=c.worker, activity=a, purpose="in")
                actions.check_in(actor=user, signup=signup, code=code)
            actions.confirm_attendance(
                actor=c.worker, signup=signup, hours=Decimal(rng.randint(1, hours - 1))
            )
    # Next week, two places for three: the last is on the waiting list.
    upcoming = activity("陪伴独居老人", "elderly_care", now + 7 * 24 * H, 2, capacity=2)
    for user in rng.sample(volunteers, min(3, len(volunteers))):
        actions.sign_up(actor=user, activity=upcoming)
        signups += 1
    # The other communities of the first street publish one activity each.
    street = community.parent
    others = (
        Node.objects.filter(parent=street, level=community.level)
        .exclude(pk=community.pk)
        .order_by("code")[:2]
        if street is not None
        else []
    )
    for other in others:
        start = now + rng.randint(2, 20) * 24 * H
        actions.create_activity(
            actor=c.admin,
            community=other,
            title=rng.choice(["垃圾分类宣讲", "社区义诊志愿服务", "周末环境清洁"]),
            activity_type=rng.choice(["lecture", "cleanup", "other"]),
            starts_at=start,
            ends_at=start + 2 * H,
            capacity=rng.randint(10, 30),
        )
    # The love supermarket: items, and the resident spends some of today's points.
    items = [
        actions.create_item(actor=c.worker, community=community, name=n, price=p, stock=s)
        for n, p, s in ITEMS
    ]
    actions.redeem(actor=c.resident, item=items[0])
    return signups
