"""funds.execution_rate and funds.resident_decided_share at community, street and district."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cogov.core.metrics import Period, compute
from cogov.funds import actions

from .conftest import YEAR, D, make_fund


def test_execution_rate_and_resident_share(world):
    staff = world.users["admin"]
    c1 = make_fund(world, amount="1000000")
    c2 = make_fund(
        world, community="C2", amount="200000", kind="party_service", actor="street_official"
    )
    decided = actions.open_project_budget(
        actor=staff,
        fund=c1,
        title="a",
        kind="works",
        amount=D("300000"),
        source_app="budgeting",
        source_ref="1",
        decided_by_residents=True,
        occurred_on=dt.date(YEAR, 3, 1),
    )
    other = actions.open_project_budget(
        actor=staff,
        fund=c1,
        title="b",
        kind="service",
        amount=D("100000"),
        source_app="",
        source_ref="",
        occurred_on=dt.date(YEAR, 3, 2),
    )
    actions.pay(
        actor=staff,
        budget=decided,
        amount=D("250000"),
        payee="p",
        voucher_no="1",
        occurred_on=dt.date(YEAR, 5, 1),
    )
    actions.release(actor=staff, budget=other, amount=D("50000"), occurred_on=dt.date(YEAR, 6, 1))
    c2_line = actions.open_project_budget(
        actor=staff,
        fund=c2,
        title="c",
        kind="goods",
        amount=D("50000"),
        source_app="",
        source_ref="",
        occurred_on=dt.date(YEAR, 4, 1),
    )
    actions.pay(
        actor=staff,
        budget=c2_line,
        amount=D("50000"),
        payee="p",
        voucher_no="2",
        occurred_on=dt.date(YEAR, 4, 20),
    )
    year = Period.year(YEAR)
    assert compute("funds.execution_rate", world.nodes["C1"], year) == Decimal("0.2500")
    assert compute("funds.execution_rate", world.nodes["C2"], year) == Decimal("0.2500")
    # The street and the district: (250,000 + 50,000) / 1,200,000.
    assert compute("funds.execution_rate", world.nodes["S1"], year) == Decimal("0.2500")
    assert compute("funds.execution_rate", world.nodes["D"], year) == Decimal("0.2500")
    assert compute("funds.execution_rate", world.nodes["C3"], year) is None
    assert compute("funds.execution_rate", world.nodes["C1"], Period.month(YEAR, 5)) is None
    # Committed in C1: 300,000 by residents, 100,000 − 50,000 released otherwise.
    assert compute("funds.resident_decided_share", world.nodes["C1"], year) == Decimal("0.8571")
    # District: 300,000 of 400,000.
    assert compute("funds.resident_decided_share", world.nodes["D"], year) == Decimal("0.7500")
    assert compute("funds.resident_decided_share", world.nodes["C3"], year) is None
