"""Item 4: the case queue and the resident list with the whole district behind them.

Each list is requested as people with different reach (a community worker: one community; the
district's evaluator or administrator: the whole district), on its first page and on page 50
(reached by the list's own keyset cursor: the id of the last row of page 49, exactly what the
"next" links carry), through the real views and templates (Django's test client in this
process: the middleware, the session, the template; no HTTP server).

Figures:
- p50 latency of each page (p95 in `extra`) against the same page's main SQL (the LIMIT query
  that fetches the rows, captured from the page) run raw on a cursor: how much the page adds to
  the one query it cannot avoid;
- queries per page on page 50 against page 1: must be equal (no per-row queries).

    python bench/b_lists.py --database-url postgres://…/cogov_bench_small --quick
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/, as the runner has it

import loadgen
import replay
from harness import Context, Figure, share

NAME = "lists"
TITLE = "Lists: the case queue and the resident list (keyset pages, queries per page)"
DEEP = 50  # the deep page


@dataclass
class ListPage:
    key: str
    title: str
    path: str  # the page, with its filters
    table: str  # the main query's table
    page_size: int
    cursor: str  # the keyset parameter
    descending: bool  # newest first (cursor = before) or oldest first (cursor = after)


LISTS = [
    ListPage(
        "case_queue",
        "case queue (all I can see)",
        "/cases/?view=all",
        "cases_case",
        25,
        "before",
        True,
    ),
    ListPage(
        "case_api", "case list API", "/api/cases/cases?limit=50", "cases_case", 50, "cursor", True
    ),
    ListPage("residents", "resident list", "/people/", "people_person", 50, "after", False),
]


def _users() -> dict[str, Any]:
    """A community worker of the first community; the district's evaluator (cases) and an
    administrator (residents: no district role lists residents)."""
    from cogov.accounts.models import Membership

    found: dict[str, Any] = {}
    for label, role in (
        ("community worker", "community_worker"),
        ("district evaluator", "evaluator"),
        ("administrator", "admin"),
    ):
        m = (
            Membership.objects.current()
            .filter(role=role, user__is_active=True)
            .select_related("user")
            .order_by("node__code", "pk")
            .first()
        )
        if m is not None:
            found[label] = m.user
    return found


def _who_for(page: ListPage, users: dict[str, Any]) -> list[str]:
    wide = "administrator" if page.table == "people_person" else "district evaluator"
    return [w for w in ("community worker", wide) if w in users]


def _main_query(statements: list[str], page: ListPage) -> str:
    limit = f"LIMIT {page.page_size + 1}"
    for sql in statements:
        if f'FROM "{page.table}"' in sql and sql.rstrip().endswith(limit):
            return sql
    raise RuntimeError(f"{page.key}: no {limit} query on {page.table} among {len(statements)}")


def _raw_ms(sql: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection

    times, rows = [], 0
    with connection.cursor() as cursor:
        for _ in range(repeat):
            t0 = time.perf_counter()
            cursor.execute(sql)
            rows = len(cursor.fetchall())
            times.append((time.perf_counter() - t0) * 1000)
    return times, rows


def _deep_cursor(main_sql: str, page: ListPage) -> int | None:
    """The cursor the "next" link of page DEEP-1 carries: the id of its last row."""
    from django.db import connection

    offset = (DEEP - 1) * page.page_size - 1
    sql = re.sub(r"LIMIT \d+$", f"LIMIT 1 OFFSET {offset}", main_sql.rstrip())
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _measure(client: Any, url: str, repeat: int) -> tuple[list[float], list[str], int]:
    client.get(url)  # warm: the session, the templates, the caches
    times = []
    statements: list[str] = []
    for i in range(repeat):
        t0 = time.perf_counter()
        if i == 0:
            response, statements = replay.captured(lambda: client.get(url))
        else:
            response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
    return times, statements, len(statements)


def _visible_rows(page: ListPage, user: Any) -> int:
    from cogov.cases.models import Case
    from cogov.people.models import Person

    if page.table == "cases_case":
        return int(Case.objects.visible_to(user).count())
    return int(Person.objects.visible_to(user).count())


def run(ctx: Context) -> list[Figure]:
    loadgen.setup_django(ctx.database_url)
    from django.test import Client

    repeat = 3 if ctx.quick else 5
    users = _users()
    figures: list[Figure] = []
    totals: dict[str, int] = {}
    for page in LISTS:
        counts: dict[str, tuple[int, int]] = {}
        for who in _who_for(page, users):
            client = Client()
            client.force_login(users[who])
            first_times, first_sql, first_queries = _measure(client, page.path, repeat)
            main = _main_query(first_sql, page)
            cursor = _deep_cursor(main, page)
            rows = totals.setdefault(f"{page.table}:{who}", _visible_rows(page, users[who]))
            results = [("page 1", page.path, first_times, first_sql, first_queries)]
            if cursor is not None:
                sep = "&" if "?" in page.path else "?"
                deep_url = f"{page.path}{sep}{page.cursor}={cursor}"
                deep_times, deep_sql, deep_queries = _measure(client, deep_url, repeat)
                results.append((f"page {DEEP}", deep_url, deep_times, deep_sql, deep_queries))
                counts[who] = (first_queries, deep_queries)
            for label, url, times, statements, queries in results:
                sql = _main_query(statements, page)
                raw, fetched = _raw_ms(sql, repeat)
                p50, p95 = loadgen.percentile(times, 50), loadgen.percentile(times, 95)
                raw50 = loadgen.percentile(raw, 50)
                slowest = _slowest(statements)
                figures.append(
                    Figure(
                        f"{page.title}, {who}, {label}: p50",
                        round(p50, 1),
                        "ms",
                        "the page's main SQL (its LIMIT query) run raw, p50",
                        round(raw50, 2),
                        "ms",
                        share(p50, raw50, lower_is_better=True),
                        _note(page, raw50, p50, slowest),
                        {
                            "url": url,
                            "p95_ms": round(p95, 1),
                            "raw_p95_ms": round(loadgen.percentile(raw, 95), 2),
                            "queries": queries,
                            "rows_on_page": fetched,
                            "rows_visible": rows,
                            "slowest_query_ms": slowest[0],
                            "slowest_query": slowest[1][:300],
                            "repeat": repeat,
                        },
                    )
                )
            loadgen.log(f"lists: {page.key} as {who} ({rows:,} rows visible)")
        for who, (first, deep) in counts.items():
            figures.append(
                Figure(
                    f"{page.title}, {who}: queries on page {DEEP}",
                    deep,
                    "queries",
                    "queries on page 1 (a constant count means no per-row queries)",
                    first,
                    "queries",
                    share(deep, first, lower_is_better=True),
                    ""
                    if deep == first
                    else "The count grows with the page: look for a "
                    "query per row or a cursor look-up.",
                    {},
                )
            )
    growing = [f.name for f in figures if f.unit == "queries" and f.value != f.limit]
    if growing:
        raise RuntimeError(f"queries per page grow with the page: {growing}")
    return figures


def _slowest(statements: list[str]) -> tuple[float, str]:
    """The slowest statement of a page, re-run raw (the capture itself has no timings)."""
    from django.db import connection

    best = (0.0, "")
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            t0 = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            ms = (time.perf_counter() - t0) * 1000
            if ms > best[0]:
                best = (round(ms, 2), sql)
    return best


def _note(page: ListPage, raw: float, p50: float, slowest: tuple[float, str]) -> str:
    if slowest[0] > raw * 2 and slowest[0] > 0.3 * p50:
        return (
            f"Bounded by another query of the page ({slowest[0]:.0f} ms): "
            f"{slowest[1][:120]}… The next step is to make that query index-only or to cap it."
        )
    return (
        "Bounded by rendering: the page runs a fixed set of small queries (reach, filters, "
        "the menu) and renders the rows in a template; the main query is index-ordered by id "
        "and stops after one page, so its time does not grow with the rows behind it."
    )


if __name__ == "__main__":
    loadgen.standalone(sys.modules[__name__])
