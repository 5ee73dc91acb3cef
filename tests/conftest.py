from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .world import World, build_world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def client_for(world: World):  # type: ignore[no-untyped-def]
    """A logged-in test client for a persona: client_for("community_worker")."""

    def make(persona: str) -> Client:
        client = Client()
        client.force_login(world.users[persona])
        return client

    return make


@pytest.fixture
def english(settings: Any) -> Any:
    """Run a test in English: messages of actions (translation.override) and pages requested
    without a language cookie or Accept-Language (LANGUAGE_CODE). The default is zh-hans; use this
    in tests that assert on the English msgids."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
