"""The benchmark data: built once per scale in `cogov_bench_<scale>`, reused while it matches.

1. `cogov demo --scale <scale> --seed <seed>` (in a child process, as a user would run it; on
   PostgreSQL it writes through COPY, cogov/demo/writers.py).
2. The dashboards' year: `cases` more cases (CASES[scale]; 10 M is the issue's figure) written by
   one INSERT … SELECT over generate_series, drawn over the demo's grids, categories and lead
   organizations, spread over 2025 with the demo's mix of paths (closed after a revisit, handled
   on the spot, answered, void, still open), response and reply deadlines met or missed, and
   revisit answers. Numbers start with "B" (the demo's with "D", real ones with "G"). They carry
   the case columns the case metrics read (docs/cases/metrics.md: the dispatch, contact, reply,
   check, revisit and close stamps and due times, the revisit answers); they have no CaseEvent
   rows (the three rates do not read events; the demo's cases have theirs).
   For speed the insert runs in two sessions side by side (a slice of the numbers each), the
   case table's secondary indexes and unique constraints are dropped before and rebuilt after
   (two index builds at a time), and foreign-key triggers are off for the insert
   (`session_replication_role = replica`: the rows draw their foreign keys from the tables they
   point at, so they hold by construction). A failure part-way leaves no marker, so the next
   run rebuilds from an empty database.
3. The steady state of a running platform: the demo's deadlines that fell due since the demo's
   "today" are marked breached, as the worker's sweep would have done (without its
   notifications), so that a worker started on this database has no backlog.
4. ANALYZE, and the marker table `bench_marker` (key "data": scale, seed, case count, version of
   this file and of cogov/demo), compared by the next run.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import psycopg.conninfo

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# Bulk cases for the dashboards' year, per scale: the issue's "a year of at least 10 million
# cases" at district scale (docs/benchmarks.md).
DISTRICT_CASES = 10_000_000
CASES = {"tiny": 20_000, "small": 500_000, "district": DISTRICT_CASES, "city": 30_000_000}
# Bump when the data this file builds changes: a database built by another version is rebuilt.
# (The demo code's hash is recorded too, but not compared: an edit to the demo elsewhere must
# not silently trigger a 10-minute rebuild in the middle of someone's benchmark run.)
DATA_VERSION = "2026-11-23.1"
YEAR = 2025  # the demo's cases lie in the year before its "today" (2026-01-01)


def demo_code_hash() -> str:
    h = hashlib.sha256()
    for path in sorted((ROOT / "cogov" / "demo").glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def ensure(
    ctx: Any, server: str, db_name: str, *, rebuild: bool, cases: int | None, seed: int
) -> dict[str, Any]:
    """Make sure the bench database holds the data for ctx.scale; returns what it holds."""
    started = time.perf_counter()
    want = {
        "scale": ctx.scale,
        "seed": seed,
        "cases": CASES[ctx.scale] if cases is None else cases,
        "version": DATA_VERSION,
    }
    db_url = ctx.database_url
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
    found = raw_marker(db_url) if exists else None
    reuse = found is not None and all(found.get(k) == v for k, v in want.items())
    if exists and (rebuild or not reuse):
        # Other data (another seed, scale, count or version), or a half-built one: start empty.
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{db_name}" WITH (FORCE)')
        exists = None
        reuse = False
    if not exists:
        with psycopg.connect(server, autocommit=True) as conn:
            create_database(conn, db_name)

    import django

    django.setup()
    from django.core.management import call_command

    # Always: other work may have added migrations since the data was built.
    call_command("migrate", verbosity=0, interactive=False)
    if reuse and found is not None:
        return {
            **found,
            "built_in_seconds": found.get("seconds"),
            "status": "reused",
            "seconds": round(time.perf_counter() - started, 1),
        }
    # The empty migrated schema, kept for the loading benchmark (b_loading clones it).
    from django.db import connections

    connections.close_all()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}_empty" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}_empty" TEMPLATE "{db_name}"')
    info = build(ctx, want)
    info["demo_code"] = demo_code_hash()
    info["status"] = "built"
    info["seconds"] = round(time.perf_counter() - started, 1)
    write_marker(info)
    return info


def create_database(conn: Any, name: str) -> None:
    """CREATE DATABASE with the C collation: text compares byte by byte, the order of UTF-8
    code points, which is also the order of the server's usual C.UTF-8 (so every ORDER BY gives
    the same rows), but PostgreSQL sorts it with memcmp and abbreviated keys instead of
    strcoll: the index builds over the bulk cases are about twice as fast (docs/benchmarks.md).
    The character classes (LC_CTYPE) stay the server's."""
    from psycopg import sql

    row = conn.execute("SELECT datctype FROM pg_database WHERE datname = 'template1'").fetchone()
    conn.execute(
        sql.SQL(
            "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE {}"
        ).format(sql.Identifier(name), sql.Literal(row[0] if row else "C"))
    )


