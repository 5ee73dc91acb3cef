"""Cached funds metrics stay correct: every posted entry tells the rollups (ledger.post calls
cogov.core.metrics.touched), which are marked dirty and recomputed on the next read."""

from __future__ import annotations

import datetime as dt

import pytest

from cogov.assessment import rollups
from cogov.assessment.models import Rollup
from cogov.core.metrics import Period, cacheable
from cogov.funds import actions

from .conftest import YEAR, D, make_fund

pytestmark = pytest.mark.django_db


def _row(key, node, period):  # type: ignore[no-untyped-def]
    return Rollup.objects.get(
        metric=key, node=node, period_start=period.start, period_end=period.end
    )


def test_a_payment_dirties_the_rollups_of_its_period_and_they_recompute(world):
    staff = world.users["admin"]
    c1, s1 = world.nodes["C1"], world.nodes["S1"]
    year, march, june = Period.year(YEAR), Period.month(YEAR, 3), Period.month(YEAR, 6)
    assert cacheable("funds.execution_rate") and cacheable("funds.resident_decided_share")
    fund = make_fund(world, amount="100000")
    line = actions.open_project_budget(
        actor=staff, fund=fund, title="楼道灯", kind="works", amount=D("40000"),
        source_app="budgeting", source_ref="7", decided_by_residents=True,
        occurred_on=dt.date(YEAR, 3, 1),
    )  # fmt: skip
    for node in (c1, s1):
        assert rollups.value("funds.execution_rate", node, year) == D("0")
    assert rollups.value("funds.execution_rate", c1, march) is None  # nothing allocated in March
    assert rollups.value("funds.resident_decided_share", c1, year) == D("1")
    assert not Rollup.objects.filter(dirty=True).exists()

    actions.pay(
        actor=staff, budget=line, amount=D("25000"), payee="某某物业公司", voucher_no="6-1",
        occurred_on=dt.date(YEAR, 6, 3),
    )  # fmt: skip
    # the community's and the street's year rows are dirty; March (not the payment's month) is not
    assert _row("funds.execution_rate", c1, year).dirty
    assert _row("funds.execution_rate", s1, year).dirty
    assert not _row("funds.execution_rate", c1, march).dirty
    for node in (c1, s1):
        assert rollups.value("funds.execution_rate", node, year) == D("0.2500")
    assert not _row("funds.execution_rate", c1, year).dirty  # recomputed and stored
    assert rollups.value("funds.execution_rate", c1, june) is None

    actions.refund(
        actor=staff, budget=line, amount=D("5000"), voucher_no="6-2", memo="退回多付",
        occurred_on=dt.date(YEAR, 7, 1),
    )  # fmt: skip
    assert _row("funds.execution_rate", c1, year).dirty
    assert rollups.value("funds.execution_rate", c1, year) == D("0.2000")
