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
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .accounts import demo_username
from .randomness import stream

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
    journal entries made."""
    from cogov.funds.models import Fund, JournalEntry
    from cogov.territory.models import Node

    admin = _admin()
    if admin is None:
        return 0
    if district_id is None:
        district = Node.objects.filter(level="district").order_by("code").first()
    else:
        district = Node.objects.filter(pk=district_id).first()
    if district is None:
        return 0
    communities = list(
        Node.objects.filter(level="community", path__startswith=district.path).order_by("code")
    )
    before = JournalEntry.objects.count()
    today = timezone.localdate()
    for community in communities:
        if Fund.objects.filter(community=community).exists():
            continue  # generated already
        rng = stream(seed, "funds", community.code)
        for kind, projects in (
            ("party_service", PARTY_PROJECTS),
            ("micro_project", MICRO_PROJECTS),
        ):
            _community_fund(admin, rng, community, kind, projects, today)
    return JournalEntry.objects.count() - before


def _day(rng: Any, start: dt.date, end: dt.date) -> dt.date:
    span = max((end - start).days, 0)
    return start + dt.timedelta(days=rng.randint(0, span))


def _yuan(rng: Any, low: int, high: int, step: int = 100) -> Decimal:
    return Decimal(rng.randrange(low // step, high // step + 1) * step)


def _community_fund(
    admin: Any, rng: Any, community: Any, kind: str, projects: list[tuple[str, str]], today: Any
) -> None:
    from cogov.funds import actions

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
    voucher = [0]

    def next_voucher(year: int) -> str:
        voucher[0] += 1
        return f"记-{year}-{kind[:2]}-{voucher[0]:04d}"

    chosen = rng.sample(projects, k=min(len(projects), rng.randint(4, 6)))
    share = Decimal("0.85") if kind == "party_service" else Decimal("0.9")
    total = _available(fund)
    budget_each = (total * share / len(chosen)).quantize(Decimal("1"))
    for i, (title, ptype) in enumerate(chosen):
        amount = min(
            _yuan(rng, int(budget_each * Decimal("0.6")), int(budget_each)),
            Decimal(450_000),
        )
        if amount <= 0 or amount > total:
            continue
        start = dt.date(last_year, 2 + i, rng.randint(1, 25))
        line = actions.open_project_budget(
            actor=admin,
            fund=fund,
            title=title,
            kind=ptype,
            amount=amount,
            source_app="demo",
            source_ref=f"{community.code}-{last_year}-{kind}-{i}",
            decided_by_residents=kind == "micro_project" or rng.random() < 0.5,
            occurred_on=start,
        )
        total -= amount
        _spend(admin, rng, line, start, dt.date(last_year, 12, 20), next_voucher, last_year)
    actions.close_year(actor=admin, fund=fund, on=dt.date(last_year, 12, 31))

    # This year: the carried-over fund gets its allocation and the first projects.
    from cogov.funds.selectors import fund_for

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
    for i, (title, ptype) in enumerate(rng.sample(projects, k=2)):
        start = _day(rng, first, today)
        amount = _yuan(rng, 20_000, 150_000)
        line = actions.open_project_budget(
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
        if start < today:
            actions.pay(
                actor=admin,
                budget=line,
                amount=(amount * Decimal("0.3")).quantize(Decimal("0.01")),
                payee=rng.choice(PAYEES),
                voucher_no=next_voucher(today.year),
                occurred_on=_day(rng, start, today),
                memo="预付款",
            )


def _available(fund: Any) -> Decimal:
    from cogov.funds.selectors import balances

    return balances(fund).available


def _spend(
    admin: Any,
    rng: Any,
    line: Any,
    start: dt.date,
    end: dt.date,
    next_voucher: Any,
    year: int,
) -> None:
    """Pay a budget line in one to three instalments (sometimes a wrong payment reversed and
    posted again, sometimes a refund of an overpayment), then release what was not used."""
    from cogov.funds import actions

    payee = rng.choice(PAYEES)
    used = (line.amount * Decimal(rng.choice(["0.82", "0.9", "0.95", "0.97", "1"]))).quantize(
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
        entry = actions.pay(
            actor=admin,
            budget=line,
            amount=amount,
            payee=payee,
            voucher_no=next_voucher(year),
            occurred_on=day,
            memo=f"第{n + 1}期" if parts > 1 else "",
        )
        if rng.random() < 0.06:
            actions.reverse(
                actor=admin, entry=entry, reason="付款凭证信息有误，冲销后重新入账", occurred_on=day
            )
            actions.pay(
                actor=admin,
                budget=line,
                amount=amount,
                payee=payee,
                voucher_no=next_voucher(year),
                occurred_on=day,
                memo="冲销后重新入账",
            )
        paid += amount
    if paid > 0 and rng.random() < 0.08:
        back = (paid * Decimal("0.02")).quantize(Decimal("0.01"))
        if back > 0:
            actions.refund(
                actor=admin,
                budget=line,
                amount=back,
                payee=payee,
                voucher_no=next_voucher(year),
                occurred_on=min(day + dt.timedelta(days=10), end),
                memo="结算多付退回",
            )
    line.refresh_from_db()
    if line.committed > 0 and rng.random() < 0.8:
        actions.release(
            actor=admin,
            budget=line,
            occurred_on=min(day + dt.timedelta(days=15), end),
            memo="项目结余释放",
        )
