"""Fixtures for the case tests: a JSON API client per persona, and helpers to drive a case."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from cogov.territory import lookup

from ..world import World, point


@pytest.fixture(autouse=True)
def _fresh_grid_index():  # type: ignore[no-untyped-def]
    # Each test builds its own world: the point-to-grid index must not remember the last one.
    lookup.invalidate()
    yield
    lookup.invalidate()


class Api:
    """A logged-in client speaking JSON to /api/cases/."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/cases/{path}", params)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/cases/{path}",
            json.dumps(body or {}, default=str),
            content_type="application/json",
        )


@pytest.fixture
def api(world: World, client_for):  # type: ignore[no-untyped-def]
    def make(persona: str) -> Api:
        return Api(client_for(persona))

    return make


def report_body(
    category: str = "0101", x: float = 0.5, y: float = 0.3, **extra: Any
) -> dict[str, Any]:
    lon, lat = point(x, y)
    return {
        "category": category,
        "description": "楼下垃圾堆积三天无人清理",
        "lon": lon,
        "lat": lat,
        **extra,
    }
