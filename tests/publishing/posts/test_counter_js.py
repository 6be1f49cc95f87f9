"""The browser counter (static/publishing/count.js) must agree with the server count on the
tricky cases; run under node when it is installed (skipped otherwise)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fahndung.publishing.posts import counting

COUNT_JS = Path(__file__).resolve().parents[3] / "fahndung/publishing/static/publishing/count.js"
CASES = [
    "abc", "Straße ÄÖÜ äöü ß", "e\u0301", "q\u0301", "👍", "👍🏽", "👩\u200d👩\u200d👧\u200d👦", "🇩🇪", "1\ufe0f\u20e3",
    "©", "❤\ufe0f", "漢字", "„Zitat“ – Gedankenstrich…", "https://polizei-bw.de/fahndung/abc/",
    "Siehe https://a.de/x, danke", "www.polizei-bw.de", "zwei https://a.example/1 https://b.example/2",
    "FAHNDUNG – Raub\n\nHinweise bitte nicht in die Kommentare, sondern an 0711 8990-5778 oder über "
    "http://127.0.0.1:8000/fahndung/abc/\n\n#Fahndung #Stuttgart",
]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("platform", ["x", "mastodon", "bluesky", "facebook"])
def test_js_port_matches_server(platform):
    script = (
        f"const c = require({json.dumps(str(COUNT_JS))});"
        f"const cases = {json.dumps(CASES)};"
        f"process.stdout.write(JSON.stringify(cases.map(t => c.count({json.dumps(platform)}, t))));"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(out.stdout) == [counting.count(platform, text) for text in CASES]
