import pytest

from cogov.territory import lookup


@pytest.fixture(autouse=True)
def _fresh_grid_index():  # type: ignore[no-untyped-def]
    lookup.invalidate()
    yield
    lookup.invalidate()
