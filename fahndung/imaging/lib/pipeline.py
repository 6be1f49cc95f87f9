"""The steps glued together; shared by the Celery task, the `redact` command and the benchmark.

- quality_flags(decoded_flags, rgb, faces) -> list[str]
- select_subject(faces, given) -> (subject_box | None, bystanders)
- analyse(rgb, detector, *, subject, no_subject) -> Analysis
- run(rgb, *, subject, redact_boxes, method, names) -> Result (redacted frame, mask, renditions)
- rendition_key(source_sha256, name, signature) -> str   (stable cache key)
- preview_jpeg(rgb) -> bytes   (review preview, long side ≤ 2000 px)

FLAG_LABELS maps every flag to the German text shown to reviewers (msgids; translated on display).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from fahndung.imaging.lib import PIPELINE_VERSION
from fahndung.imaging.lib.decode import is_greyscale
from fahndung.imaging.lib.detect import Box, FaceDetector, iou
from fahndung.imaging.lib.redact import pad_box, redact
from fahndung.imaging.lib.renditions import RENDITIONS, Crop, encode_jpeg, plan_crop, render

SMALL_FACE_PX = 20
LOW_CONFIDENCE = 0.5
BLUR_VARIANCE = 40.0
PAD = 0.3
PREVIEW_SIDE = 2000

def gettext_noop(message: str) -> str:
    """Marks German text for the translation catalogue (makemessages finds this name) while
    the library stays free of Django; the web layer translates at display time."""
    return message


FLAG_LABELS = {
    "small_faces": gettext_noop("Sehr kleine Gesichter (unter 20 px) – Detektion unsicher, bitte Bild selbst prüfen."),
    "small_image": gettext_noop("Kleines Bild – kleine Gesichter werden oft nicht erkannt, bitte selbst prüfen."),
    "greyscale": gettext_noop("Graustufenbild (z. B. Überwachungskamera) – Erkennung unsicherer, bitte prüfen."),
    "low_quality": gettext_noop("Unscharf oder stark komprimiert – Erkennung unsicherer, bitte prüfen."),
    "low_confidence": gettext_noop("Mindestens ein Kasten mit niedriger Erkennungssicherheit."),
    "no_faces": gettext_noop("Kein Gesicht erkannt – bitte prüfen, ob Personen unkenntlich gemacht werden müssen."),
    "subject_overlap": gettext_noop("Ein verpixelter Bereich überlappt das Gesicht der gesuchten Person."),
    "subject_unconfirmed": gettext_noop("Gesuchte Person automatisch gewählt (größtes Gesicht) – bitte bestätigen."),
    "animated": gettext_noop("Animiertes Bild – nur das erste Einzelbild wird verwendet."),
    "cmyk": gettext_noop("CMYK-Bild – Farben nach sRGB umgerechnet."),
    "high_bit_depth": gettext_noop("16-Bit-Bild – auf 8 Bit reduziert."),
}


@dataclass
class Analysis:
    width: int
    height: int
    faces: list[Box]
    subject: tuple[int, int, int, int] | None
    subject_index: int | None
    flags: list[str]


@dataclass
class RenditionResult:
    name: str
    data: bytes
    crop: Crop
    size: tuple[int, int]


@dataclass
class Result:
    redacted: np.ndarray
    mask: np.ndarray
    renditions: dict[str, RenditionResult] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def _sharpness(rgb: np.ndarray) -> float:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = 1000 / max(grey.shape)
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def input_flags(decoded_flags: Iterable[str], rgb: np.ndarray) -> list[str]:
    """Flags known before detection (they also make detection more thorough)."""
    flags = [f for f in decoded_flags if f in FLAG_LABELS]
    if "greyscale" not in flags and is_greyscale(rgb):
        flags.append("greyscale")
    if max(rgb.shape[:2]) < 800:
        flags.append("small_image")
    if _sharpness(rgb) < BLUR_VARIANCE:
        flags.append("low_quality")
    return flags


def quality_flags(decoded_flags: Iterable[str], rgb: np.ndarray, faces: list[Box]) -> list[str]:
    flags = input_flags(decoded_flags, rgb)
    if any(min(b.w, b.h) < SMALL_FACE_PX for b in faces):
        flags.append("small_faces")
    if any(b.score < LOW_CONFIDENCE for b in faces):
        flags.append("low_confidence")
    if not faces:
        flags.append("no_faces")
    return sorted(set(flags))


def select_subject(
    faces: list[Box], given: tuple[int, int, int, int] | None
) -> tuple[tuple[int, int, int, int] | None, int | None]:
    """The investigator's box wins; otherwise the largest face. Returns (box, matched index)."""
    if given is not None:
        gbox = Box(*given)
        best, best_iou = None, 0.0
        for i, face in enumerate(faces):
            value = iou(gbox, face)
            if value > best_iou:
                best, best_iou = i, value
        return tuple(int(v) for v in given), (best if best_iou >= 0.3 else None)
    if not faces:
        return None, None
    # Largest confident face; a large low-score box is more likely a false positive.
    confident = [i for i, f in enumerate(faces) if f.score >= 0.8] or list(range(len(faces)))
    index = max(confident, key=lambda i: faces[i].area)
    return faces[index].xywh, index


