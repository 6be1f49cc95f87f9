"""Polyglots the first-64-KiB scan missed (issue 15 finding 7): a ZIP whose 65,535-byte comment
pushes its end record out of the scanned tail, content after the first 64 KiB of an "MP4",
HEIC bodies that are no ISO BMFF at all. The whole container is walked now."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from PIL import Image

from fahndung.core.errors import ValidationFailed
from fahndung.tips import uploads
from tests.tips.conftest import mp4_bytes, upload


def _zip(comment: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.html", "<b>hidden</b>")
        archive.comment = comment
    return buffer.getvalue()


def _refused(data: bytes, name: str = "x") -> None:
    with pytest.raises(ValidationFailed) as exc:
        uploads.inspect_upload(upload(name, data))
    assert exc.value.code == "invalid_attachment"


def _box(kind: bytes, body: bytes) -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def _noise_png() -> bytes:
    """A real PNG larger than the 64 KiB head scan (noise does not compress)."""
    rng = random.Random(7)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (200, 200), bytes(rng.randrange(256) for _ in range(200 * 200 * 3))).save(buffer, "PNG")
    return buffer.getvalue()


def test_zip_with_maximal_comment_after_a_photo_is_refused():
    photo = _noise_png()
    assert len(photo) > uploads.SCAN_BYTES
    assert uploads.inspect_upload(upload("a.png", photo)).content_type == "image/png"
    data = photo + _zip(b"\x00" * 65_535)
    assert zipfile.is_zipfile(io.BytesIO(data))  # a real polyglot: ZIP readers open it
    _refused(data, "a.png")


def test_content_after_64_kib_of_an_mp4_is_refused():
    valid = mp4_bytes(payload=400 * 256)  # ~100 KiB, past the head scan
    assert uploads.inspect_upload(upload("v.mp4", valid)).content_type == "video/mp4"
    _refused(valid + b"<html><script>alert(1)</script></html>", "v.mp4")  # trailing data, no box
    _refused(valid + _zip(b""), "v.mp4")
    # A box whose declared size runs past the end of the file.
    _refused(valid[:-10], "v.mp4")


def test_heic_body_must_be_iso_bmff():
    ftyp = _box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")
    meta = _box(b"meta", b"\x00" * 64)
    assert uploads.inspect_upload(upload("p.heic", ftyp + meta + _box(b"mdat", b"\x01" * 500))).kind == "image"
    _refused(ftyp + b"\x00" * 70_000 + _zip(b""), "p.heic")
    _refused(ftyp + b"not a box structure at all" * 100, "p.heic")
