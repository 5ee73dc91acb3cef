"""Fixtures for the case pages: a fresh point-to-grid index and a private media folder."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cogov.territory import lookup

# The smallest valid PNG (1×1 pixel).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _fresh_grid_index_and_media(settings: Any, tmp_path: Any):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    lookup.invalidate()
    yield
    lookup.invalidate()


def photo(name: str = "p.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")