def raw_marker(db_url: str) -> dict[str, Any] | None:
    """The marker of a database, read before Django is set up (None: no data built)."""
    with psycopg.connect(db_url) as conn:
        if conn.execute("SELECT to_regclass('bench_marker')").fetchone()[0] is None:  # type: ignore[index]
            return None
        row = conn.execute("SELECT value FROM bench_marker WHERE key = 'data'").fetchone()
    return dict(row[0]) if row else None


def write_marker(info: dict[str, Any]) -> None:
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_marker (key text PRIMARY KEY, value jsonb NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO bench_marker (key, value) VALUES ('data', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(info, default=str)],
        )


def build(ctx: Any, want: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = dict(want)
    t0 = time.perf_counter()
    demo = run_demo(ctx.scale, want["seed"], ctx.out / "demo.log")
    info["demo_seconds"] = round(time.perf_counter() - t0, 1)
    info["demo_command_seconds"] = demo.get("seconds")
    info["demo_cpu_seconds"] = demo.get("cpu_seconds")
    info["demo_rows"] = demo_rows()
    print(
        f"bench: demo {ctx.scale}: {info['demo_rows']:,} rows in {info['demo_seconds']:.1f} s",
        flush=True,
    )
    t1 = time.perf_counter()
    info["cases_done"] = bulk_cases(want["cases"], want["seed"])
    info["cases_seconds"] = round(time.perf_counter() - t1, 1)
    print(f"bench: {info['cases_done']:,} bulk cases in {info['cases_seconds']:.1f} s", flush=True)
    t2 = time.perf_counter()
    info["deadlines_swept"] = settle_deadlines()
    analyze()
    info["settle_seconds"] = round(time.perf_counter() - t2, 1)
    info["cases_total"] = case_count()
    return info


def run_demo(scale: str, seed: int, log: Path) -> dict[str, Any]:
    """`cogov demo` in a child process (its own memory, its own figure); returns its timing."""
    env = dict(os.environ)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cogov",
            "demo",
            "--scale",
            scale,
            "--seed",
            str(seed),
            "--no-progress",
            "--force",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"cogov demo --scale {scale} failed (exit {proc.returncode}):\n{tail}")
    match = re.search(r"loaded in ([\d.]+) s \(([\d.]+) s CPU\)", proc.stdout)
    if not match:
        return {}
    return {"seconds": float(match[1]), "cpu_seconds": float(match[2])}


DEMO_COUNTED = [
    "territory_node",
    "accounts_user",
    "organizations_organization",
    "territory_building",
    "territory_household",
    "territory_propertyunit",
    "people_person",
    "people_ownership",
    "people_partymember",
    "accounts_membership",
    "people_verification",
    "cases_case",
    "cases_caseevent",
    "core_deadline",
    "cases_whistle",
    "cases_whistlereport",
]


def demo_rows() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        total = 0
        for table in DEMO_COUNTED:
            cursor.execute(f"SELECT count(*) FROM {table}")
            total += cursor.fetchone()[0]
    return total


def case_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        return int(cursor.fetchone()[0])


# --- the bulk cases ----------------------------------------------------------------------------

SESSIONS = 2  # the bulk insert and the index builds, side by side (one per core here)
_CATEGORIES = (
    "SELECT (row_number() OVER (ORDER BY code))::int - 1 AS n, id, urgency"
    " FROM cases_category WHERE active AND parent_id IS NOT NULL"
)


