"""Smoke test of the benchmarks of items 1, 4, 5, 6 and the web half of 8 (bench/b_intake.py,
b_lists.py, b_votes.py, b_campaign_visits.py): each runs with --quick through the suite's runner
on the tiny bench database and returns figures with finite, positive ratios, without failing
its own checks (every ballot and every visit counted exactly once, the tally equal to the raw
aggregate, the chain verified, the pgbench script writing what the request wrote)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINE = {"case_intake", "lists", "votes", "campaign_visits"}


def _postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        if os.environ.get("CI") == "true":
            pytest.fail("the benchmarks need PostgreSQL: DATABASE_URL is not a postgres:// URL")
        pytest.skip("the benchmarks need PostgreSQL (set DATABASE_URL)")
    return url


@pytest.mark.slow
def test_intake_lists_votes_and_visits_run_quick_and_check_themselves(tmp_path: Path) -> None:
    server = _postgres()
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--scale",
            "tiny",
            "--quick",
            "--only",
            "intake,lists,votes,campaign_visits",
            "--server",
            server,
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = json.loads((tmp_path / "report.json").read_text())
    results = {b["name"]: b for b in report["benchmarks"]}
    assert set(results) == MINE
    for name, result in results.items():
        assert result["status"] == "ok", (name, result.get("error"))
        assert result["figures"], name
        for figure in result["figures"]:
            assert math.isfinite(figure["ratio"]) and figure["ratio"] > 0, (name, figure)
    lists = results["lists"]["figures"]
    constant = [f for f in lists if f["name"].endswith("queries on page 50")]
    assert constant and all(f["value"] == f["limit"] for f in constant), constant
    votes = {f["name"]: f for f in results["votes"]["figures"]}
    tally = next(f for name, f in votes.items() if name.startswith("tally"))
    assert tally["extra"]["agree_exactly"] and tally["extra"]["verify_ok"]
