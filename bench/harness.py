"""The shape every benchmark shares (the runner is `bench/run.py`).

A benchmark is a module `bench/b_<name>.py` with

    NAME = "case_intake"            # key in the report
    TITLE = "Case intake over HTTP"  # heading in the report

    def run(ctx: Context) -> list[Figure]: ...

Each `Figure` is a measurement set against a limit measured in the same run, on the same
machine (pgbench on the same tables, a vectorised shapely baseline, a raw GROUP BY, COPY of
the same rows …), so that the ratio means the same on a quiet and on a loaded machine.

What the runner guarantees before calling `run(ctx)`: the data of `ctx.scale` is in the database
`ctx.database_url` (bench/data.py; docs/benchmarks.md lists what it holds), `django.setup()` has
run against it with DEBUG off, and `os.environ["DATABASE_URL"]` is `ctx.database_url` (child
processes inherit it). `ctx.scratch["server_url"]` is the server's maintenance URL (for scratch
databases), `ctx.scratch["data"]` what the data build reported. The runner closes the Django
connection after each benchmark; a benchmark that raises is reported as failed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    name: str  # what was measured, e.g. "requests per second"
    value: float
    unit: str
    limit_name: str  # what bounds it, e.g. "pgbench, same INSERTs and index updates"
    limit: float
    limit_unit: str
    # value / limit, or limit / value when lower is better (latency, seconds): always "share of
    # the limit reached", 1.0 = as fast as the limit.
    ratio: float
    notes: str = ""  # why it is far from the limit, what the next step would be
    extra: dict[str, Any] = field(default_factory=dict)  # p50/p95/p99, query counts, rows …

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def share(value: float, limit: float, *, lower_is_better: bool = False) -> float:
    """The share of the limit a figure reaches (1.0 = as good as the limit)."""
    if lower_is_better:
        return limit / value if value else float("inf")
    return value / limit if limit else float("inf")


@dataclass
class Context:
    scale: str  # cogov demo scale: tiny (smoke), small, district, city
    database_url: str  # PostgreSQL; the data is built once per scale and reused
    out: Path  # bench/out/<run>/: logs, the JSON and Markdown reports
    quick: bool = False  # smaller counts, for the smoke test in tests/bench
    scratch: dict[str, Any] = field(default_factory=dict)  # shared between benchmarks of a run
