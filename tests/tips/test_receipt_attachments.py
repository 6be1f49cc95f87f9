"""Issue 14: the tip receipt confirms that the attachments arrived (count and size of what
was stored, never their content); the public CSS styles the tip form on the appeal page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.tips.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db
CSS = Path(__file__).resolve().parents[2] / "fahndung" / "public" / "static" / "public" / "public.css"


def _post(published, **data):
    client = Client(enforce_csrf_checks=True)
    client.get(f"/hinweise/{published.slug}/")
    token = client.cookies.get("csrftoken")
    headers = {"HTTP_X_CSRFTOKEN": token.value} if token else {}
    return client.post(f"/hinweise/{published.slug}/", data, **headers)


def test_receipt_confirms_the_attachments_that_arrived(published):
    files = [upload("a.jpg", image_bytes()), upload("b.png", image_bytes("PNG", color="blue"))]
    r = _post(published, content="Gesehen in der S-Bahn", anonymous="true", attachments=files)
    assert r.status_code == 201
    html = r.content.decode()
    assert "2 Anhänge sind eingegangen" in html
    assert re.search(r"zusammen [\d,.]+\xa0(Bytes|KB)", html)


def test_receipt_without_attachment_says_none_arrived(published):
    r = _post(published, content="Gesehen in der S-Bahn", anonymous="true")
    assert r.status_code == 201
    assert "Ohne Anhang eingegangen" in r.content.decode()


def test_public_css_styles_the_tip_form():
    css = CSS.read_text()
    assert ".tip-form label" in css and ".tip-form textarea" in css
