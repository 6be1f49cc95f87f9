"""The photo review page in a real browser (headless Debian chromium via Playwright).

Skipped when /usr/bin/chromium is missing. The "done when" path of imaging: an investigator
marks the person sought by clicking a detected face and draws a number-plate box with the
mouse; every rendition is re-rendered with the plate and every bystander face obscured and
the subject's face untouched (checked against the original pixels with the synthetic
ground truth); the press office then approves the photo through the form.
"""

from __future__ import annotations

import io
import math
import threading

import cv2
import numpy as np
import pytest
from PIL import Image

from fahndung.core.models import AuditEvent
from fahndung.imaging.lib.detect import Box, iou
from fahndung.imaging.models import AnalysisState, BoxEvent, PhotoAnalysis
from tests.plugins.browser import CHROMIUM_MARKS, browser_login

pytestmark = CHROMIUM_MARKS
VIEWPORT = {"width": 1400, "height": 1000}

# The plate the investigator draws (source pixels): on the textured saucer below the
# subject, clear of every face and inside the crop of every rendition.
PLATE = (390, 700, 160, 50)
# Judged only where at least this many rendition pixels of a region are in frame.
MIN_SIDE = 6
# Against the original cut and scaled like the rendition: untouched pixels differ only by
# JPEG noise (measured mean ≤ 2 levels, fine detail ~100 %); obscured ones lose their fine
# detail (measured ≤ 16 % kept) and differ by ≥ 19 levels on average.
UNTOUCHED_MAX_DIFF, UNTOUCHED_MIN_DETAIL = 4.0, 0.8
OBSCURED_MIN_DIFF, OBSCURED_MAX_DETAIL = 10.0, 0.35