def bulk_cases(
    count: int, seed: int, *, sessions: int = SESSIONS, prefix: str = f"B{YEAR}-"
) -> int:
    """INSERT … SELECT `count` cases over the demo's grids, in `sessions` sessions side by side
    (each a slice of the numbers, its own random stream); returns the number written.

    The case table's secondary indexes and unique constraints are dropped first and rebuilt
    after, the sessions sharing the index builds too. This is not one transaction: a failure
    part-way leaves the table without some of its indexes, so the build raises, no marker is
    written, and the next run starts from an empty database (`ensure`)."""
    if count <= 0:
        return 0
    from cogov.demo.case_story import DESCRIPTIONS

    grids = _grid_rows()
    if not grids:
        raise RuntimeError("no demo grids: the demo did not load")
    conninfo = _conninfo()
    with psycopg.connect(conninfo) as conn:
        n_cat = conn.execute(f"SELECT count(*) FROM ({_CATEGORIES}) c").fetchone()[0]  # type: ignore[index]
        if not n_cat:
            raise RuntimeError("no active case categories (cases' data migration)")
        indexes, constraints = _drop_indexes(conn, "cases_case")
    sessions = max(1, min(sessions, count))
    edges = [1 + count * k // sessions for k in range(sessions + 1)]
    params = {
        "n_grid": len(grids),
        "n_cat": n_cat,
        "seed": seed,
        "year_start": f"{YEAR}-01-01 00:00:00+08",
        "year_end": f"{YEAR + 1}-01-01 00:00:00+08",
        "descriptions": DESCRIPTIONS,  # the demo's own (cogov/demo/case_story.py)
        "prefix": prefix,
    }

    def insert(k: int) -> int:
        with psycopg.connect(conninfo) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute(
                "CREATE TEMP TABLE bench_grid (n int PRIMARY KEY, grid_id bigint,"
                " community_id bigint, street_id bigint, path text, lon float8, lat float8,"
                " leads bigint[])"
            )
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO bench_grid VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", grids
                )
            conn.execute(f"CREATE TEMP TABLE bench_cat AS {_CATEGORIES}")
            conn.execute("SELECT setseed(%s)", [((seed * 31 + k) % 1000) / 1000])
            done = conn.execute(_INSERT, {**params, "first": edges[k], "last": edges[k + 1] - 1})
            return int(done.rowcount)

    with ThreadPoolExecutor(sessions) as pool:
        written = sum(pool.map(insert, range(sessions)))
    _build_indexes(conninfo, indexes, sessions)
    with psycopg.connect(conninfo) as conn:
        for sql in constraints:
            conn.execute(sql)
    return written


def _conninfo() -> str:
    """The bench database's connection string (Django's default connection settings)."""
    from django.db import connection

    s = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=s["NAME"],
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        host=s.get("HOST") or None,
        port=str(s["PORT"]) if s.get("PORT") else None,
    )


def _grid_rows() -> list[tuple[Any, ...]]:
    from shapely.geometry import shape

    from cogov.organizations.models import Organization
    from cogov.territory.models import Node

    nodes = {n.pk: n for n in Node.objects.only("pk", "level", "parent_id", "path", "geometry")}
    leads: dict[int, list[int]] = {}
    for pk, node_id in (
        Organization.objects.filter(
            kind__in=["property_company", "residents_committee", "social_org"]
        )
        .order_by("pk")
        .values_list("pk", "node_id")
    ):
        leads.setdefault(node_id, []).append(pk)
    rows = []
    grids = sorted((n for n in nodes.values() if n.level == "grid"), key=lambda n: n.path)
    for i, g in enumerate(grids):
        community = nodes.get(g.parent_id)
        street = nodes.get(community.parent_id) if community else None
        centre = shape(g.geometry).centroid if g.geometry else None
        rows.append(
            (
                i,
                g.pk,
                community.pk if community else None,
                street.pk if street else None,
                g.path,
                centre.x if centre else None,
                centre.y if centre else None,
                leads.get(community.pk if community else 0) or None,
            )
        )
    return rows


