"""Malformed, oversized, wrong-type and hostile inputs: clear 400, no row, no file."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.db import DatabaseError

from fahndung.tips.models import OutboxMessage, Tip, TipAttachment, TipBlob
from tests.tips.conftest import image_bytes, mp4_bytes, upload

pytestmark = pytest.mark.django_db


def _nothing_stored(settings) -> None:
    assert Tip.objects.count() == 0
    assert TipBlob.objects.count() == 0 and TipAttachment.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    root = settings.PRIVATE_MEDIA_ROOT
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A few hundred bytes that claim 2.5 gigapixels (decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


HOSTILE = {
    "exe_as_jpg": ("evil.jpg", b"MZ\x90\x00" + b"\x00" * 200, "Dateityp"),
    "html_as_png": ("x.png", b"<!doctype html><script>alert(1)</script>", "Dateityp"),
    "svg": ("x.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "Dateityp"),
    "zip": ("photos.zip", b"PK\x03\x04" + b"\x00" * 100, "Dateityp"),
    "empty": ("leer.jpg", b"", "leer"),
    "truncated_jpeg": ("kaputt.jpg", b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x01" * 40, "beschädigt"),
    "png_bomb": ("bomb.png", png_bomb(), "zu groß"),
    "jpeg_zip_polyglot": ("poly.jpg", image_bytes() + b"PK\x03\x04payload" + b"PK\x05\x06" + b"\x00" * 18, "fremde Inhalte"),
    "jpeg_script_polyglot": ("poly2.jpg", image_bytes() + b"<script>fetch('/x')</script>", "fremde Inhalte"),
    "pdf_in_mp4": ("clip.mp4", mp4_bytes()[:40] + b"%PDF-1.7 hidden" + mp4_bytes()[40:], "fremde Inhalte"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_rejected_without_partial_data(case, submit, settings):
    name, data, fragment = HOSTILE[case]
    # A valid photo first: even then nothing of the request may be kept.
    response = submit(files=[upload("ok.jpg", image_bytes()), upload(name, data)])
    assert response.status_code == 400, (case, response.content)
    error = response.json()["error"]
    assert fragment in error["message"], (case, error)
    assert error["fields"]["attachments"]
    _nothing_stored(settings)


def test_accepted_types_by_magic_bytes_not_extension(submit):
    from fahndung.tips.models import TipBlob

    files = [upload("a.jpeg", image_bytes("JPEG")), upload("b.dat", image_bytes("PNG", color="blue")),
             upload("c.jpg", image_bytes("WEBP", color="green")), upload("d.mov", mp4_bytes())]
    response = submit(files=files)
    assert response.status_code == 201, response.content
    assert sorted(TipBlob.objects.values_list("content_type", flat=True)) == [
        "image/jpeg", "image/png", "image/webp", "video/mp4"]


def test_oversized_total_is_rejected(submit, settings):
    settings.FAHNDUNG_TIP_MAX_TOTAL_BYTES = 6000
    response = submit(files=[upload("a.mp4", mp4_bytes(4096)), upload("b.mp4", mp4_bytes(4096 + 256))])
    assert response.status_code == 400 and response.json()["error"]["code"] == "attachments_too_large"
    _nothing_stored(settings)


def test_content_length_above_cap_is_rejected_before_reading(submit, settings, api_client, published):
    settings.FAHNDUNG_TIP_MAX_TOTAL_BYTES = 1000
    response = api_client.generic("POST", f"/api/v1/public/appeals/{published.slug}/tips/", b"x" * 10,
                                  content_type="multipart/form-data; boundary=zzz", CONTENT_LENGTH="999999999")
    assert response.status_code == 400 and response.json()["error"]["code"] == "attachments_too_large"
    _nothing_stored(settings)


def test_too_many_files(submit, settings):
    settings.FAHNDUNG_TIP_MAX_FILES = 2
    response = submit(files=[upload(f"{i}.jpg", image_bytes(color=c)) for i, c in enumerate(["red", "blue", "green"])])
    assert response.status_code == 400 and response.json()["error"]["code"] == "too_many_files"
    settings.FAHNDUNG_TIP_MAX_FILES = 100
    response = submit(files=[upload(f"{i}.jpg", b"\xff\xd8\xff" + bytes([i])) for i in range(25)])
    assert response.status_code == 400  # DATA_UPLOAD_MAX_NUMBER_FILES
    _nothing_stored(settings)


def test_huge_field_count(submit, settings):
    response = submit(**{f"f{i}": "x" for i in range(500)})
    assert response.status_code == 400 and response.json()["error"]["code"] == "too_many_fields"
    _nothing_stored(settings)


def _raw_multipart(fields: dict[str, bytes]) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"" + name.encode() + b"\"\r\n\r\n" + value + b"\r\n")
    return b"".join(parts) + b"--BOUNDARY--\r\n"


def test_invalid_utf8_multipart(api_client, published, settings):
    body = _raw_multipart({"content": b"Er trug \xff\xfe\xfd eine Jacke", "anonymous": b"true"})
    response = api_client.generic("POST", f"/api/v1/public/appeals/{published.slug}/tips/", body,
                                  content_type="multipart/form-data; boundary=BOUNDARY")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_encoding"
    _nothing_stored(settings)


def test_invalid_utf8_json_and_broken_json(api_client, published, settings):
    url = f"/api/v1/public/appeals/{published.slug}/tips/"
    for body in (b'{"content": "\xff\xfe"}', b'{"content": ', b"[1, 2]", b'{"content": "\\ud800"}'):
        response = api_client.generic("POST", url, body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
        assert "error" in response.json()
    _nothing_stored(settings)


def test_broken_multipart(api_client, published, settings):
    response = api_client.generic("POST", f"/api/v1/public/appeals/{published.slug}/tips/", b"--X\r\ngarbage",
                                  content_type="multipart/form-data; boundary=")
    assert response.status_code == 400
    _nothing_stored(settings)


def test_control_characters_are_stripped(submit):
    response = submit(content="Hallo\x00 Welt\x07\n2. Zeile")
    assert response.status_code == 201
    assert Tip.objects.get().content == "Hallo Welt\n2. Zeile"


def test_database_failure_after_files_were_written_leaves_no_file(submit, settings, monkeypatch):
    from fahndung.tips import intake

    def boom(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(intake, "outbox_enqueue", boom)
    response = submit(files=[upload("a.jpg", image_bytes())])
    assert response.status_code == 503
    _nothing_stored(settings)
