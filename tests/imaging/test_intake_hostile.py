"""Hostile and odd files: each refused with a clear German message, or handled safely."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from fahndung.imaging.lib.decode import decode, probe
from fahndung.imaging.lib.errors import ImageRejected

MAX_PIXELS = 60_000_000
MAX_BYTES = 40 * 1024 * 1024


def _png(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", **kw)
    return buf.getvalue()


def _jpeg(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", **kw)
    return buf.getvalue()


def _probe(data: bytes):
    return probe(io.BytesIO(data), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)


def _photo() -> Image.Image:
    rng = np.random.default_rng(1)
    return Image.fromarray(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))


def test_zero_bytes():
    with pytest.raises(ImageRejected, match="leer"):
        _probe(b"")
    with pytest.raises(ImageRejected, match="leer"):
        decode(b"", max_pixels=MAX_PIXELS)


def test_byte_cap_before_reading():
    with pytest.raises(ImageRejected, match="zu groß"):
        probe(io.BytesIO(b"\xff\xd8\xff" + b"0" * 100), max_bytes=50, max_pixels=MAX_PIXELS)


def test_decompression_bomb_refused_from_header():
    bomb = _png(Image.new("1", (20000, 20000)))  # 400 Mpx, a few KB on disk
    assert len(bomb) < 2_000_000
    with pytest.raises(ImageRejected) as exc:
        _probe(bomb)
    assert exc.value.code in ("decompression_bomb", "too_many_pixels")
    with pytest.raises(ImageRejected):
        decode(bomb, max_pixels=MAX_PIXELS)


def test_huge_dimensions_below_pillow_limit_hit_our_pixel_cap():
    data = _png(Image.new("L", (100_000, 700)))  # 70 Mpx: under Pillow's bomb limit, over our cap
    with pytest.raises(ImageRejected, match="Megapixel"):
        _probe(data)


def test_truncated_jpeg_passes_header_check_but_not_decode():
    data = _jpeg(_photo(), quality=95)
    cut = data[: len(data) // 2]
    assert _probe(cut).content_type == "image/jpeg"  # the header is intact
    with pytest.raises(ImageRejected, match="beschädigt oder unvollständig"):
        decode(cut, max_pixels=MAX_PIXELS)


def test_garbage_after_jpeg_magic_is_refused():
    with pytest.raises(ImageRejected):
        decode(b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50, max_pixels=MAX_PIXELS)


@pytest.mark.parametrize(
    "payload",
    [b"GIF89a\x01\x00\x01\x00<script>alert(1)</script>", b"<html><script>x</script></html>", b"%PDF-1.7\n", b"PK\x03\x04zip"],
)
def test_non_images_with_image_names_are_refused(payload):
    with pytest.raises(ImageRejected, match="Nur JPEG"):
        _probe(payload)


def test_heic_refused_with_hint():
    head = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    with pytest.raises(ImageRejected, match="HEIC") as exc:
        _probe(head + b"\x00" * 100)
    assert exc.value.code == "unsupported_heif"


def test_polyglot_jpeg_with_appended_archive_decodes_and_payload_never_survives():
    from fahndung.imaging.lib.renditions import encode_jpeg

    payload = b"PK\x03\x04" + b"<script>steal()</script>" * 20
    data = _jpeg(_photo(), quality=90) + payload
    assert _probe(data).content_type == "image/jpeg"
    decoded = decode(data, max_pixels=MAX_PIXELS)
    out = encode_jpeg(decoded.rgb, 1_000_000)
    assert b"steal()" not in out and b"PK\x03\x04" not in out


def test_wrong_extension_is_irrelevant_content_decides():
    png = _png(_photo())
    info = _probe(png)  # the caller may have named it .jpg; only bytes count
    assert info.content_type == "image/png"
    assert decode(png, max_pixels=MAX_PIXELS).content_type == "image/png"


def test_animated_png_and_webp_use_first_frame():
    red = Image.new("RGB", (40, 30), (255, 0, 0))
    blue = Image.new("RGB", (40, 30), (0, 0, 255))
    for fmt in ("PNG", "WEBP"):
        buf = io.BytesIO()
        red.save(buf, format=fmt, save_all=True, append_images=[blue], duration=100, loop=0, lossless=True)
        decoded = decode(buf.getvalue(), max_pixels=MAX_PIXELS)
        assert "animated" in decoded.flags
        r, g, b = decoded.rgb[15, 20]
        assert r > 200 and g < 50 and b < 50, fmt


def test_cmyk_jpeg_is_converted_to_rgb():
    cmyk = Image.new("CMYK", (40, 30), (0, 255, 255, 0))  # red in CMYK
    decoded = decode(_jpeg(cmyk, quality=95), max_pixels=MAX_PIXELS)
    assert decoded.rgb.shape == (30, 40, 3) and "cmyk" in decoded.flags
    r, g, b = (int(v) for v in decoded.rgb[15, 20])
    assert r > 180 and g < 80 and b < 80


def test_16_bit_png_keeps_its_range():
    ramp = (np.linspace(0, 65535, 256, dtype=np.uint32).astype(np.uint16)[None, :].repeat(10, axis=0))
    img = Image.fromarray(ramp)  # uint16 -> mode I;16
    decoded = decode(_png(img), max_pixels=MAX_PIXELS)
    row = decoded.rgb[5, :, 0].astype(int)
    assert row[0] < 5 and row[-1] > 250 and row[128] in range(120, 136)  # scaled, not clipped
    assert "high_bit_depth" in decoded.flags and "greyscale" in decoded.flags


def test_palette_with_transparency_is_flattened_on_white():
    img = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    decoded = decode(_png(img.convert("P")), max_pixels=MAX_PIXELS)
    assert decoded.rgb.shape == (20, 20, 3)


def test_upload_validation_maps_to_validation_failed():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fahndung.core.errors import ValidationFailed
    from fahndung.imaging.services import photo_validate_upload

    with pytest.raises(ValidationFailed) as exc:
        photo_validate_upload(uploaded_file=SimpleUploadedFile("x.jpg", b"<html>"))
    assert exc.value.fields["file"]
    info = photo_validate_upload(uploaded_file=SimpleUploadedFile("x.jpg", _png(_photo())))
    assert (info.content_type, info.width, info.height) == ("image/png", 160, 120)


@pytest.mark.django_db
def test_truncated_upload_fails_in_the_task_with_a_german_reason(upload, investigator, appeal):
    from fahndung.imaging.models import AnalysisState, PhotoAnalysis

    data = _jpeg(_photo(), quality=95)
    photo = upload(investigator, appeal, data[: len(data) // 2])
    analysis = PhotoAnalysis.objects.get(photo=photo)
    assert analysis.state == AnalysisState.FAILED
    assert "unvollständig" in analysis.failure_reason
    assert analysis.events.filter(action="fail").exists()