def overlaps_subject(
    subject: tuple[int, int, int, int] | None, boxes: Iterable[tuple[int, int, int, int]], width: int, height: int
) -> bool:
    if subject is None:
        return False
    sx, sy, sw, sh = subject
    for box in boxes:
        x1, y1, x2, y2 = pad_box(box, PAD, width, height)
        if min(x2, sx + sw) > max(x1, sx) and min(y2, sy + sh) > max(y1, sy):
            return True
    return False


def analyse(
    rgb: np.ndarray, detector: FaceDetector, *, decoded_flags: Iterable[str] = (),
    subject: tuple[int, int, int, int] | None = None, no_subject: bool = False,
) -> Analysis:
    decoded_flags = list(decoded_flags)
    pre = input_flags(decoded_flags, rgb)
    faces = detector.detect(rgb, thorough="greyscale" in pre or "low_quality" in pre)
    flags = quality_flags(decoded_flags, rgb, faces)
    chosen, index = (None, None) if no_subject else select_subject(faces, subject)
    if chosen is not None and subject is None:
        flags.append("subject_unconfirmed")
    return Analysis(rgb.shape[1], rgb.shape[0], faces, chosen, index, sorted(set(flags)))


def bystander_boxes(analysis: Analysis) -> list[tuple[int, int, int, int]]:
    return [f.xywh for i, f in enumerate(analysis.faces) if i != analysis.subject_index]


def run(
    rgb: np.ndarray, *, subject: tuple[int, int, int, int] | None,
    redact_boxes: Iterable[tuple[int, int, int, int]], method: str = "blur",
    names: Iterable[str] | None = None,
) -> Result:
    """Redact everything but the subject on the full frame, then crop/encode each rendition."""
    boxes = [tuple(int(v) for v in b) for b in redact_boxes]
    redacted, mask = redact(rgb, boxes, protect=subject, method=method, pad=PAD)
    h, w = rgb.shape[:2]
    result = Result(redacted=redacted, mask=mask)
    if overlaps_subject(subject, boxes, w, h):
        result.flags.append("subject_overlap")
    for name in names or RENDITIONS:
        spec = RENDITIONS[name]
        crop = plan_crop(spec, w, h, subject)
        data, size = render(redacted, spec, crop)
        result.renditions[name] = RenditionResult(name, data, crop, size)
    return result


def preview_jpeg(rgb: np.ndarray, side: int = PREVIEW_SIDE) -> bytes:
    """Review preview: long side at most `side`, clean JPEG (no metadata)."""
    h, w = rgb.shape[:2]
    scale = min(1.0, side / max(h, w))
    if scale < 1.0:
        rgb = np.asarray(Image.fromarray(rgb).resize((round(w * scale), round(h * scale)), Image.Resampling.LANCZOS))
    return encode_jpeg(rgb, 8_000_000)


def boxes_signature(
    subject: tuple[int, int, int, int] | None, boxes: Iterable[tuple[int, int, int, int]], method: str
) -> str:
    payload = {"s": list(subject) if subject else None, "b": sorted(list(b) for b in boxes), "m": method}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def rendition_key(source_sha256: str, name: str, signature: str) -> str:
    """Same source + rendition + pipeline version + boxes => same key (reruns change nothing)."""
    raw = f"{source_sha256}:{name}:{PIPELINE_VERSION}:{signature}"
    return hashlib.sha256(raw.encode()).hexdigest()