def _drop_indexes(conn: Any, table: str) -> tuple[list[str], list[str]]:
    """Drop the table's secondary indexes and unique constraints (not the primary key), in one
    transaction; returns the CREATE INDEX statements that rebuild them (a unique constraint's
    as a unique index) and the ALTER TABLE statements that turn those back into constraints
    (quick: `ADD CONSTRAINT … USING INDEX` adopts the built index)."""
    with conn.transaction():
        constraints = conn.execute(
            "SELECT c.conname, pg_get_indexdef(c.conindid) FROM pg_constraint c"
            " WHERE c.conrelid = %s::regclass AND c.contype = 'u'",
            [table],
        ).fetchall()
        indexes = conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [table],
        ).fetchall()
        for name, _definition in constraints:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            conn.execute(f"DROP INDEX {name}")
    builds = [definition for _name, definition in constraints + indexes]
    adopt = [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"'
        for name, _definition in constraints
    ]
    return builds, adopt


def _sort_memory_mb(sessions: int) -> int:
    """Sort memory per index build: enough to sort 10 M keys in memory (2 GB; 512 MB spilled to
    disk and took 40 % longer), at most an eighth of the RAM among the sessions."""
    ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return max(64, min(2048, ram_mb // 8 // max(1, sessions)))


def _build_indexes(conninfo: str, statements: list[str], sessions: int) -> None:
    """Run the CREATE INDEX statements in `sessions` sessions at once (CREATE INDEX takes a
    lock that lets other index builds on the table proceed), each taking the next one."""
    queue = list(statements)

    def build() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"SET maintenance_work_mem = '{_sort_memory_mb(sessions)}MB'")
            # The sessions are the parallelism: no workers of their own (measured: two
            # sessions with two workers each were slower on 2 cores than one session).
            conn.execute("SET max_parallel_maintenance_workers = 0")
            while queue:
                try:
                    sql = queue.pop(0)
                except IndexError:
                    return
                conn.execute(sql)

    with ThreadPoolExecutor(sessions) as pool:
        for _ in pool.map(lambda _k: build(), range(sessions)):
            pass


# Intervals are written in hours, not days: adding days to a timestamptz goes through the
# calendar in the session's time zone, adding hours is one addition (the insert is CPU-bound;
# China keeps no daylight saving time, so the stamps are the same).
# Paths (shares as in the demo, docs/demo.md): p < .10 on the spot, < .14 answered (consultation),
# < .17 void, < .22 open and handling, < .24 new, else dispatched and closed (with a revisit when
# the caller left a phone: hotline, three in four).
_INSERT = """
INSERT INTO cases_case (
    uuid, number, channel, work_type, category_id, description, lon, lat, address,
    grid_id, community_id, street_id, territory_path, caller_name, caller_phone, anonymous,
    urgency, status, lead_organization_id, reply, reported_at, dispatched_at, signed_at,
    contacted_at, replied_at, checked_at, revisited_at, closed_at, response_due_at, reply_due_at,
    check_due_at, overdue, supervised, revisit_resolution, revisit_satisfaction
)
SELECT
    md5(%(seed)s::text || '-bench-' || i)::uuid,
    %(prefix)s || lpad(i::text, 8, '0'),
    CASE WHEN path_kind = 'on_spot' OR NOT requester THEN 'grid_worker' ELSE 'hotline' END,
    CASE WHEN path_kind = 'answer' THEN 'consultation' ELSE 'request' END,
    category_id,
    (%(descriptions)s::text[])[1 + (i %% 10)],
    lon + (jx - 0.5) * 0.004, lat + (jy - 0.5) * 0.004, '',
    grid_id, community_id, street_id, path, '',
    CASE WHEN requester AND path_kind <> 'on_spot'
         THEN '139' || lpad((i::bigint * 7919 %% 100000000)::text, 8, '0') ELSE '' END,
    false, urgency,
    CASE path_kind WHEN 'on_spot' THEN 'closed' WHEN 'answer' THEN 'closed' WHEN 'void' THEN 'void'
                   WHEN 'open' THEN 'handling' WHEN 'new' THEN 'reported' ELSE 'closed' END,
    CASE WHEN dispatched IS NOT NULL AND leads IS NOT NULL
         THEN leads[1 + floor(lead * cardinality(leads))::int] END,
    CASE WHEN path_kind IN ('on_spot', 'closed') THEN '已处理完毕'
         WHEN path_kind = 'answer' THEN '已电话答复咨询事项' ELSE '' END,
    reported,
    dispatched,
    CASE WHEN dispatched IS NOT NULL THEN dispatched + d4 * interval '10 hours' END,
    contacted,
    CASE WHEN path_kind IN ('on_spot', 'answer')
         THEN reported + interval '1 hour' + d5 * interval '3 hours' ELSE replied END,
    CASE WHEN replied IS NOT NULL THEN replied + (1 + d4 * 47) * interval '1 hour' END,
    CASE WHEN replied IS NOT NULL AND requester
         THEN replied + (49 + d5 * 47) * interval '1 hour' END,
    CASE WHEN path_kind IN ('on_spot', 'answer')
         THEN reported + interval '1 hour' + d5 * interval '3 hours'
         WHEN replied IS NOT NULL THEN replied + (100 + d4 * 48) * interval '1 hour' END,
    dispatched + interval '24 hours',
    dispatched + interval '168 hours',
    CASE WHEN replied IS NOT NULL THEN replied + interval '48 hours' END,
    (path_kind = 'open'
     AND dispatched + interval '168 hours' < %(year_end)s::timestamptz),
    false,
    CASE WHEN replied IS NOT NULL AND requester
         THEN CASE WHEN res < 0.80 THEN 'resolved' WHEN res < 0.94 THEN 'partly'
                   ELSE 'unresolved' END ELSE '' END,
    CASE WHEN replied IS NOT NULL AND requester
         THEN CASE WHEN sat < 0.74 THEN 'satisfied' WHEN sat < 0.90 THEN 'fairly'
                   WHEN sat < 0.97 THEN 'dissatisfied' ELSE 'unrated' END ELSE '' END
FROM (
    SELECT t.*,
           CASE WHEN dispatched IS NOT NULL AND (path_kind = 'closed' OR t.d2 < 0.6)
                THEN dispatched + CASE WHEN t.d2 < 0.93 THEN t.d2 * interval '22 hours'
                                       ELSE interval '25 hours' + t.d3 * interval '48 hours' END
           END AS contacted,
           CASE WHEN path_kind = 'closed'
                THEN dispatched + (6 + t.d3 * 170) * interval '1 hour' END AS replied,
           (t.ch < 0.75 OR path_kind <> 'closed') AS requester
    FROM (
        SELECT s.*,
               CASE WHEN path_kind IN ('open', 'closed')
                    THEN reported + (10 + s.d1 * 590) * interval '1 minute' END AS dispatched
        FROM (
            SELECT d.*, g.grid_id, g.community_id, g.street_id, g.path, g.lon, g.lat, g.leads,
                   cat.id AS category_id, cat.urgency,
                   CASE WHEN d.p < 0.10 THEN 'on_spot' WHEN d.p < 0.14 THEN 'answer'
                        WHEN d.p < 0.17 THEN 'void' WHEN d.p < 0.22 THEN 'open'
                        WHEN d.p < 0.24 THEN 'new' ELSE 'closed' END AS path_kind,
                   %(year_start)s::timestamptz + d.t * interval '8736 hours' AS reported
            FROM (
                SELECT i, random() AS p, random() AS t, floor(random() * %(n_grid)s)::int AS g,
                       floor(random() * %(n_cat)s)::int AS c, random() AS ch, random() AS d1,
                       random() AS d2, random() AS d3, random() AS d4, random() AS d5,
                       random() AS res, random() AS sat, random() AS lead, random() AS jx,
                       random() AS jy
                FROM generate_series(%(first)s::int, %(last)s::int) AS i
            ) d
            JOIN bench_grid g ON g.n = d.g
            JOIN bench_cat cat ON cat.n = d.c
        ) s
    ) t
) stamped
"""


def settle_deadlines() -> int:
    """Mark open deadlines that fell due before now breached (the sweep's state change, without
    its notifications), so a worker starting on this database has no backlog."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_deadline SET breached_at = due_at WHERE due_at < now()"
            " AND met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"
        )
        return int(cursor.rowcount)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
