"""Participatory budgeting (民生微实事) in the demo's first community (docs/demo.md,
docs/budgeting.md).

Two rounds, through `cogov.budgeting.actions` (and the voting and funds apps they call), acting
as the demo accounts of the first community:

* this year's round, which went all the way: residents' proposals with cost items (some handed
  in on paper by the community worker), two screened out with their published reasons, the
  residents' council's review (one proposal fails it), the public vote (paper ballots of
  residents on the roll, and the demo resident's online ballot when the account may vote),
  the winners chosen by the default rule (greedy, cheaper first on a tie), the street's
  approval committing every winner in the community's 民生微实事 fund of
  `activity_funds.py`, then progress reports, an acceptance by residents' representatives and
  a closing with the final cost for some winners;
* next year's round, open for proposals today, with two proposals in it already.

Every step is dated on the day it happened in the story: the actions read the time from
`django.utils.timezone.now`, which `_clock` sets to the story's moment while they run (the apps'
own checks — windows, publicity period, the fund's date order — apply as on that day). The
story's days spread over this year up to today; the approval is posted on or after the fund's
last entry (a fund's entries are posted in date order). Choices come from
`stream(seed, "budgeting", community code)`. The round's public lottery seed is drawn by the
app (`secrets`), so it differs between runs; the default tie rule does not read it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from typing import Any
from unittest import mock

from django.utils import timezone

from .accounts import demo_username
from .randomness import stream

TZ = dt.timezone(dt.timedelta(hours=8))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "建国", "桂兰", "志强", "玉梅", "国庆", "淑珍", "德明", "丽华", "卫东", "海燕"]

# (title, category, description, [(item, quantity, unit, unit price)], beneficiaries,
#  popularity on the ballot)
PROPOSALS: list[tuple[str, str, str, list[tuple[str, str, str, str]], int, float]] = [
    (
        "加装楼道扶手",
        "works",
        "老旧楼栋楼梯无扶手,老年人上下楼困难,建议在 3—8 栋楼道加装不锈钢扶手。",
        [("不锈钢扶手(含安装)", "360", "米", "180"), ("墙面修补", "24", "处", "150")],
        420,
        0.72,
    ),
    (
        "小区健身角更新",
        "goods",
        "健身角器材老化生锈,存在安全隐患,建议更换器材并铺设塑胶地垫。",
        [("户外健身器材", "8", "件", "4200"), ("塑胶地垫", "120", "平方米", "160")],
        900,
        0.55,
    ),
    (
        "长者饭堂助餐服务",
        "service",
        "为 70 岁以上独居、空巢老人提供午餐助餐服务,困难老人减免餐费。",
        [("助餐补贴", "9000", "人次", "8"), ("送餐服务", "2400", "人次", "5")],
        150,
        0.68,
    ),
    (
        "儿童托管暑期班",
        "service",
        "暑假期间为双职工家庭子女提供看护、课业辅导和安全教育,共 6 周。",
        [("社工及辅导老师服务", "30", "天", "1800"), ("活动材料与保险", "60", "人", "120")],
        60,
        0.47,
    ),
    (
        "垃圾分类亭改造",
        "works",
        "现有垃圾投放点无遮雨棚、无洗手池,异味大,建议改造为分类亭。",
        [("分类亭(含雨棚)", "4", "座", "16500"), ("洗手池及排水", "4", "套", "2800")],
        1200,
        0.51,
    ),
    (
        "楼道声控灯更换",
        "goods",
        "多栋楼道照明损坏,夜间出行不便,建议统一更换为节能声控灯。",
        [("LED 声控灯", "260", "盏", "65"), ("安装人工", "260", "盏", "20")],
        800,
        0.6,
    ),
    (
        "社区读书角建设",
        "goods",
        "在党群服务中心设立读书角,配置书架、图书和桌椅,供居民和儿童阅读。",
        [("书架与桌椅", "1", "套", "18000"), ("图书", "1500", "册", "30")],
        500,
        0.33,
    ),
    (
        "小区外墙渗水维修",
        "works",
        "7 栋外墙渗水,雨天室内墙面发霉。",
        [("外墙防水维修", "1", "项", "68000")],
        40,
        0.0,
    ),
    (
        "为本楼加装电梯",
        "works",
        "本楼住户希望加装电梯。",
        [("加装电梯前期设计及设备定金", "1", "项", "98000")],
        18,
        0.0,
    ),
]
# Screened out (title → the published reason): the negative list of the policy.
REJECTED = {
    "小区外墙渗水维修": "属于物业服务企业和维修资金的保修范围(负面清单:物业公司职责),"
    "已转物业公司处理。",
    "为本楼加装电梯": "加装电梯按专项政策由业主申请、政府补贴,不属于民生微实事范围"
    "(负面清单:与政府投资重复)。",
}
COUNCIL_FAILS = "社区读书角建设"  # the council finds it duplicates the library's service point
NEXT_YEAR = [
    ("社区党群服务中心适老化改造", "works", "党群服务中心门口台阶加装坡道和扶手,卫生间加装扶手。",
     [("无障碍坡道", "1", "处", "26000"), ("卫生间扶手", "6", "套", "900")], 300),
    ("青少年心理健康讲座", "service", "面向辖区中小学生和家长开展 6 场心理健康讲座与咨询。",
     [("讲座与咨询服务", "6", "场", "3500")], 240),
]  # fmt: skip


_NOW = timezone.now


def _stamped_fields() -> list[Any]:
    """The model fields whose default is `timezone.now` itself (bound when the model was
    defined, so patching the module does not reach them)."""
    from django.apps import apps

    return [
        f
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if getattr(f, "default", None) is _NOW
    ]


@contextmanager
def _clock(moment: dt.datetime) -> Iterator[None]:
    """Run the actions as on `moment`: `timezone.now()` (which the actions, the workflow and
    `timezone.localdate()` read) and the `default=timezone.now` stamps of new rows."""
    at = moment.astimezone(dt.UTC)

    def now() -> dt.datetime:
        return at

    fields = _stamped_fields()
    for f in fields:
        f.default = now
        f.__dict__.pop("_get_default", None)  # Field caches its default callable
    try:
        with mock.patch.object(timezone, "now", now):
            yield
    finally:
        for f in fields:
            f.default = _NOW
            f.__dict__.pop("_get_default", None)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _items(rows: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    return [{"description": d, "quantity": q, "unit": u, "unit_price": p} for d, q, u, p in rows]


def build_budgeting_activity(seed: int) -> int:
    """Generate the first community's two rounds; returns how many proposals were submitted."""
    from cogov.accounts.models import User
    from cogov.budgeting.models import Round
    from cogov.funds.selectors import fund_for

    from .activity_cooperation import cast

    c = cast()
    street = User.objects.filter(username=demo_username("street_official")).first()
    if c is None or street is None or Round.objects.filter(node=c.community).exists():
        return 0
    rng = stream(seed, "budgeting", c.community.code)
    today = timezone.localdate()
    made = 0
    fund = fund_for(c.community, "micro_project", today.year)
    if fund is not None and (today - dt.date(today.year, 1, 20)).days >= 60:
        made += _past_round(c, street, fund, rng, today)
    made += _open_round(c, rng, today)
    return made


