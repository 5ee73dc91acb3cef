"""Fixtures for the Open311 tests: a fresh point-to-grid index, an issued key, a spec checker."""

from __future__ import annotations

import pytest

from cogov.open311 import actions
from cogov.territory import lookup

from ..world import World


@pytest.fixture(autouse=True)
def _fresh_grid_index():  # type: ignore[no-untyped-def]
    lookup.invalidate()
    yield
    lookup.invalidate()


@pytest.fixture
def api_key(world: World) -> str:
    """A raw key of the property company, issued by the administrator."""
    _key, raw = actions.issue_api_key(
        actor=world.users["admin"], organization=world.orgs["property"], name="小程序"
    )
    return raw
