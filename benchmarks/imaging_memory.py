"""Peak resident memory of one photo job (its child process, imaging.sandbox) per photo size.

    uv run python benchmarks/imaging_memory.py

Photos (synthetic, built offline from scikit-image data like benchmarks/imaging.py):
  - "12mp": 4000×3000 JPEG composite with 48 bystander faces and a subject
  - "60mp": 8944×6708 JPEG composite (60.0 MP, the default pixel cap) with 48 faces
  - "flat": the attack test's one-colour PNG of 7700×7700 (59.3 MP; 0.19 MB from Pillow's
            default compression, the attack's file was 57 KB): grey and
            "unsharp", so detection takes the thorough path (CenterFace at full resolution)
Each job runs exactly as in the worker: decode + detect + redact + all 10 renditions + two
previews in a fresh child process under the configured budget (FAHNDUNG_IMAGING_MEMORY_MB).
The child's peak RSS (getrusage ru_maxrss) is the reported peak; its peak address space
(VmPeak, what RLIMIT_AS limits) is printed beside it, and the fixed part and per-pixel cost of
the address space are fitted from the 12 MP and 60 MP jobs (compare fahndung.imaging.conf.JOB_*,
from which the pixel cap is derived).
The last line is the summary contract:
imaging-memory: 12mp peak <MiB> MiB, 60mp peak <MiB> MiB, budget <MiB> MiB
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fahndung.settings")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from fahndung.imaging import conf  # noqa: E402
from fahndung.imaging.lib.pipeline import bystander_boxes  # noqa: E402
from fahndung.imaging.samples import jpeg_bytes, make_composite  # noqa: E402
from fahndung.imaging.sandbox import MIB, PhotoJob  # noqa: E402

SIZES = [12, 14, 16, 20, 24, 28, 32, 40, 48, 64, 80, 96, 128, 160] * 3 + [20] * 6


def _photo(width: int, height: int) -> bytes:
    return jpeg_bytes(make_composite(width, height, SIZES, seed=5, subject_size=220).rgb, quality=90)


def _flat() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (7700, 7700), (118, 121, 119)).save(buf, format="PNG")
    return buf.getvalue()


def measure(name: str, data: bytes) -> tuple[int, int, int]:
    limits = conf.job_limits()
    started = time.monotonic()
    with PhotoJob(data, limits) as job:
        analysis = job.analyse()
        job.render(analysis.subject, bystander_boxes(analysis), conf.redaction_method())
    assert job.decoded is not None and job.peak_rss_bytes is not None and job.peak_address_bytes is not None
    pixels = job.decoded.width * job.decoded.height
    peak, address = job.peak_rss_bytes, job.peak_address_bytes
    print(f"{name:5s} {job.decoded.width}×{job.decoded.height} ({pixels / 1e6:.1f} MP, {len(data) / 1e6:.2f} MB): "
          f"peak RSS {peak / MIB:.0f} MiB, peak address space {address / MIB:.0f} MiB, "
          f"{len(analysis.faces)} faces, {time.monotonic() - started:.1f} s", flush=True)
    return pixels, peak, address


def main() -> None:
    budget = conf.memory_budget_bytes()
    print(f"budget {budget // MIB} MiB (FAHNDUNG_IMAGING_MEMORY_MB), pixel cap {conf.max_pixels() / 1e6:.1f} MP, "
          f"threads {conf.threads()}", flush=True)
    px12, peak12, as12 = measure("12mp", _photo(4000, 3000))
    px60, peak60, as60 = measure("60mp", _photo(8944, 6708))
    measure("flat", _flat())
    for label, small, large in (("RSS", peak12, peak60), ("address space", as12, as60)):
        per_pixel = (large - small) / (px60 - px12)
        print(f"fit {label}: {(small - per_pixel * px12) / MIB:.0f} MiB + {per_pixel:.1f} bytes/pixel")
    print(f"conf (address space, from which the pixel cap follows): "
          f"{conf.JOB_FIXED_MIB} MiB + {conf.JOB_BYTES_PER_PIXEL} bytes/pixel")
    print(f"imaging-memory: 12mp peak {peak12 / MIB:.0f} MiB, 60mp peak {peak60 / MIB:.0f} MiB, "
          f"budget {budget // MIB} MiB")


if __name__ == "__main__":
    main()
