"""10,000 rows: bulk reads and writes, not a query per row (run with -m slow)."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogov.people.exports import export_roster
from cogov.people.imports import import_roster
from cogov.people.models import Person

from .helpers import row, to_xlsx

N = 10_000


@pytest.mark.slow
def test_ten_thousand_rows(world):
    rows = [
        row(i, building="B-G11" if i % 2 else "B-G12", door=f"{i // 6 + 2}-{i % 3 + 1}01")
        for i in range(N)
    ]
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        report = import_roster(actor=world.community_worker, community=world.C1, file=to_xlsx(rows))
    elapsed = time.perf_counter() - started
    assert report.written and report.created == N, report.errors[:3]
    # Batches only (SQLite splits bulk inserts into ~70 rows per statement; PostgreSQL, 1,000).
    assert len(ctx.captured_queries) < N / 25
    assert elapsed < 120
    assert Person.objects.within(world.C1).count() == N + 8

    export = export_roster(actor=world.community_worker, community=world.C1, fmt="csv", clear=True)
    with CaptureQueriesContext(connection) as ctx:
        again = import_roster(actor=world.community_worker, community=world.C1, file=export.content)
    assert again.ok, again.errors[:3]
    # Only the world's own residents change (they had no gender; the import takes it from the ID).
    assert again.created == 0 and again.updated <= 8 and again.unchanged >= N
    assert len(ctx.captured_queries) < 50
