"""Synthetic sample photos with exact ground truth, built offline from scikit-image data.

scikit-image is a development dependency (uv's default dev group): tests, the benchmark and
the demo's sample crowd photo use this module; production code paths never import it.

make_composite(width, height, sizes, *, seed, subject_size) -> Composite(rgb, faces, subject)
    The astronaut's head (face box known) is pasted at the requested face widths on a
    background tiled from other scikit-image photos (coffee, rocket, chelsea, ...); faces
    never overlap. `subject` is the largest face, pasted first.
degrade(rgb) -> grey, slightly blurred, JPEG q30 version ("CCTV-like")
half(rgb, boxes) -> half-size image and boxes
face_free(width, height, seed) -> background only (false positives per megapixel)
Used by tests/imaging, benchmarks/imaging.py and `manage.py demo` (demo_crowd_photo).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

# Astronaut head patch (x, y, w, h) and the face box inside it, in data.astronaut() pixels.
_HEAD = (140, 20, 170, 200)
_FACE_IN_HEAD = (38, 38, 91, 119)


@dataclass
class Composite:
    rgb: np.ndarray
    faces: list[tuple[int, int, int, int]]
    subject: tuple[int, int, int, int] | None


def _head() -> np.ndarray:
    from skimage import data

    x, y, w, h = _HEAD
    return np.ascontiguousarray(data.astronaut()[y:y + h, x:x + w])


def background(width: int, height: int, seed: int = 0) -> np.ndarray:
    from skimage import data

    rng = np.random.default_rng(seed)
    tiles = [data.coffee(), data.rocket(), data.hubble_deep_field(), data.immunohistochemistry()]
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    tile_h = max(64, height // 3)
    y = 0
    while y < height:
        x = 0
        while x < width:
            t = tiles[int(rng.integers(len(tiles)))]
            scale = tile_h / t.shape[0]
            t = cv2.resize(t, (max(1, int(t.shape[1] * scale)), tile_h), interpolation=cv2.INTER_AREA)
            part = t[: height - y, : width - x]
            canvas[y:y + part.shape[0], x:x + part.shape[1]] = part
            x += t.shape[1]
        y += tile_h
    return canvas


def make_composite(
    width: int, height: int, sizes: list[int], *, seed: int = 0, subject_size: int | None = None
) -> Composite:
    rng = np.random.default_rng(seed)
    canvas = background(width, height, seed)
    head = _head()
    fx, fy, fw, fh = _FACE_IN_HEAD
    occupied: list[tuple[int, int, int, int]] = []
    faces: list[tuple[int, int, int, int]] = []
    subject = None
    order = ([subject_size] if subject_size else []) + list(sizes)
    for i, size in enumerate(order):
        scale = size / fw
        hw, hh = max(2, round(head.shape[1] * scale)), max(2, round(head.shape[0] * scale))
        patch = cv2.resize(head, (hw, hh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        flipped = bool(rng.random() < 0.5)
        if flipped:
            patch = np.ascontiguousarray(patch[:, ::-1])
        gain = float(rng.uniform(0.8, 1.15))
        patch = np.clip(patch.astype(np.float32) * gain, 0, 255).astype(np.uint8)
        for _attempt in range(400):
            x = int(rng.integers(0, max(1, width - hw)))
            y = int(rng.integers(0, max(1, height - hh)))
            if all(x + hw <= ox or ox + ow <= x or y + hh <= oy or oy + oh <= y for ox, oy, ow, oh in occupied):
                break
        else:
            continue
        occupied.append((x, y, hw, hh))
        canvas[y:y + hh, x:x + hw] = patch
        face_x = (head.shape[1] - fx - fw) if flipped else fx
        box = (x + round(face_x * scale), y + round(fy * scale), round(fw * scale), round(fh * scale))
        if subject_size and i == 0:
            subject = box
        else:
            faces.append(box)
    return Composite(canvas, faces, subject)


def degrade(rgb: np.ndarray, quality: int = 30) -> np.ndarray:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grey = cv2.GaussianBlur(grey, (0, 0), 0.8)
    buf = io.BytesIO()
    Image.fromarray(grey).save(buf, format="JPEG", quality=quality)
    out = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return np.ascontiguousarray(out)


def half(rgb: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    return small, [(x // 2, y // 2, max(1, bw // 2), max(1, bh // 2)) for x, y, bw, bh in boxes]


def face_free(width: int, height: int, seed: int = 7) -> np.ndarray:
    return background(width, height, seed)


def jpeg_bytes(rgb: np.ndarray, quality: int = 90, **save_kwargs) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality, **save_kwargs)
    return buf.getvalue()


def demo_crowd_photo() -> bytes:
    """A 1600×1000 crowd scene for trying the review screen: one large face (the person sought)
    and 18 bystanders at 20–96 px. Deterministic, so every demo run offers the same file."""
    comp = make_composite(1600, 1000, [20, 24, 28, 32, 36, 40, 48, 56, 64, 72, 80, 96, 26, 34, 44, 52, 60, 88],
                          seed=5, subject_size=150)
    return jpeg_bytes(comp.rgb, quality=90)
