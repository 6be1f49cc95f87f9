from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.accounts.helpers import verified_client


@pytest.fixture
def staff_client():
    """staff_client(user) -> django Client with password + verified TOTP session."""
    return verified_client


@pytest.fixture
def png_bytes():
    def make(color=(200, 30, 30), size=(32, 24)) -> bytes:
        buf = io.BytesIO()
        Image.new("RGB", size, color).save(buf, format="PNG")
        return buf.getvalue()

    return make
