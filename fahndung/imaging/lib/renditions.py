"""Per-format renditions from one table, head-and-shoulders crops, clean JPEG encoding.

- RENDITIONS: dict name -> RenditionSpec (the only place formats are defined)
- PLATFORM_RENDITIONS: names that go to social platforms (never for the unknown dead, R14)
- plan_crop(spec, width, height, subject) -> Crop(x, y, w, h, out_w, out_h, warning)
- render(redacted_rgb, spec, crop) -> bytes   (JPEG from a fresh pixel buffer)
- encode_jpeg(rgb, max_bytes) -> bytes

Encoding always starts from `Image.frombuffer` of raw pixels and passes no exif/xmp/
icc_profile/comment, so EXIF, GPS, XMP, ICC and COM segments of the source cannot
survive (Pillow keeps a COM comment on plain open-then-save, see reference §4).
Output is deterministic for the same pixels, so a rerun yields identical bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

# Never enlarge a crop by more than this factor; below it the output is smaller and warned.
MAX_UPSCALE = 2.0
# Head-and-shoulders framing: face height share of the crop height, face centre from the top.
FACE_SHARE = 0.22
FACE_SHARE_PORTRAIT = 0.28
FACE_CENTRE_FROM_TOP = 0.38


@dataclass(frozen=True)
class RenditionSpec:
    name: str
    label: str
    ratio: float | None  # width / height; None = full frame
    width: int  # target size (for full frame: the long side)
    height: int
    max_bytes: int
    platform: bool


_MB = 1_000_000
RENDITIONS: dict[str, RenditionSpec] = {
    spec.name: spec
    for spec in (
        RenditionSpec("website", "Website (ganzes Bild)", None, 1600, 1600, 4 * _MB, False),
        RenditionSpec("poster", "Plakat (A4 hoch)", 210 / 297, 1654, 2339, 8 * _MB, False),
        RenditionSpec("x", "X (16:9)", 16 / 9, 1600, 900, 5 * _MB, True),
        RenditionSpec("facebook_landscape", "Facebook (1,91:1)", 1.91, 1200, 628, 4 * _MB, True),
        RenditionSpec("facebook_portrait", "Facebook (4:5)", 4 / 5, 1080, 1350, 4 * _MB, True),
        RenditionSpec("instagram_portrait", "Instagram (4:5)", 4 / 5, 1080, 1350, 8 * _MB, True),
        RenditionSpec("instagram_square", "Instagram (1:1)", 1.0, 1080, 1080, 8 * _MB, True),
        RenditionSpec("mastodon", "Mastodon (16:9)", 16 / 9, 1280, 720, 8 * _MB, True),
        RenditionSpec("bluesky", "Bluesky (4:5)", 4 / 5, 1200, 1500, 1_000_000, True),
        RenditionSpec("linkedin", "LinkedIn (1,91:1)", 1.91, 1200, 627, 5 * _MB, True),
    )
}
PLATFORM_RENDITIONS = tuple(name for name, spec in RENDITIONS.items() if spec.platform)


@dataclass(frozen=True)
class Crop:
    x: int
    y: int
    w: int
    h: int
    out_w: int
    out_h: int
    warning: str = ""

    @property
    def box(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]


def _fit_full(spec: RenditionSpec, width: int, height: int) -> Crop:
    scale = min(1.0, spec.width / max(width, height))
    out_w, out_h = max(1, round(width * scale)), max(1, round(height * scale))
    warning = ""
    if max(width, height) < spec.width / MAX_UPSCALE:
        warning = f"Quelle klein ({width}×{height}); {spec.label} wird nicht vergrößert."
    return Crop(0, 0, width, height, out_w, out_h, warning)


def plan_crop(
    spec: RenditionSpec, width: int, height: int, subject: tuple[int, int, int, int] | None
) -> Crop:
    """The crop in source coordinates and the output size for one rendition."""
    if spec.ratio is None:
        return _fit_full(spec, width, height)
    ratio = spec.ratio
    # Largest crop of this ratio that fits the frame.
    max_h = min(height, width / ratio)
    if subject is not None:
        fx, fy, fw, fh = subject
        share = FACE_SHARE_PORTRAIT if ratio < 1 else FACE_SHARE
        crop_h = fh / share
        # Keep the upscale ≤ 2×: grow the crop to at least half the target when possible.
        crop_h = max(crop_h, spec.height / MAX_UPSCALE)
        crop_h = min(crop_h, max_h)
        crop_w = crop_h * ratio
        cx, cy = fx + fw / 2, fy + fh / 2
        x = cx - crop_w / 2
        y = cy - crop_h * FACE_CENTRE_FROM_TOP
    else:
        crop_h = max_h
        crop_w = crop_h * ratio
        x, y = (width - crop_w) / 2, (height - crop_h) / 2
    crop_w_i, crop_h_i = max(1, round(crop_w)), max(1, round(crop_h))
    crop_w_i, crop_h_i = min(crop_w_i, width), min(crop_h_i, height)
    x_i = round(min(max(0.0, x), width - crop_w_i))
    y_i = round(min(max(0.0, y), height - crop_h_i))
    scale = min(spec.height / crop_h_i, MAX_UPSCALE)
    out_w, out_h = max(1, round(crop_w_i * scale)), max(1, round(crop_h_i * scale))
    warning = ""
    if out_h < spec.height * 0.98:
        warning = (
            f"Quelle zu klein für {spec.label}: {out_w}×{out_h} statt {spec.width}×{spec.height} "
            f"(höchstens {MAX_UPSCALE:g}-fach vergrößert)."
        )
    return Crop(x_i, y_i, crop_w_i, crop_h_i, out_w, out_h, warning)


def _save_jpeg(pil: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    subsampling = 0 if quality >= 80 else 2
    try:
        pil.save(buf, format="JPEG", quality=quality, optimize=True, subsampling=subsampling)
    except OSError:
        # libjpeg's optimiser can overflow Pillow's buffer on noise-like content; plain Huffman works.
        buf = io.BytesIO()
        pil.save(buf, format="JPEG", quality=quality, subsampling=subsampling)
    return buf.getvalue()


def encode_jpeg(rgb: np.ndarray, max_bytes: int, quality: int = 85) -> bytes:
    """JPEG from a fresh buffer; lowers quality, then size, until it fits max_bytes."""
    img = np.ascontiguousarray(rgb)
    while True:
        for q in (quality, 80, 75, 70, 65, 60, 55, 50):
            if q > quality:
                continue
            pil = Image.frombuffer("RGB", (img.shape[1], img.shape[0]), img.tobytes(), "raw", "RGB", 0, 1)
            data = _save_jpeg(pil, q)
            if len(data) <= max_bytes:
                return data
        new_w, new_h = int(img.shape[1] * 0.85), int(img.shape[0] * 0.85)
        if new_w < 16 or new_h < 16:
            return data
        img = cv2.resize(img, (new_w, new_h), interpolation=cv2.INTER_AREA)


def render(redacted: np.ndarray, spec: RenditionSpec, crop: Crop) -> tuple[bytes, tuple[int, int]]:
    """Crop the already-redacted frame, resize and encode; returns (jpeg, (w, h))."""
    part = redacted[crop.y:crop.y + crop.h, crop.x:crop.x + crop.w]
    if (crop.out_w, crop.out_h) != (crop.w, crop.h):
        interp = cv2.INTER_AREA if crop.out_w < crop.w else cv2.INTER_CUBIC
        part = cv2.resize(part, (crop.out_w, crop.out_h), interpolation=interp)
    data = encode_jpeg(part, spec.max_bytes)
    with Image.open(io.BytesIO(data)) as im:
        size = im.size
    return data, size
