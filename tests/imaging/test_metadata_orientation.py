"""No metadata in any rendition; EXIF orientation applied exactly once."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageCms

from fahndung.imaging.lib import pipeline
from fahndung.imaging.lib.decode import decode

MAX_PIXELS = 60_000_000
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>Ermittler J. Doe</rdf:Description></rdf:RDF></x:xmpmeta>'


def _markers(data: bytes) -> list[int]:
    """JPEG segment markers up to the start of scan."""
    assert data[:2] == b"\xff\xd8"
    pos, found = 2, []
    while pos < len(data) - 4:
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        found.append(marker)
        if marker == 0xDA:
            break
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        pos += 2 + length
    return found


def _loaded_jpeg() -> bytes:
    rng = np.random.default_rng(5)
    img = Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (48.0, 46.0, 30.0), 3: "E", 4: (9.0, 10.0, 55.0)}  # GPS IFD
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif, icc_profile=icc, comment=b"suspect: J. Doe, case 123", xmp=XMP)
    return buf.getvalue()


def test_source_really_carries_every_metadata_kind():
    data = _loaded_jpeg()
    markers = _markers(data)
    assert 0xE1 in markers and 0xE2 in markers and 0xFE in markers
    assert b"J. Doe" in data and b"SERIAL-123456" in data and b"adobe:ns:meta" in data


def test_no_metadata_in_any_rendition():
    decoded = decode(_loaded_jpeg(), max_pixels=MAX_PIXELS)
    result = pipeline.run(decoded.rgb, subject=(150, 100, 80, 100), redact_boxes=[(10, 10, 40, 40)])
    assert len(result.renditions) == 10
    for name, rendition in result.renditions.items():
        data = rendition.data
        markers = _markers(data)
        assert not {0xE1, 0xE2, 0xFE} & set(markers), (name, markers)  # no EXIF/XMP, ICC, COM
        assert all(m not in markers for m in range(0xE3, 0xF0)), name  # no other APPn
        for needle in (b"Exif", b"J. Doe", b"SERIAL", b"adobe:ns:meta", b"ICC_PROFILE", b"SpyCam"):
            assert needle not in data, (name, needle)
        with Image.open(io.BytesIO(data)) as im:
            assert not im.getexif() and "icc_profile" not in im.info and "comment" not in im.info


def _oriented(orientation: int) -> bytes:
    # Left half red, right half blue, 80 wide × 40 high as stored.
    arr = np.zeros((40, 80, 3), dtype=np.uint8)
    arr[:, :40] = (255, 0, 0)
    arr[:, 40:] = (0, 0, 255)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", exif=exif, quality=95)
    return buf.getvalue()


def test_orientation_6_rotates_once():
    decoded = decode(_oriented(6), max_pixels=MAX_PIXELS)
    assert decoded.rgb.shape == (80, 40, 3)  # portrait now
    top, bottom = decoded.rgb[10, 20], decoded.rgb[70, 20]
    assert top[0] > 200 and top[2] < 60  # stored left (red) is displayed on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_orientation_result_has_no_orientation_tag_left():
    decoded = decode(_oriented(8), max_pixels=MAX_PIXELS)
    assert decoded.rgb.shape == (80, 40, 3)
    assert decoded.rgb[70, 20][0] > 200  # orientation 8: stored left ends at the bottom
    result = pipeline.run(decoded.rgb, subject=None, redact_boxes=[], names=["website"])
    with Image.open(io.BytesIO(result.renditions["website"].data)) as im:
        assert im.size == (40, 80) and 0x0112 not in im.getexif()


@pytest.mark.django_db
def test_redact_command_boxes_are_in_oriented_coordinates(tmp_path):
    import json

    from django.core.management import call_command

    src = tmp_path / "in.jpg"
    src.write_bytes(_oriented(6))
    out = io.StringIO()
    call_command("redact", str(src), "--out", str(tmp_path / "out"), "--no-subject", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["width"], report["height"]) == (40, 80)
