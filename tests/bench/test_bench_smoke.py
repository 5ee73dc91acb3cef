"""The benchmark suite runs end to end: `bench/run.py --scale tiny --quick` on PostgreSQL writes
a JSON and a Markdown report with every benchmark present in bench/, each with its ratios."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.config.helpers import POSTGRES_URL, clean_env, require_service

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_suite_runs_at_tiny_scale_and_reports_every_ratio(tmp_path: Path) -> None:
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = POSTGRES_URL
    parts = urlsplit(server)
    require_service("PostgreSQL", parts.hostname or "127.0.0.1", parts.port or 5432)
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--scale",
            "tiny",
            "--quick",
            "--server",
            server,
            "--db",
            "cogov_bench_smoke",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=clean_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    markdown = (out / "report.md").read_text()
    present = sorted(p.stem for p in (ROOT / "bench").glob("b_*.py"))
    assert len(report["benchmarks"]) == len(present)
    for bench in report["benchmarks"]:
        assert bench["status"] == "ok", bench.get("error")
        assert bench["figures"], bench["name"]
        assert bench["seconds"] >= 0
        assert bench["title"] in markdown
        for figure in bench["figures"]:
            assert isinstance(figure["ratio"], float), figure
            assert figure["ratio"] > 0 and not math.isnan(figure["ratio"]), figure
            assert figure["limit"] >= 0, figure
            assert f"{figure['ratio']:.3f}" in markdown
    machine = report["machine"]
    for key in ("cpu", "cores", "ram_gb", "load_average", "os", "python", "git_commit"):
        assert machine[key], key
    pg = machine["postgresql"]
    for key in ("version", "shared_buffers", "max_connections", "synchronous_commit", "fsync"):
        assert pg[key], key
    assert report["load_average_after"]
    assert report["data"]["scale"] == "tiny"
