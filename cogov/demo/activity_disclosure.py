"""A year of disclosure in the demo (docs/demo.md, docs/disclosure.md).

The scheduler creates this year's obligations (from 1 January to today) for every community of
the first street. In the first community, the demo staff publish through the disclosure actions
(propose → review with the secrecy check → approve → publish, dated on the day each step
happened): most obligations on time, about one in six a few working days late, and one
quarterly statement of the committee's working funds never published, so the compliance view
and the timeliness metric have something to show. Its 低保 lists carry a masked table (name
and amount only); a fund-raising is recorded as an event and published with an objection and
its answer; one notice waits in review. The other communities of the street publish as their
system staff (actor None) with their own share of late and missing items.

Choices come from `stream(seed, "disclosure", community code)`, so the same seed on the same day
tells the same story.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from .randomness import stream

TZ = dt.timezone(dt.timedelta(hours=8))
CHECK = {"no_secrets": True, "necessary": True, "accurate": True, "personal_data": True}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "建国", "桂兰", "志强", "玉梅", "国庆", "淑珍", "德明", "丽华", "卫东"]


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def _body(o: Any, rng: random.Random) -> str:
    if o.item_code in ("working_funds", "party_service_funds"):
        income = rng.randrange(8, 30) * 1000
        spent = income - rng.randrange(5, 40) * 100
        return (
            f"{o.period_key} 经费收支情况:\n收入 {income:,} 元;支出 {spent:,} 元"
            f"(活动 {spent * 6 // 10:,} 元,办公 {spent - spent * 6 // 10:,} 元);"
            f"结余 {income - spent:,} 元。\n如有疑问请在异议期内向居委会反映。"
        )
    return f"{o.item_label}({o.period_key}):具体内容见公开栏及社区云。"


def _publish(o: Any, day: dt.date, rng: random.Random, *, staff: tuple[Any, Any]) -> Any:
    from cogov.disclosure import actions

    worker, secretary = staff
    notice = actions.create_notice(
        actor=worker,
        community=o.community,
        obligation=o,
        title=f"{o.item_label}({o.period_key})",
        body=_body(o, rng),
        at=_moment(day - dt.timedelta(days=2), 9),
    )
    if o.item_code == "low_income":
        rows = [
            [rng.choice(SURNAMES) + rng.choice(GIVEN), "1号楼", str(rng.randrange(6, 14) * 100)]
            for _ in range(rng.randrange(3, 7))
        ]
        actions.attach_table(
            actor=worker,
            notice=notice,
            columns=["姓名", "住址", "金额"],
            rows=rows,
            title="低保对象名单",
        )
    actions.submit(actor=worker, notice=notice, at=_moment(day - dt.timedelta(days=2), 15))
    actions.review(actor=secretary, notice=notice, checklist=CHECK, at=_moment(day, 9))
    actions.approve(actor=secretary, notice=notice, at=_moment(day, 9))
    return actions.publish(actor=worker, notice=notice, at=_moment(day))


def _community(
    o_list: list[Any], rng: random.Random, today: dt.date, staff: tuple[Any, Any]
) -> int:
    """Publish the community's past-due obligations: on time mostly, some late, the latest
    past-due working-funds statement missing. Returns how many notices were published."""
    from cogov.core.calendar import WorkCalendar

    if not o_list:
        return 0
    calendar = WorkCalendar(o_list[0].community)
    due = [o for o in o_list if o.due_on < today]
    funds = [o for o in due if o.item_code == "working_funds"]
    missing = funds[-1] if funds else None
    published = 0
    for o in due:
        if o is missing:
            continue
        if rng.random() < 1 / 6:
            day = calendar.add_working_days(o.due_on, rng.randrange(2, 9))
            if day >= today:
                continue  # still missing: not published yet
        else:
            day = max(
                o.period_end + dt.timedelta(days=1),
                o.due_on - dt.timedelta(days=rng.randrange(0, 4)),
            )
            day = min(day, o.due_on)
        _publish(o, day, rng, staff=staff)
        published += 1
    return published


def build_disclosure_activity(seed: int) -> int:
    """Generate the year of obligations and notices; returns how many notices were published."""
    from cogov.core.errors import ActionError
    from cogov.disclosure import actions, scheduling
    from cogov.disclosure.models import Obligation
    from cogov.territory.models import Node

    from .activity_cooperation import cast

    c = cast()
    if c is None:
        return 0
    today = timezone.localdate()
    street = c.community.parent
    communities = list(
        Node.objects.filter(parent=street, level="community").order_by("code")
        if street
        else [c.community]
    )
    scheduling.schedule(today, since=dt.date(today.year, 1, 1), nodes=communities)
    published = 0
    for community in communities:
        rng = stream(seed, "disclosure", community.code)
        obligations = list(
            Obligation.objects.filter(community=community).order_by("due_on", "item_code")
        )
        if community == c.community:
            staff: tuple[Any, Any] = (c.worker, c.secretary)
        else:
            staff = (None, None)
            try:
                actions.community_user(community)
            except ActionError:
                continue  # no staff to sign its notices
            obligations = obligations[: len(obligations) // 2]  # a lighter year elsewhere
        published += _community(obligations, rng, today, staff)
    _first_community_extras(c, seed, today)
    scheduling.archive_expired()
    return published


def _first_community_extras(c: Any, seed: int, today: dt.date) -> None:
    """A fund-raising published with an objection and its answer; a notice in review."""
    from cogov.core.errors import NotAllowed
    from cogov.disclosure import actions

    rng = stream(seed, "disclosure", "extras")
    start = today - dt.timedelta(days=3)
    (obligation,) = actions.trigger(
        actor=c.worker,
        community=c.community,
        trigger="fundraising_started",
        ref=f"{today.year}-募捐-01",
        on=start,
        note="为困难家庭募集冬季取暖费",
    ) or (None,)
    if obligation is not None:
        notice = actions.create_notice(
            actor=c.worker,
            community=c.community,
            obligation=obligation,
            title=f"{today.year}年冬季取暖费募捐收支公示",
            body=(
                "募捐事由:为社区困难家庭募集冬季取暖费。\n"
                f"已收到捐款 {rng.randrange(40, 90) * 100:,} 元,"
                "将全部用于困难家庭取暖补助,使用情况另行公示。"
            ),
            at=_moment(start, 9),
        )
        actions.submit(actor=c.worker, notice=notice, at=_moment(start, 11))
        actions.review(actor=c.secretary, notice=notice, checklist=CHECK, at=_moment(start, 15))
        actions.approve(actor=c.secretary, notice=notice, at=_moment(start, 16))
        actions.publish(actor=c.worker, notice=notice, at=_moment(start + dt.timedelta(days=1)))
        try:
            objection = actions.object_to(
                actor=c.resident, notice=notice, body="捐款人名单是否公开?我想确认我的捐款已入账。"
            )
        except NotAllowed:  # the demo resident lives elsewhere
            objection = None
        if objection is not None:
            actions.answer_objection(
                actor=c.worker,
                objection=objection,
                answer="捐款明细(姓名脱敏)已张贴在党群服务中心公开栏,也可到居委会查询本人捐款记录。",
            )
    pending = actions.create_notice(
        actor=c.worker,
        community=c.community,
        category="party",
        title="社区党委领导班子分工调整",
        body="根据工作需要,社区党委领导班子分工调整如下:书记主持全面工作;副书记分管党建和居务监督。",
    )
    actions.submit(actor=c.worker, notice=pending)
