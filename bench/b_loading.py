"""Loading: rows per second of `cogov demo` against COPY of the same rows (issue 10, item 7).

1. An empty migrated database (`<bench db>_empty`, kept and migrated each run) is cloned twice
   (CREATE DATABASE … TEMPLATE): `…_demo` and `…_copy`.
2. `cogov demo --scale <s>` runs into `…_demo` in a child process, as a user runs it (on
   PostgreSQL it writes through COPY, cogov/demo/writers.py; the case activity and the
   cooperation and volunteering stories go through bulk_create and the apps' actions).
   The figure: the rows it wrote (every table's rows beyond the empty database's) / its wall time.
3. Every table of `…_demo` is dumped with COPY TO into memory; `…_copy` is emptied (TRUNCATE,
   not timed) and the dumps are loaded back with COPY FROM, in one timed transaction, with every
   index and constraint in place (foreign keys are checked at commit): the limit.
4. The split: the generator's base-table rows produced with no database at all
   (`DigestWriter`), against the command's whole time.

The loading scale is LOAD_SCALE[ctx.scale] (small for a district run: the district's own build
is the data build; its time is in the report's data section when it was built in the run).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from data import create_database
from harness import Context, Figure, share

NAME = "loading"
TITLE = "Loading: cogov demo against COPY of the same rows"

LOAD_SCALE = {"tiny": "tiny", "small": "small", "district": "small", "city": "small"}
ROOT = Path(__file__).resolve().parent.parent


def _url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def _migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.run(
        [sys.executable, "-m", "cogov", "migrate", "-v0", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise RuntimeError(f"migrate {url}: {proc.stderr.strip().splitlines()[-1:]}")


def _table_counts(conn: Any) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def run(ctx: Context) -> list[Figure]:
    import psycopg

    server = ctx.scratch.get("server_url") or ctx.database_url
    base = urlsplit(ctx.database_url).path.lstrip("/")
    empty, demo_db, copy_db = f"{base}_empty", f"{base}_demo", f"{base}_copy"
    scale = LOAD_SCALE[ctx.scale]

    with psycopg.connect(server, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [empty]).fetchone():
            create_database(admin, empty)
    _migrate(_url(server, empty))
    with psycopg.connect(server, autocommit=True) as admin:
        for name in (demo_db, copy_db):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{empty}"')
    with psycopg.connect(_url(server, empty)) as conn:
        before = _table_counts(conn)

    # 2. The demo, as a user runs it.
    env = {**os.environ, "DATABASE_URL": _url(server, demo_db)}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "cogov", "demo", "--scale", scale, "--no-progress"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    demo_wall = time.perf_counter() - started
    (ctx.out / "loading-demo.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode:
        raise RuntimeError(f"cogov demo failed: {proc.stderr.strip().splitlines()[-3:]}")
    m = re.search(r"loaded in ([\d.]+) s \(([\d.]+) s CPU\)", proc.stdout)
    build_s, build_cpu = (float(m[1]), float(m[2])) if m else (demo_wall, 0.0)

    # 3. Dump every table the demo wrote to, load it back with COPY.
    with psycopg.connect(_url(server, demo_db)) as conn:
        after = _table_counts(conn)
        written = {t: n - before.get(t, 0) for t, n in after.items() if n != before.get(t, 0)}
        dumps: dict[str, bytes] = {}
        for table in after:
            if after[table]:
                buf = io.BytesIO()
                with conn.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
                    for chunk in copy:
                        buf.write(chunk)
                dumps[table] = buf.getvalue()
    rows = sum(written.values())
    with psycopg.connect(_url(server, copy_db)) as conn:
        tables = ", ".join(f'"{t}"' for t in before)
        with conn.transaction():
            conn.execute(f"TRUNCATE {tables} CASCADE")  # the data migrations' rows
        started = time.perf_counter()
        with conn.transaction():
            for table, data in dumps.items():
                with conn.cursor().copy(f'COPY "{table}" FROM STDIN') as copy:
                    copy.write(data)
        copy_s = time.perf_counter() - started
        copied = sum(after.values())
    with psycopg.connect(server, autocommit=True) as admin:
        for name in (demo_db, copy_db):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # 4. The generator alone (no database).
    from cogov.demo.builder import build
    from cogov.demo.tables import TABLES
    from cogov.demo.writers import DigestWriter

    started = time.perf_counter()
    report = build(
        scale, 1, writer=DigestWriter(digest=False), start_ids={t.name: 1 for t in TABLES}
    )
    gen_s = time.perf_counter() - started
    base_rows = sum(report.rows.values())

    demo_rate = rows / demo_wall
    copy_rate = copied / copy_s
    extra: dict[str, Any] = {
        "scale": scale,
        "rows_written_by_demo": rows,
        "rows_copied": copied,
        "tables": len(written),
        "largest_tables": dict(sorted(written.items(), key=lambda kv: -kv[1])[:8]),
        "demo_wall_s": round(demo_wall, 2),
        "demo_build_s": build_s,
        "demo_build_cpu_s": build_cpu,
        "django_start_and_migrate_check_s": round(demo_wall - build_s, 2),
        "copy_s": round(copy_s, 2),
        "generator_base_rows": base_rows,
        "generator_only_s": round(gen_s, 2),
        "generator_rows_per_s": round(base_rows / gen_s),
    }
    data = ctx.scratch.get("data", {})
    if data.get("status") == "built" and data.get("demo_rows"):
        extra["this_runs_data_build"] = {
            "scale": ctx.scale,
            "demo_rows": data["demo_rows"],
            "demo_seconds": data["demo_seconds"],
            "rows_per_s": round(data["demo_rows"] / data["demo_seconds"]),
        }
    return [
        Figure(
            f"cogov demo --scale {scale} (PostgreSQL, COPY writer)",
            demo_rate,
            "rows/s",
            "COPY FROM of the same rows into the same schema, indexes and constraints in place",
            copy_rate,
            "rows/s",
            share(demo_rate, copy_rate),
            notes=(
                f"The generator alone makes the base tables' {base_rows:,} rows in "
                f"{gen_s:.1f} s ({base_rows / gen_s:,.0f} rows/s) without a database: names, "
                "identity numbers, search text (jieba) and geometry in Python are most of the "
                "demo's time, then the case activity (model instances and bulk_create: each "
                "case walks its workflow path with its events) and the cooperation and "
                "volunteering stories through the apps' actions (row by row, with audit and "
                "notifications). COPY is the floor of the writing alone. Next steps: the case "
                "activity through the COPY writer as tuples; generation spread over processes "
                "(one per street: the streams are already per community)."
            ),
            extra=extra,
        ),
        Figure(
            "demo generator alone (base tables, no database)",
            base_rows / gen_s,
            "rows/s",
            "COPY FROM of the same rows into the same schema, indexes and constraints in place",
            copy_rate,
            "rows/s",
            share(base_rows / gen_s, copy_rate),
            notes="Python generation only: what no writer can go below.",
            extra={"generator_only_s": round(gen_s, 2), "rows": base_rows},
        ),
    ]
