"""The directory map (docs/index.md) and the entry pages stay true as the tree grows."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INDEX = (ROOT / "docs" / "index.md").read_text()
PAGES = [
    "README.md",
    "docs/index.md",
    "docs/getting-started.md",
    "docs/deployment.md",
    "docs/recipes/add-a-role.md",
]


@pytest.mark.parametrize("page", PAGES)
def test_relative_links_resolve(page):
    path = ROOT / page
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", path.read_text()):
        if re.match(r"^[a-z]+:", target):
            continue
        assert (path.parent / target).exists(), f"{page} links to missing {target}"


def test_every_app_is_on_the_map():
    apps = sorted(p.parent.name for p in (ROOT / "cogov").glob("*/apps.py"))
    assert apps, "no apps found"
    missing = [app for app in apps if f"`cogov/{app}/`" not in INDEX]
    assert not missing, f"add these apps to docs/index.md: {missing}"


def test_every_top_level_entry_is_on_the_map():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    top = sorted({name.split("/")[0] for name in tracked})
    missing = [name for name in top if f"`{name}" not in INDEX]
    assert not missing, f"add these top-level entries to docs/index.md: {missing}"