def _days(today: dt.date) -> dict[str, dt.date]:
    """The story's days, spread over [20 January, today) of this year."""
    start = dt.date(today.year, 1, 20)
    span = (today - start).days

    def point(share: float) -> dt.date:
        return start + dt.timedelta(days=int(span * share))

    return {
        "create": start,
        "collect_open": start + dt.timedelta(days=1),
        "collect_close": point(0.14),
        "screen": point(0.15),
        "council": point(0.17),
        "vote_open": point(0.19),
        "vote_close": point(0.24),
        "count": point(0.245),
        "approve": point(0.3),
    }


def _past_round(c: Any, street: Any, fund: Any, rng: random.Random, today: dt.date) -> int:
    from cogov.budgeting import actions
    from cogov.funds.models import JournalEntry
    from cogov.funds.selectors import balances
    from cogov.territory.models import Node

    days = _days(today)
    grids = list(Node.objects.filter(parent=c.community, level="grid").order_by("code"))
    # The round's budget fits what the fund still has available (every entry of the fund is
    # already posted), in whole ten thousands.
    available = balances(fund).available
    budget = min(Decimal(300_000), (available * Decimal("0.9") // 10_000) * 10_000)
    if budget < 100_000:  # the dearest proposal must fit
        return 0
    year = today.year
    with _clock(_at(days["create"], 9)):
        round = actions.create_round(
            actor=c.worker,
            node=c.community,
            year=year,
            title=f"{year}年{c.community.name}民生微实事",
            description="群众点菜、政府买单:居民提出身边的小事、急事、难事,居民议事会评议、"
            "居民投票确定,社区组织实施,居民代表验收。",
            budget=budget,
            collect_opens_at=_at(days["collect_open"], 9),
            collect_closes_at=_at(days["collect_close"], 18),
            vote_opens_at=_at(days["vote_open"], 9),
            vote_closes_at=_at(days["vote_close"], 18),
        )
    with _clock(_at(days["collect_open"], 9)):
        round = actions.open_collection(actor=c.worker, round=round)
    # Proposals in the collection window, in a fixed order of days.
    span = (days["collect_close"] - days["collect_open"]).days
    proposers = [c.resident, c.owner, c.volunteer, c.worker]
    proposals = {}
    for i, (title, category, text, items, benefit, _p) in enumerate(PROPOSALS):
        day = days["collect_open"] + dt.timedelta(days=(i + 1) * span // (len(PROPOSALS) + 1))
        actor = proposers[i % len(proposers)]
        paper = actor is c.worker
        with _clock(_at(day, 9 + i % 8)):
            proposals[title] = actions.submit_proposal(
                actor=actor,
                round=round,
                title=title,
                description=text,
                category=category,
                items=_items(items),
                beneficiaries=benefit,
                location=f"{grids[i % len(grids)].name}" if grids else "",
                grid=grids[i % len(grids)] if grids else None,
                proposer_name=_name(rng) if paper else "",
            )
    with _clock(_at(days["collect_close"], 18)):
        round = actions.close_collection(actor=c.worker, round=round)
    with _clock(_at(days["screen"], 10)):
        for title, p in proposals.items():
            reason = REJECTED.get(title, "")
            actions.screen_proposal(actor=c.worker, proposal=p, eligible=not reason, reason=reason)
        round = actions.finish_screening(actor=c.worker, round=round)
    with _clock(_at(days["council"], 15)):
        for title, p in proposals.items():
            if title in REJECTED:
                continue
            members = 11
            present = rng.randint(8, 11)
            if title == COUNCIL_FAILS:
                yes = present // 2 - 1
                note = "与街道图书馆社区服务点功能重复,建议改为流动借阅。"
            else:
                yes = present - rng.randint(0, 2)
                note = ""
            no = rng.randint(0, present - yes)
            actions.record_council_review(
                actor=c.secretary,
                proposal=p,
                members=members,
                present=present,
                yes=yes,
                no=no,
                abstain=present - yes - no,
                note=note,
            )
    with _clock(_at(days["vote_open"], 9)):
        round = actions.start_vote(actor=c.worker, round=round)
    _ballots(c, round, rng, days)
    with _clock(_at_min(days["vote_close"], 18, 30)):
        round = actions.count_and_select(actor=c.worker, round=round)
    # The approval is posted on or after the fund's last entry (date order), after the 7 days
    # of publicity.
    last = JournalEntry.objects.filter(fund=fund).order_by("-occurred_on").first()
    approve_on = max(days["approve"], last.occurred_on if last else days["approve"])
    approve_on = min(approve_on, today)
    note = "" if approve_on >= days["count"] + dt.timedelta(days=7) else "街道审核后立项"
    with _clock(_at(approve_on, 11)):
        round = actions.approve_round(actor=street, round=round, note=note)
    _implementation(c, round, rng, approve_on, today)
    return len(proposals)


def _at_min(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def _ballots(c: Any, round: Any, rng: random.Random, days: dict[str, dt.date]) -> None:
    """Paper ballots of residents on the roll (each approves a proposal with its popularity),
    and the demo resident's ballot online when the account may vote."""
    from cogov.core.errors import ActionError, NotAllowed
    from cogov.voting import actions as voting
    from cogov.voting.models import Elector
    from cogov.voting.selectors import vote_by_uuid

    vote = vote_by_uuid(round.vote_uuid)
    if vote is None:
        return
    popularity = {p[0]: p[5] for p in PROPOSALS}
    options = [
        (p.reference, popularity.get(p.title, 0.4))
        for p in round.proposals.filter(status="on_ballot").order_by("number")
    ]
    electors = list(Elector.objects.filter(vote=vote).order_by("pk"))
    count = min(len(electors), rng.randint(60, 90))
    chosen = sorted(rng.sample(range(len(electors)), count)) if count else []
    span_hours = max(((days["vote_close"] - days["vote_open"]).days) * 24 - 10, 1)

    def choice() -> list[str]:
        picks = [key for key, share in options if rng.random() < share]
        return picks or [options[0][0]]

    # The demo resident votes online unless not on this roll (or not verified).
    with _clock(_at(days["vote_open"], 10)), suppress(NotAllowed, ActionError):
        voting.cast_ballot(actor=c.resident, vote=vote, choice=choice())
    for n, index in enumerate(chosen):
        moment = _at(days["vote_open"], 10) + dt.timedelta(hours=(n + 1) * span_hours // count)
        with _clock(moment):
            try:
                voting.record_ballot(
                    actor=c.worker,
                    vote=vote,
                    elector=electors[index],
                    choice=choice(),
                    document_ref=f"纸质选票 {n + 1:03d}",
                )
            except ActionError:
                continue  # this elector already voted online


def _implementation(
    c: Any, round: Any, rng: random.Random, approved_on: dt.date, today: dt.date
) -> None:
    """Progress on the winners: the first two finished, accepted and (one) closed with the
    final cost; the next one under way; the rest approved, not started."""
    from cogov.budgeting import actions

    winners = list(round.proposals.filter(status="approved").order_by("number"))
    span = (today - approved_on).days
    if span < 10:
        return

    def day(share: float) -> dt.date:
        return approved_on + dt.timedelta(days=max(1, int(span * share)))

    for i, p in enumerate(winners[:3]):
        steps = [("签订服务合同、进场施工", 20, 0.1), ("完成主体工作", 60, 0.35)]
        if i < 2:
            steps.append(("全部完成,申请验收", 100, 0.6 + 0.1 * i))
        for title, percent, share in steps:
            on = day(share)
            with _clock(_at(on, 16)):
                actions.report_progress(
                    actor=c.worker,
                    proposal=p,
                    title=title,
                    percent=percent,
                    evidence=f"现场照片 {rng.randint(3, 12)} 张;{title}记录",
                    reported_on=on,
                )
        if i >= 2:
            continue
        on = day(0.7 + 0.1 * i)
        names: list[str] = []
        while len(names) < 6:
            name = _name(rng)
            if name not in names:
                names.append(name)
        with _clock(_at(on, 15)):
            actions.record_acceptance(
                actor=c.worker,
                proposal=p,
                representatives=names,
                satisfaction=rng.choice([92, 95, 96, 98]),
                passed=True,
                note="居民代表现场查验,质量符合要求。",
                accepted_on=on,
            )
        if i == 0:
            final = (p.cost * Decimal(rng.choice(["0.94", "0.97", "0.99"]))).quantize(
                Decimal("0.01")
            )
            with _clock(_at(day(0.8), 10)):
                actions.close_proposal(
                    actor=c.worker, proposal=p, final_cost=final, note="决算经审核确认。"
                )


def _open_round(c: Any, rng: random.Random, today: dt.date) -> int:
    """Next year's round, collecting proposals today, with two proposals in it."""
    from cogov.budgeting import actions

    year = today.year + 1
    opened = today - dt.timedelta(days=6)
    with _clock(_at(opened, 9)):
        round = actions.create_round(
            actor=c.worker,
            node=c.community,
            year=year,
            title=f"{year}年{c.community.name}民生微实事项目征集",
            description="欢迎居民、驻区单位和社会组织提出明年的民生微实事项目。",
            budget=Decimal(300_000),
            collect_opens_at=_at(opened, 9),
            collect_closes_at=_at(today + dt.timedelta(days=24), 18),
            vote_opens_at=_at(today + dt.timedelta(days=30), 9),
            vote_closes_at=_at(today + dt.timedelta(days=40), 18),
        )
        round = actions.open_collection(actor=c.worker, round=round)
    made = 0
    for i, (title, category, text, items, benefit) in enumerate(NEXT_YEAR):
        with _clock(_at(opened + dt.timedelta(days=2 + 2 * i), 10 + i)):
            actions.submit_proposal(
                actor=[c.owner, c.volunteer][i % 2],
                round=round,
                title=title,
                description=text,
                category=category,
                items=_items(items),
                beneficiaries=benefit,
            )
        made += 1
    return made
