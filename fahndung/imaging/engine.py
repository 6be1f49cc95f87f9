"""Process-wide, lazily built face detector configured from conf (one per worker process)."""

from __future__ import annotations

import threading

from fahndung.imaging import conf
from fahndung.imaging.lib.detect import DetectorConfig, FaceDetector

_lock = threading.Lock()
_detector: FaceDetector | None = None


def detector() -> FaceDetector:
    global _detector
    with _lock:
        if _detector is None:
            _detector = FaceDetector(
                DetectorConfig(threads=conf.threads(), centerface_max_side=conf.centerface_max_side())
            )
        return _detector
