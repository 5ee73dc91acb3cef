"""A year of community funds in the demo district (docs/demo.md, docs/funds.md).

For every community of the first district: last year's party organization service fund
(党组织服务群众经费) and 民生微实事 fund are opened, allocated (by the city and district
shares of the policy), spent through budget lines (commitments, payments in instalments, an
occasional refund, a payment posted wrongly and reversed, releases of what projects did not
use) and closed at year end, the unspent money carried into this year's funds; this year's
funds then receive their allocation and the first commitments and payments up to today.
`cogov verify-funds` reconciles every one of them to the cent.

Everything goes through `cogov.funds.actions` as the demo administrator (the same checks and
audit rows as the pages). Amounts and projects are drawn from `stream(seed, "funds", community
code)`, so the same seed tells the same story.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connections
from django.utils import timezone

from .accounts import demo_username
from .randomness import stream
from .writers import workers

PARTY_PROJECTS = [
    ("党员志愿服务队活动经费", "service"),
    ("在职党员报到服务活动", "service"),
    ("党群服务中心便民设施", "goods"),
    ("困难群众节日慰问", "goods"),
    ("居民议事会与协商活动", "service"),
    ("社区社会组织孵化培育", "service"),
    ("红色物业议事协调", "service"),
]
MICRO_PROJECTS = [
    ("老旧小区楼道照明改造", "works"),
    ("长者饭堂助餐服务", "service"),
    ("儿童四点半课堂", "service"),
    ("小区无障碍坡道修建", "works"),
    ("社区微绿地提升", "works"),
    ("居民健康义诊与慢病随访", "service"),
    ("垃圾分类投放点改造", "works"),
    ("社区文体活动器材", "goods"),
    ("独居老人智能手环", "goods"),
    ("社区法律咨询服务", "service"),
]
PAYEES = [
    "深圳市和谐社工服务中心",
    "鹏城物业服务有限公司",
    "南山建筑装饰工程有限公司",
    "安康医疗服务有限公司",
    "乐活文体用品商行",
    "绿城园林绿化有限公司",
    "普法律师事务所",
]


def _admin() -> Any:
    from cogov.accounts.models import User

    return User.objects.filter(username=demo_username("admin")).first()


def build_funds_activity(seed: int, district_id: int | None = None) -> int:
    """Generate the funds of the communities of the demo district; returns the number of
    journal entries made. On PostgreSQL the communities are shared among `workers()` forked
    processes (each community's story is its own: its own funds, its own random stream), so
    the same seed tells the same stories; only the order of the rows' ids varies."""
    from cogov.funds.models import JournalEntry
    from cogov.territory.models import Node

    if _admin() is None:
        return 0
    if district_id is None:
        district = Node.objects.filter(level="district").order_by("code").first()
    else:
        district = Node.objects.filter(pk=district_id).first()
    if district is None:
        return 0
    communities = list(
        Node.objects.filter(level="community", path__startswith=district.path)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    before = JournalEntry.objects.count()
    n = workers(len(communities))
    if n > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        connections.close_all()  # each forked process opens its own
        shares = [(seed, communities[k::n]) for k in range(n)]
        with ProcessPoolExecutor(n, mp_context=get_context("fork")) as pool:
            list(pool.map(_forked, shares))
    else:
        _communities((seed, communities))
    return JournalEntry.objects.count() - before


def _forked(share: tuple[int, list[int]]) -> None:
    try:
        _communities(share)
    finally:
        connections.close_all()


def _communities(share: tuple[int, list[int]]) -> None:
    from cogov.funds.models import Fund
    from cogov.territory.models import Node

    seed, ids = share
    admin = _admin()
    today = timezone.localdate()
    for community in Node.objects.filter(pk__in=ids).order_by("code"):
        if Fund.objects.filter(community=community).exists():
            continue  # generated already
        rng = stream(seed, "funds", community.code)
        for kind, projects in (
            ("party_service", PARTY_PROJECTS),
            ("micro_project", MICRO_PROJECTS),
        ):
            _community_fund(admin, rng, community, kind, projects, today)


def _day(rng: Any, start: dt.date, end: dt.date) -> dt.date:
    span = max((end - start).days, 0)
    return start + dt.timedelta(days=rng.randint(0, span))


def _yuan(rng: Any, low: int, high: int, step: int = 100) -> Decimal:
    return Decimal(rng.randrange(low // step, high // step + 1) * step)


Event = tuple[dt.date, int, Callable[[], Any]]


def _run(events: list[Event]) -> None:
    """Post planned events in date order (a fund's entries are posted in date order); events
    of the same day in the order they were planned."""
    for event in sorted(events, key=lambda e: (e[0], e[1])):
        event[2]()


def _community_fund(
    admin: Any, rng: Any, community: Any, kind: str, projects: list[tuple[str, str]], today: Any
) -> None:
    from cogov.funds import actions
    from cogov.funds.selectors import fund_for

    last_year = today.year - 1
    fund = actions.create_fund(actor=admin, community=community, kind=kind, year=last_year)
    # The standard yearly amount of the kind (funds.annual_amounts), allocated in January.
    actions.allocate(
        actor=admin,
        fund=fund,
        occurred_on=dt.date(last_year, 1, rng.randint(10, 25)),
        voucher_no=f"拨-{last_year}-{community.code[-3:]}",
        memo="年度经费拨付（市、区按比例）",
    )
    counter = itertools.count(1)
    order = itertools.count()
    events: list[Event] = []

    def at(day: dt.date, post: Callable[[], Any]) -> None:
        events.append((day, next(order), post))

    def voucher(year: int) -> str:
        return f"记-{year}-{kind[:2]}-{next(counter):04d}"

    chosen = rng.sample(projects, k=min(len(projects), rng.randint(4, 6)))
    share = Decimal("0.85") if kind == "party_service" else Decimal("0.9")
    total = _available(fund)
    budget_each = (total * share / len(chosen)).quantize(Decimal("1"))
    lines: dict[int, Any] = {}
    for i, (title, ptype) in enumerate(chosen):
        amount = min(
            _yuan(rng, int(budget_each * Decimal("0.6")), int(budget_each)),
            Decimal(450_000),
        )
        if amount <= 0 or amount > total:
            continue
        total -= amount
        start = dt.date(last_year, 2 + i, rng.randint(1, 25))
        residents = kind == "micro_project" or rng.random() < 0.5

        def open_line(
            i: int = i,
            title: str = title,
            ptype: str = ptype,
            amount: Decimal = amount,
            start: dt.date = start,
            residents: bool = residents,
        ) -> None:
            lines[i] = actions.open_project_budget(
                actor=admin,
                fund=fund,
                title=title,
                kind=ptype,
                amount=amount,
                source_app="demo",
                source_ref=f"{community.code}-{last_year}-{kind}-{i}",
                decided_by_residents=residents,
                occurred_on=start,
            )

        def line_of(i: int = i) -> Any:
            return lines[i]

        at(start, open_line)
        _plan_spend(
            admin,
            rng,
            line_of,
            amount,
            start,
            dt.date(last_year, 12, 20),
            voucher,
            last_year,
            at,
        )
    _run(events)
    actions.close_year(actor=admin, fund=fund, on=dt.date(last_year, 12, 31))

    # This year: the carried-over fund gets its allocation and the first projects.
    current = fund_for(community, kind, today.year)
    if current is None:
        current = actions.create_fund(actor=admin, community=community, kind=kind, year=today.year)
    first = dt.date(today.year, 1, 15)
    if first > today:
        return
    actions.allocate(
        actor=admin,
        fund=current,
        occurred_on=first,
        voucher_no=f"拨-{today.year}-{community.code[-3:]}",
        memo="年度经费拨付（市、区按比例）",
    )
    events = []
    # Both of this year's projects must fit what the fund holds after the allocation (a small
    # carry-over and an unlucky draw can leave less than two large projects need).
    from cogov.funds.selectors import balances

    ceiling = min(150_000, int(balances(current).available) // 2)
    for i, (title, ptype) in enumerate(rng.sample(projects, k=2)):
        start = _day(rng, first, today)
        amount = _yuan(rng, min(20_000, ceiling), ceiling)
        paid_on = _day(rng, start, today)
        payee = rng.choice(PAYEES)

        def open_now(
            i: int = i,
            title: str = title,
            ptype: str = ptype,
            amount: Decimal = amount,
            start: dt.date = start,
        ) -> None:
            lines[100 + i] = actions.open_project_budget(
                actor=admin,
                fund=current,
                title=title,
                kind=ptype,
                amount=amount,
                source_app="demo",
                source_ref=f"{community.code}-{today.year}-{kind}-{i}",
                decided_by_residents=kind == "micro_project",
                occurred_on=start,
            )

        def advance(
            i: int = i, amount: Decimal = amount, paid_on: dt.date = paid_on, payee: str = payee
        ) -> None:
            actions.pay(
                actor=admin,
                budget=lines[100 + i],
                amount=(amount * Decimal("0.3")).quantize(Decimal("0.01")),
                payee=payee,
                voucher_no=voucher(today.year),
                occurred_on=paid_on,
                memo="预付款",
            )

        at(start, open_now)
        if start < today:
            at(paid_on, advance)
    _run(events)


def _available(fund: Any) -> Decimal:
    from cogov.funds.selectors import balances

    return balances(fund).available


def _plan_spend(
    admin: Any,
    rng: Any,
    line: Callable[[], Any],
    budgeted: Decimal,
    start: dt.date,
    end: dt.date,
    voucher: Callable[[int], str],
    year: int,
    at: Callable[[dt.date, Callable[[], Any]], None],
) -> None:
    """Plan the payments of a budget line: one to three instalments (sometimes a wrong payment
    reversed and posted again, sometimes a refund of an overpayment), then the release of what
    was not used."""
    from cogov.funds import actions

    payee = rng.choice(PAYEES)
    used = (budgeted * Decimal(rng.choice(["0.82", "0.9", "0.95", "0.97", "1"]))).quantize(
        Decimal("0.01")
    )
    parts = rng.randint(1, 3)
    paid = Decimal(0)
    day = start
    for n in range(parts):
        amount = used - paid if n == parts - 1 else (used / parts).quantize(Decimal("0.01"))
        if amount <= 0:
            continue
        day = min(day + dt.timedelta(days=rng.randint(20, 70)), end)
        wrong = rng.random() < 0.06
        memo = f"第{n + 1}期" if parts > 1 else ""

        def pay(
            amount: Decimal = amount, day: dt.date = day, memo: str = memo, wrong: bool = wrong
        ) -> None:
            entry = actions.pay(
                actor=admin,
                budget=line(),
                amount=amount,
                payee=payee,
                voucher_no=voucher(year),
                occurred_on=day,
                memo=memo,
            )
            if wrong:
                actions.reverse(
                    actor=admin,
                    entry=entry,
                    reason="付款凭证信息有误，冲销后重新入账",
                    occurred_on=day,
                )
                actions.pay(
                    actor=admin,
                    budget=line(),
                    amount=amount,
                    payee=payee,
                    voucher_no=voucher(year),
                    occurred_on=day,
                    memo="冲销后重新入账",
                )

        at(day, pay)
        paid += amount
    if paid > 0 and rng.random() < 0.08:
        back = (paid * Decimal("0.02")).quantize(Decimal("0.01"))
        refund_on = min(day + dt.timedelta(days=10), end)

        def refund(back: Decimal = back, on: dt.date = refund_on) -> None:
            actions.refund(
                actor=admin,
                budget=line(),
                amount=back,
                payee=payee,
                voucher_no=voucher(year),
                occurred_on=on,
                memo="结算多付退回",
            )

        if back > 0:
            at(refund_on, refund)
    if rng.random() < 0.8 and used < budgeted:
        release_on = min(day + dt.timedelta(days=15), end)

        def release() -> None:
            actions.release(actor=admin, budget=line(), occurred_on=release_on, memo="项目结余释放")

        at(release_on, release)
