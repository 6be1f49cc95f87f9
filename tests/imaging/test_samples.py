"""The shipped sample works with the command and matches its documented ground truth."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "crowd_small.jpg"
SUBJECT = (170, 163, 100, 131)
BYSTANDERS_20PX = [(43, 67, 20, 26), (732, 150, 28, 37), (756, 433, 40, 52), (379, 304, 56, 73)]


def test_sample_redaction(tmp_path):
    out = StringIO()
    call_command("redact", str(SAMPLE), "--out", str(tmp_path), "--subject", ",".join(map(str, SUBJECT)), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["width"], report["height"]) == (900, 600)
    redacted = [f["box"] for f in report["faces"] if f["redacted"]]
    for gx, gy, gw, gh in BYSTANDERS_20PX:
        assert any(abs(x - gx) < gw * 0.5 and abs(y - gy) < gh * 0.5 for x, y, _w, _h in redacted), (gx, gy)
