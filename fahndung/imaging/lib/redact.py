"""Irreversible anonymisation of regions on the full-resolution frame.

- pad_box(box_xywh, pad, w, h) -> (x1, y1, x2, y2)
- redact(rgb, boxes, *, protect=None, method="blur", pad=0.3) -> (out, mask)
    boxes: (x, y, w, h) tuples; every box is padded by `pad` of its size on each side
    and clamped. `protect` (the subject's face) is restored pixel-exactly afterwards,
    so the sought person is never touched. `mask` is a bool array of redacted pixels.

Method "blur" = box blur (kernel ½ box) -> 5–6-cell mosaic -> stackBlur one cell wide:
the reference measured it as defeating re-detection (city 1–2 of 19, dlib 0–1 of 43)
while a light Gaussian or a plain mosaic left faces findable. "solid" fills with a flat
colour (highest assurance). Both destroy information; nothing reversible (swirl, pixel
shuffles, encryption) is ever used.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

METHODS = ("blur", "solid")


def pad_box(box: tuple[int, int, int, int], pad: float, width: int, height: int) -> tuple[int, int, int, int]:
    x, y, w, h = box
    px, py = round(w * pad), round(h * pad)
    x1, y1 = max(0, x - px), max(0, y - py)
    x2, y2 = min(width, x + w + px), min(height, y + h + py)
    return x1, y1, x2, y2


def _obscure_patch(patch: np.ndarray, method: str) -> np.ndarray:
    ph, pw = patch.shape[:2]
    if method == "solid":
        return np.full_like(patch, 128)
    k = max(3, min(pw, ph) // 2)
    out = cv2.blur(patch, (k, k), borderType=cv2.BORDER_REFLECT)
    cells = 6 if min(pw, ph) >= 12 else 3
    cw = max(1, min(pw, ph) // cells)
    small = cv2.resize(out, (max(1, pw // cw), max(1, ph // cw)), interpolation=cv2.INTER_AREA)
    out = cv2.resize(small, (pw, ph), interpolation=cv2.INTER_NEAREST)
    r = cw | 1  # stackBlur needs an odd kernel
    if r >= 3:
        out = cv2.stackBlur(out, (r, r))
    return out


def redact(
    rgb: np.ndarray,
    boxes: Iterable[tuple[int, int, int, int]],
    *,
    protect: tuple[int, int, int, int] | None = None,
    method: str = "blur",
    pad: float = 0.3,
) -> tuple[np.ndarray, np.ndarray]:
    if method not in METHODS:
        raise ValueError(f"unknown redaction method {method!r}")
    height, width = rgb.shape[:2]
    out = rgb.copy()
    mask = np.zeros((height, width), dtype=bool)
    for box in boxes:
        if box[2] <= 0 or box[3] <= 0:
            continue
        x1, y1, x2, y2 = pad_box(tuple(int(v) for v in box), pad, width, height)
        if x2 - x1 < 1 or y2 - y1 < 1:
            continue
        # Read from the already-redacted output so overlapping boxes never bring back pixels.
        out[y1:y2, x1:x2] = _obscure_patch(np.ascontiguousarray(out[y1:y2, x1:x2]), method)
        mask[y1:y2, x1:x2] = True
    if protect is not None:
        px, py, pw, ph = (int(v) for v in protect)
        px1, py1 = max(0, px), max(0, py)
        px2, py2 = min(width, px + pw), min(height, py + ph)
        out[py1:py2, px1:px2] = rgb[py1:py2, px1:px2]
        mask[py1:py2, px1:px2] = False
    return out, mask