@pytest.fixture
def serial_server(live_server, monkeypatch):
    """The live server answering one request at a time (restored after the test).

    The test database is in-memory SQLite, so every server thread is handed the test's one
    connection; the page's parallel image requests (two previews, ten renditions) on it fail
    at random with "bad parameter or other API misuse". Responses are buffered so that the
    database work of closing them happens under the lock too.
    """
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    lock = threading.Lock()

    def serial(environ, start_response):
        with lock:
            response = app(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
        return [body]

    monkeypatch.setattr(httpd, "application", serial)
    return live_server


def _wait_ready(page) -> None:
    """Every image of the page loaded (so the browser is idle while the test reads the
    shared database) and the overlays have their size (boxes are drawn)."""
    page.wait_for_function(
        """() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0) &&
             ['original', 'redacted'].every(n => {
               const c = document.querySelector('[data-role=overlay-' + n + ']');
               return c && c.width > 0;
             })"""
    )


def _to_screen(page, role: str, width: int, x: float, y: float) -> tuple[float, float]:
    """Image pixel -> viewport point on the overlay canvas `role`."""
    canvas = page.locator(f"[data-role={role}]")
    canvas.scroll_into_view_if_needed()
    bb = canvas.bounding_box()
    k = bb["width"] / width
    return bb["x"] + x * k, bb["y"] + y * k


def _config(page) -> dict:
    return page.evaluate("JSON.parse(document.getElementById('imaging-config').textContent)")


# --- pixels ---------------------------------------------------------------------------

def _decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _renditions(analysis: PhotoAnalysis) -> dict[str, tuple[str, list[int], np.ndarray]]:
    out = {}
    for row in analysis.renditions.all():
        with row.file.open("rb") as fh:
            out[row.name] = (row.key, list(row.crop), _decode(fh.read()))
    return out


def _expected(original: np.ndarray, crop: list[int], shape: tuple[int, ...]) -> np.ndarray:
    """The original cut and scaled like the rendition (what it shows with nothing obscured)."""
    cx, cy, cw, ch = crop
    part = original[cy:cy + ch, cx:cx + cw]
    h, w = shape[:2]
    return cv2.resize(part, (w, h), interpolation=cv2.INTER_AREA if w < cw else cv2.INTER_CUBIC)


def _region(box, crop: list[int], shape: tuple[int, ...]):
    """Slices of the source box inside the rendition (None when too little is in frame)."""
    bx, by, bw, bh = box
    cx, cy, cw, ch = crop
    h, w = shape[:2]
    sx, sy = w / cw, h / ch
    x1, y1 = max(bx, cx), max(by, cy)
    x2, y2 = min(bx + bw, cx + cw), min(by + bh, cy + ch)
    u1, u2 = math.ceil((x1 - cx) * sx), math.floor((x2 - cx) * sx)
    v1, v2 = math.ceil((y1 - cy) * sy), math.floor((y2 - cy) * sy)
    if u2 - u1 < MIN_SIDE or v2 - v1 < MIN_SIDE:
        return None
    return slice(v1, v2), slice(u1, u2)


def _detail(a: np.ndarray) -> float:
    grey = cv2.cvtColor(np.ascontiguousarray(a), cv2.COLOR_RGB2GRAY).astype(np.float32)
    return float(np.abs(grey - cv2.GaussianBlur(grey, (0, 0), 1.5)).mean())


def _compare(image: np.ndarray, expected: np.ndarray, region) -> tuple[float, float]:
    """(mean abs difference to the original, share of the original's fine detail kept)."""
    a, b = image[region].astype(np.float32), expected[region].astype(np.float32)
    return float(np.abs(a - b).mean()), _detail(image[region]) / max(_detail(expected[region]), 1e-6)


# --- the path -------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_review_mark_subject_draw_plate_and_approve(browser, serial_server, investigator, press, processed, crowd,
                                                   crowd_jpeg):
    base = serial_server.url
    url = f"{base}/staff/photos/{processed.pk}/"
    analysis = PhotoAnalysis.objects.get(photo=processed)
    assert analysis.state == AnalysisState.READY and not analysis.subject_confirmed
    assert "subject_unconfirmed" in analysis.flags
    revision = analysis.revision
    before = _renditions(analysis)
    # The detected face of the person sought (the ground-truth subject of the composite).
    face = max(analysis.boxes.filter(active=True, kind="face"), key=lambda b: iou(Box(*b.xywh), Box(*crowd.subject)))
    assert iou(Box(*face.xywh), Box(*crowd.subject)) >= 0.5

    # 1-2. Investigator: click the face on the original view, then "Gewählten Kasten als gesuchte Person".
    page = browser.new_page(viewport=VIEWPORT)
    browser_login(page, base, investigator)
    page.goto(url)
    _wait_ready(page)
    page.mouse.click(*_to_screen(page, "overlay-original", analysis.width, face.x + face.w / 2, face.y + face.h / 2))
    with page.expect_navigation(timeout=30_000):  # the script reloads once the new renditions are ready
        page.click("[data-action=subject]")
    _wait_ready(page)

    # 3. Draw the plate with the mouse on the editable (redacted) view of the reloaded page.
    page.select_option("[data-role=kind]", "plate")
    px, py, pw, ph = PLATE
    start = _to_screen(page, "overlay-redacted", analysis.width, px, py)
    end = _to_screen(page, "overlay-redacted", analysis.width, px + pw, py + ph)
    page.mouse.move(*start)
    page.mouse.down()
    with page.expect_navigation(timeout=30_000):
        page.mouse.move(*end, steps=8)
        page.mouse.up()
    _wait_ready(page)

    # 4. The reloaded page shows the new state ...
    config = _config(page)
    analysis.refresh_from_db()
    plate = analysis.boxes.get(active=True, kind="plate")
    assert config["subject"] == list(face.xywh)
    assert [b["id"] for b in config["boxes"] if b["kind"] == "plate"] == [plate.pk]
    assert page.get_attribute("[data-role=redacted]", "src").endswith(f"?r={analysis.revision}")
    # ... and the database holds both changes, each with its event.
    assert analysis.subject_box == face.xywh and analysis.subject_confirmed and not analysis.no_subject
    assert all(abs(a - b) <= 3 for a, b in zip(plate.xywh, PLATE, strict=True)), plate.xywh
    assert plate.source == "manual" and plate.created_by == investigator
    events = list(BoxEvent.objects.filter(analysis=analysis).order_by("at", "id"))
    assert [(e.action, e.actor_id) for e in events] == [("subject", investigator.pk), ("add", investigator.pk)]
    assert events[0].after == {"box": list(face.xywh), "none": False}
    assert events[1].box_id == plate.pk and events[1].after == {"kind": "plate", **dict(zip("xywh", plate.xywh, strict=True))}
    assert list(analysis.events.values_list("action", flat=True)) == ["start", "finish", "edit", "finish", "edit", "finish"]
    assert [e.detail["what"] for e in analysis.events.filter(action="edit")] == ["subject", "box_add"]
    assert AuditEvent.objects.filter(action="photo.box_add", appeal_id=processed.appeal_id).count() == 1
    assert AuditEvent.objects.filter(action="photo.box_subject", appeal_id=processed.appeal_id).count() == 1
    # Every rendition re-rendered for the last revision.
    assert analysis.state == AnalysisState.READY and analysis.revision == revision + 2
    assert analysis.rendered_revision == analysis.revision and "subject_unconfirmed" not in analysis.flags
    after = _renditions(analysis)
    assert set(after) == set(before) and len(after) == 10
    assert all(after[n][0] != before[n][0] for n in after), "a rendition kept its old key"

    # Pixels: plate and every bystander obscured, the subject's face as in the original;
    # the staff preview (the right-hand view) included.
    original = _decode(crowd_jpeg)
    with analysis.preview_redacted.open("rb") as fh:
        after["preview"] = ("", [0, 0, analysis.width, analysis.height], _decode(fh.read()))
    judged: set[tuple[int, int, int, int]] = set()
    for name, (_key, crop, image) in sorted(after.items()):
        expected = _expected(original, crop, image.shape)
        subject = _region(crowd.subject, crop, image.shape)
        diff, detail = _compare(image, expected, subject)
        assert diff < UNTOUCHED_MAX_DIFF and detail > UNTOUCHED_MIN_DETAIL, (name, "subject", diff, detail)
        for box in [plate.xywh, *crowd.faces]:
            region = _region(box, crop, image.shape)
            if region is None:
                assert box != plate.xywh, f"plate outside {name}"
                continue
            diff, detail = _compare(image, expected, region)
            assert diff > OBSCURED_MIN_DIFF and detail < OBSCURED_MAX_DETAIL, (name, box, diff, detail)
            judged.add(box)
        if name in before:  # before the edit the plate was plainly visible: the edit obscured it
            _key, old_crop, old = before[name]
            diff, detail = _compare(old, _expected(original, old_crop, old.shape), _region(plate.xywh, old_crop, old.shape))
            assert diff < UNTOUCHED_MAX_DIFF and detail > UNTOUCHED_MIN_DETAIL, (name, "plate before", diff, detail)
    assert judged == {plate.xywh, *crowd.faces}  # the plate and each bystander judged somewhere

    # 5. Press office approves through the form.
    page = browser.new_page(viewport=VIEWPORT)
    browser_login(page, base, press)
    page.goto(url)
    _wait_ready(page)
    with page.expect_navigation():
        page.click("form[action$='/approve/'] button")
    _wait_ready(page)
    assert page.text_content("[data-role=state-label]").strip() == "Freigegeben"
    assert page.is_visible("text=Foto freigegeben.")
    analysis.refresh_from_db()
    assert analysis.state == AnalysisState.APPROVED and analysis.approved_by == press
    assert analysis.renditions.exclude(public_name="").count() == 10

    # 6. No script errors on any page.
    assert browser.js_errors == []
