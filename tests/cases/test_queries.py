"""Lists cost a fixed number of queries, whatever their length."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import dispatched, report

LIST_QUERIES = 5  # session, user, memberships, the resident extender, the page


def _count(client, **params):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/cases/cases", params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def test_list_query_count_is_pinned(world, client_for):
    client = client_for("community_worker")
    for _ in range(2):
        dispatched(world)
    small, page = _count(client)
    assert len(page["items"]) == 2
    for i in range(6):
        report(world, x=0.2 + i * 0.1)
    large, page = _count(client)
    assert len(page["items"]) == 8
    assert small == large == LIST_QUERIES
    queue, _ = _count(client, queue=True, open=True)
    assert queue == LIST_QUERIES


def test_keyset_pagination_walks_every_case_once(world, client_for):
    for i in range(7):
        report(world, x=0.1 + i * 0.1)
    client = client_for("grid_worker")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/cases/cases", params).json()
        seen += [c["number"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_ranking_opens_on_last_month_or_the_latest_month_with_cases(world):
    import datetime as dt

    from django.utils import timezone

    from cogov.cases.models import Case

    cases = Case.objects.in_region(world.nodes["D"])
    assert cases.reported_month_or_latest("2026-10") == "2026-10"  # no cases at all
    case = report(world)
    march = timezone.make_aware(dt.datetime(2025, 3, 15, 9))
    Case.objects.filter(pk=case.pk).update(reported_at=march)
    assert cases.reported_month_or_latest("2026-10") == "2025-03"
    assert cases.reported_month_or_latest("2025-03") == "2025-03"
    assert cases.reported_month_or_latest("2025-01") == "2025-01"  # nothing before: unchanged
    Case.objects.filter(pk=case.pk).update(reported_at=march.replace(year=2026, month=10))
    assert cases.reported_month_or_latest("2026-10") == "2026-10"
