"""README.md stays true: its commands exist and its demo accounts are the real ones."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["./dev run", "./dev test"]


def test_dev_help_lists_every_command():
    result = subprocess.run(
        [str(ROOT / "dev"), "help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    for command in ("run", "test", "quick", "help"):
        assert re.search(rf"^  {command}\b", result.stdout, re.M), command


def test_dev_rejects_an_unknown_command():
    result = subprocess.run(
        [str(ROOT / "dev"), "deploy"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 1
    assert "unknown command: deploy" in result.stderr


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    assert re.search(r"^\./dev test$", ci, re.M)


def test_readme_lists_the_demo_accounts():
    from cogov.demo import accounts

    section = README.split("<!-- demo-accounts -->")[1].split("<!-- /demo-accounts -->")[0]
    assert f"`{accounts.DEMO_PASSWORD}`" in section
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) == len(accounts.DEMO_ACCOUNTS)
    for row, account in zip(rows, accounts.DEMO_ACCOUNTS, strict=True):
        assert row.startswith(f"| `{account.username}` | {account.role} ")
        assert row.endswith(f"| {account.scope} |")
