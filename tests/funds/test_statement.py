"""The statement of fund use for a period (selectors.period_statement): computed from the
journal, payments grouped by budget line, reversals under what they reverse, reconciling to the
cent (opening + allocations + refunds − payments − transfers = closing)."""

from __future__ import annotations

import datetime as dt

import pytest

from cogov.funds import actions
from cogov.funds.selectors import balances, period_statement

from .conftest import YEAR, D, make_fund

pytestmark = pytest.mark.django_db


def day(m: int, d: int) -> dt.date:
    return dt.date(YEAR, m, d)


def ledger(world):  # type: ignore[no-untyped-def]
    staff = world.users["admin"]
    fund = make_fund(world, kind="working", amount="100000.00")
    lamps = actions.open_project_budget(
        actor=staff, fund=fund, title="楼道灯更换", kind="works", amount=D("40000"),
        source_app="", source_ref="", occurred_on=day(3, 1),
    )  # fmt: skip
    tea = actions.open_project_budget(
        actor=staff, fund=fund, title="重阳节敬老活动", kind="service", amount=D("6000"),
        source_app="", source_ref="", occurred_on=day(3, 2),
    )  # fmt: skip
    pay = actions.pay
    pay(actor=staff, budget=lamps, amount=D("10000.10"), payee="某某物业公司", voucher_no="6-9",
        occurred_on=day(6, 30))  # fmt: skip
    q3 = [
        pay(actor=staff, budget=lamps, amount=D("12000.33"), payee="上海明亮照明有限公司",
            voucher_no="7-1", occurred_on=day(7, 1)),
        pay(actor=staff, budget=tea, amount=D("1200.5"), payee="张三丰", voucher_no="7-2",
            occurred_on=day(7, 20)),
    ]  # fmt: skip
    actions.allocate(actor=staff, fund=fund, amount=D("20000.07"), occurred_on=day(8, 1))
    wrong = pay(actor=staff, budget=tea, amount=D("300"), payee="李四", voucher_no="8-5",
                occurred_on=day(8, 5))  # fmt: skip
    actions.reverse(actor=staff, entry=wrong, reason="重复支付", occurred_on=day(8, 6))
    actions.refund(actor=staff, budget=lamps, amount=D("0.33"), voucher_no="9-1",
                   occurred_on=day(9, 1))  # fmt: skip
    q3.append(pay(actor=staff, budget=tea, amount=D("800"), payee="王小明", voucher_no="9-30",
                  occurred_on=day(9, 30)))  # fmt: skip
    pay(actor=staff, budget=lamps, amount=D("5000"), payee="某某物业公司", voucher_no="10-1",
        occurred_on=day(10, 1))  # fmt: skip
    other = make_fund(world, kind="micro_project", amount="5000")  # another kind, same quarter
    line = actions.open_project_budget(
        actor=staff, fund=other, title="微实事", kind="goods", amount=D("1000"),
        source_app="", source_ref="", occurred_on=day(7, 2),
    )  # fmt: skip
    pay(actor=staff, budget=line, amount=D("999"), payee="赵六", voucher_no="m1",
        occurred_on=day(7, 3))  # fmt: skip
    return fund, q3


def test_the_quarter_statement_reconciles_to_the_cent(world):
    fund, q3 = ledger(world)
    [s] = period_statement(world.nodes["C1"], day(7, 1), day(9, 30), kinds=["working"])
    assert s.fund == fund
    assert {e.voucher_no for e in q3} <= {p.voucher_no for p in s.payments}
    before, after = balances(fund, on=day(6, 30)), balances(fund, on=day(9, 30))
    assert s.opening == before.available + before.committed == D("89999.90")
    assert s.allocated == D("20000.07")
    # the reversed payment shows with its reversal (net 0); the refund separately
    assert [(p.voucher_no, p.amount) for p in s.payments] == [
        ("7-1", D("12000.33")),
        ("7-2", D("1200.50")),
        ("8-5", D("300")),
        ("8-5", D("-300")),  # its reversal
        ("9-30", D("800")),
    ]
    assert [p.reversal for p in s.payments] == [False, False, False, True, False]
    assert s.paid == D("12000.33") + D("1200.5") + D("800")
    assert s.refunded == D("0.33")
    assert s.closing == after.available + after.committed
    assert s.opening + s.allocated + s.refunded - s.paid - s.transferred == s.closing
    assert s.reconciles
    by_line = {g.title: g.total for g in s.lines}
    assert by_line == {"楼道灯更换": D("12000.33"), "重阳节敬老活动": D("2000.50")}
    assert {p.payee for p in s.payments} >= {"上海明亮照明有限公司", "张三丰", "王小明"}
    # every kind by default: the micro-project fund too, reconciling on its own
    both = period_statement(world.nodes["C1"], day(7, 1), day(9, 30))
    assert sorted(x.fund.kind for x in both) == ["micro_project", "working"]
    assert all(x.reconciles for x in both)
    # consecutive periods chain: one's closing is the next one's opening
    [q4] = period_statement(world.nodes["C1"], day(10, 1), day(12, 31), kinds=["working"])
    assert q4.opening == s.closing and q4.reconciles and q4.paid == D("5000")
    with pytest.raises(ValueError):
        period_statement(world.nodes["C1"], day(9, 30), day(7, 1))
