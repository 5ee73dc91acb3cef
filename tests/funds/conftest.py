from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from cogov.funds import actions
from cogov.funds.models import Fund

YEAR = dt.date.today().year - 1  # a whole past year: every date of it may be posted


def D(value: Any) -> Decimal:
    return Decimal(str(value))


def make_fund(
    world: Any,
    *,
    kind: str = "micro_project",
    year: int = YEAR,
    community: str = "C1",
    amount: Any = "1000000",
    actor: str = "party_secretary",
) -> Fund:
    fund = actions.create_fund(
        actor=world.users[actor], community=world.nodes[community], kind=kind, year=year
    )
    if amount:
        actions.allocate(
            actor=world.users[actor], fund=fund, amount=D(amount), occurred_on=dt.date(year, 1, 15)
        )
    fund.refresh_from_db()
    return fund


@pytest.fixture
def fund(world: Any) -> Fund:
    return make_fund(world)
