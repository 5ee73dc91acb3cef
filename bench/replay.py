"""pgbench as the limit of the HTTP benchmarks: PostgreSQL's own rate for a custom script at the
same concurrency (with the per-transaction latencies from its log), and the script made from the
SQL of one real request (`captured`, `replay_script`): the same INSERTs and UPDATEs in the same
order and transaction, so that a change to an action changes the limit with it. Also the marks
and deletes that remove what both sides wrote.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadgen import cores, percentile

# --- pgbench ----------------------------------------------------------------------------------


@dataclass
class PgbenchResult:
    tps: float
    transactions: int
    failed: int
    latencies: list[float]  # seconds, from pgbench's per-transaction log
    output: str

    def summary(self) -> dict[str, Any]:
        return {
            "tps": round(self.tps, 1),
            "transactions": self.transactions,
            "failed": self.failed,
            "p50_ms": round(percentile(self.latencies, 50) * 1000, 2),
            "p95_ms": round(percentile(self.latencies, 95) * 1000, 2),
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 2),
        }


def pgbench_path() -> str:
    found = shutil.which("pgbench")
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True):
        return str(candidate)
    raise RuntimeError("pgbench not found (apt-get install postgresql-client)")


def pgbench(
    database_url: str,
    script: str,
    *,
    clients: int,
    duration: float | None = None,
    transactions: int | None = None,
    defines: dict[str, Any] | None = None,
    work_dir: Path,
    name: str = "bench",
) -> PgbenchResult:
    """Run `script` (pgbench's custom-script language) with `clients` connections, for
    `duration` seconds or `transactions` per client; no vacuum, no pgbench tables."""
    work_dir.mkdir(parents=True, exist_ok=True)
    script_path = work_dir / f"{name}.pgbench.sql"
    script_path.write_text(script)
    log_dir = Path(tempfile.mkdtemp(prefix="pgbench-", dir=work_dir))
    command = [
        pgbench_path(),
        "-n",
        "-f",
        str(script_path),
        "-c",
        str(clients),
        "-j",
        str(min(clients, max(cores(), 1))),
        "-M",
        "prepared",
        "--log",
        "--log-prefix",
        str(log_dir / "tx"),
    ]
    if duration is not None:
        command += ["-T", str(max(1, round(duration)))]
    else:
        command += ["-t", str(transactions)]
    for key, value in (defines or {}).items():
        command += ["-D", f"{key}={value}"]
    command.append(database_url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    (work_dir / f"{name}.pgbench.out").write_text(output)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}): {output[-2000:]}")
    tps = float(re.search(r"tps = ([\d.]+)", output).group(1))  # type: ignore[union-attr]
    processed = int(
        re.search(r"number of transactions actually processed: (\d+)", output).group(1)  # type: ignore[union-attr]
    )
    failed_match = re.search(r"number of failed transactions: (\d+)", output)
    latencies = list(_pgbench_log(log_dir))
    shutil.rmtree(log_dir, ignore_errors=True)
    return PgbenchResult(
        tps, processed, int(failed_match.group(1)) if failed_match else 0, latencies, output
    )


def _pgbench_log(log_dir: Path) -> Iterator[float]:
    # client_id transaction_no time script_no time_epoch time_us [...]; time in microseconds
    for path in log_dir.iterdir():
        with path.open() as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    yield int(parts[2]) / 1e6


def sql_literal(value: Any) -> str:
    """A value as an SQL literal for a pgbench script (strings quoted, None as NULL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


# --- the SQL of one request, replayed by pgbench ----------------------------------------------

UUID_LITERAL = re.compile(r"'[0-9a-f]{32}'::uuid\b")
UUID_ARRAY = re.compile(r"'\{([0-9a-f]{32}(?:,[0-9a-f]{32})*)\}'::uuid\[\]")
TIMESTAMP = re.compile(r"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?[+-]\d\d:\d\d'::timestamptz\b")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"(\w+)"', re.IGNORECASE)


def captured(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Run `call` in this process and return its result and the SQL it sent, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, [q["sql"] for q in queries.captured_queries]


def writes(statements: list[str]) -> list[tuple[str, str]]:
    """(verb, table) of every INSERT, UPDATE and DELETE, in order."""
    found = []
    for sql in statements:
        m = WRITE.match(sql)
        if m:
            found.append((m.group(1).split()[0].upper(), m.group(2)))
    return found


def replay_script(
    statements: list[str],
    *,
    replace: Sequence[tuple[str | re.Pattern[str], str]] = (),
    gset: dict[str, str] | None = None,
    keep_selects: bool = False,
) -> str:
    """A pgbench script replaying the writes of one captured request: each INSERT, UPDATE and
    DELETE, and SELECT … FOR UPDATE, in their order and inside the same BEGIN … COMMIT. New
    UUIDs become gen_random_uuid(), timestamps now(); `replace` swaps literal texts for pgbench
    expressions (a case id for :case_id …); `gset` {table: variable} stores the id an INSERT
    into that table returns (`RETURNING … \\gset`). Plain SELECTs (the app's reads) are left
    out unless `keep_selects`."""
    lines: list[str] = []
    for sql in statements:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head in ("SAVEPOINT", "RELEASE"):
            continue
        if head in ("BEGIN", "COMMIT", "ROLLBACK"):
            lines.append(head + ";")
            continue
        is_write = WRITE.match(sql) is not None
        if head == "SELECT" and not (keep_selects or sql.rstrip().upper().endswith("FOR UPDATE")):
            continue
        if not is_write and head != "SELECT":
            continue
        text = UUID_LITERAL.sub("gen_random_uuid()", sql)
        text = UUID_ARRAY.sub(
            lambda m: (
                "(SELECT array_agg(gen_random_uuid()) FROM generate_series(1, "
                f"{m.group(1).count(',') + 1}))"
            ),
            text,
        )
        text = TIMESTAMP.sub("now()", text)
        for old, new in replace:
            text = old.sub(new, text) if isinstance(old, re.Pattern) else text.replace(old, new)
        text = " ".join(text.split())  # one line: pgbench reads a command up to its semicolon
        m = WRITE.match(sql)
        if gset and m and m.group(2) in gset and " RETURNING " in text:
            before, _, returning = text.rpartition(" RETURNING ")
            column = returning.split(",")[0].strip()
            lines.append(f"{before} RETURNING {column} AS {gset[m.group(2)]} \\gset")
        else:
            lines.append(text + ";")
    return "\n".join(lines) + "\n"


def high_water(tables: list[str]) -> dict[str, int]:
    """The largest id of each table now (rows above it are this run's)."""
    from django.db import connection

    marks = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
            marks[table] = cursor.fetchone()[0]
    return marks


def delete_above(marks: dict[str, int], order: list[str]) -> dict[str, int]:
    """Delete the rows a run added (ids above the marks), children first; returns the counts."""
    from django.db import connection, transaction

    deleted = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for table in order:
            if table in marks:
                cursor.execute(f'DELETE FROM "{table}" WHERE id > %s', [marks[table]])
                deleted[table] = cursor.rowcount
    return deleted


def set_columns(sql: str, values: dict[str, str]) -> str:
    """In a one-row `INSERT INTO "t" ("a", "b", …) VALUES (x, y, …)`, put the given expressions
    in the named columns (quotes and parentheses inside the values are respected)."""
    m = re.match(r'(INSERT INTO "\w+" \()([^)]*)(\) VALUES \()(.*)(\)( RETURNING .*)?)$', sql, re.S)
    if not m:
        raise ValueError(f"not a one-row INSERT: {sql[:80]}")
    columns = [c.strip().strip('"') for c in m.group(2).split(",")]
    parts, depth, quoted, start, text = [], 0, False, 0, m.group(4)
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    if len(parts) != len(columns):
        raise ValueError(f"{len(columns)} columns but {len(parts)} values")
    parts = [values.get(c, v) for c, v in zip(columns, parts, strict=True)]
    return f"{m.group(1)}{m.group(2)}{m.group(3)}{', '.join(parts)}{m.group(5)}"
