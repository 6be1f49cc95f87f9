from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login failure counters live in the cache; keep tests independent.
    cache.clear()
    yield
    cache.clear()
