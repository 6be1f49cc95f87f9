"""`manage.py redact`: JSON report contract, files per rendition, bad input exits non-zero."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from fahndung.imaging.samples import jpeg_bytes, make_composite

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    comp = make_composite(1000, 700, [24, 40, 64], seed=4, subject_size=110)
    path = tmp_path_factory.mktemp("in") / "scene.png"  # PNG content; extension irrelevant
    path.write_bytes(jpeg_bytes(comp.rgb, quality=92))
    return path, comp


def _run(*args) -> dict:
    out = StringIO()
    call_command("redact", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_report_shape_and_files(scene, tmp_path):
    path, comp = scene
    report = _run(str(path), "--out", str(tmp_path), "--subject", ",".join(map(str, comp.subject)))
    assert (report["width"], report["height"]) == (1000, 700)
    assert set(report) >= {"width", "height", "faces", "renditions"}
    subjects = [f for f in report["faces"] if f["subject"]]
    assert len(subjects) == 1 and subjects[0]["redacted"] is False
    assert all(f["redacted"] for f in report["faces"] if not f["subject"])
    assert len(report["faces"]) >= 4
    for face in report["faces"]:
        assert len(face["box"]) == 4 and (face["score"] is None or 0 <= face["score"] <= 1)
    assert len(report["renditions"]) == 10
    for name, info in report["renditions"].items():
        assert Path(info["file"]).is_file() and Path(info["file"]).name == f"{name}.jpg"
        assert len(info["crop"]) == 4 and len(info["size"]) == 2
        with Image.open(info["file"]) as im:
            assert list(im.size) == info["size"]
    assert report["renditions"]["bluesky"]["size"] and Path(report["renditions"]["bluesky"]["file"]).stat().st_size <= 1_000_000


def test_rerun_gives_identical_files(scene, tmp_path):
    path, _ = scene
    a = _run(str(path), "--out", str(tmp_path / "a"), "--no-subject")
    b = _run(str(path), "--out", str(tmp_path / "b"), "--no-subject")
    for name in a["renditions"]:
        assert Path(a["renditions"][name]["file"]).read_bytes() == Path(b["renditions"][name]["file"]).read_bytes()
    assert not any(f["subject"] for f in a["faces"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent.jpg"], "nicht gefunden"),
        (["SELF", "--subject", "1,2,3"], "X,Y,W,H"),
        (["SELF", "--subject", "990,690,50,50"], "außerhalb"),
    ],
)
def test_bad_input_raises(scene, tmp_path, args, message):
    path, _ = scene
    args = [str(path) if a == "SELF" else a for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("redact", *args, "--out", str(tmp_path))


def test_cli_exits_non_zero_with_one_line(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"<html>not an image</html>")
    proc = subprocess.run(
        [sys.executable, "manage.py", "redact", str(bad), "--out", str(tmp_path / "o")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "JPEG" in lines[0]
