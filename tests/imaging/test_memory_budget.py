"""Issue 15, finding 2: a 57 KB one-colour PNG of 7700 × 7700 px (just under the 60 MP cap) took
13 GB in the imaging worker, and the worker kept it. Image work has a memory budget now.

The whole test process runs under an address-space ceiling (a few budgets above what it uses
already), so code that still needs gigabytes fails here with MemoryError instead of taking
the machine down. The measured peak is asserted against the configured budget, not a time.
"""

from __future__ import annotations

import io
import resource

import numpy as np
import pytest
from PIL import Image

from fahndung.core.errors import ValidationFailed
from fahndung.imaging import conf
from fahndung.imaging.lib.detect import CenterFaceNet, iou
from fahndung.imaging.lib.errors import ImageRejected
from fahndung.imaging.models import AnalysisState, PhotoAnalysis
from fahndung.imaging.sandbox import MIB, JobLimits, PhotoJob, child_env

SIDE = 7700  # 59.29 MP


@pytest.fixture(scope="module")
def flat_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (SIDE, SIDE), (118, 121, 119)).save(buf, format="PNG")
    return buf.getvalue()


def _status(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(field)


@pytest.fixture
def ceiling():
    """Soft RLIMIT_AS on this process: current size + 2 budgets (restored afterwards)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _status("VmSize") + 2 * conf.memory_budget_bytes()
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    yield limit
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.slow
@pytest.mark.django_db
def test_huge_flat_png_is_processed_within_the_budget_and_the_worker_keeps_nothing(
    flat_png, ceiling, upload, investigator, appeal
):
    assert len(flat_png) < 250_000 and conf.max_pixels() >= SIDE * SIDE
    rss_before = _status("VmRSS")
    photo = upload(investigator, appeal, flat_png, name="flach.png")
    analysis = PhotoAnalysis.objects.get(photo=photo)
    assert analysis.state == AnalysisState.READY, analysis.failure_reason
    assert analysis.renditions.count() == 10
    assert analysis.peak_memory_mib is not None
    assert analysis.peak_memory_mib <= conf.memory_budget_bytes() // MIB
    # The process that ran the task (eager here, a Celery worker in production) holds no
    # frame, no detector buffers afterwards: the pixels lived in the job's child process.
    assert _status("VmRSS") - rss_before < 150 * MIB


@pytest.mark.django_db
def test_photo_beyond_what_the_budget_affords_is_refused_at_upload_in_german(
    flat_png, monkeypatch, investigator, appeal
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fahndung.appeals.services import photo_add

    monkeypatch.setenv("FAHNDUNG_IMAGING_MEMORY_MB", str(conf.JOB_FIXED_MIB + 200))
    assert conf.max_pixels() < SIDE * SIDE
    with pytest.raises(ValidationFailed) as exc:
        photo_add(actor=investigator, appeal_id=appeal.pk, caption="x",
                  uploaded_file=SimpleUploadedFile("flach.png", flat_png))
    assert "zu groß" in exc.value.message and "Megapixel" in exc.value.message


def test_job_over_its_memory_limit_is_a_german_refusal_and_the_parent_survives(flat_png):
    # Decoding 59 MP needs ~7 bytes per pixel at once: far beyond 450 MiB of address space.
    limits = JobLimits(budget_bytes=450 * MIB, timeout_seconds=120, max_pixels=100_000_000,
                       max_bytes=50_000_000)
    with pytest.raises(ImageRejected) as exc, PhotoJob(flat_png, limits) as job:
        job.analyse()
    assert exc.value.code == "memory_limit"
    assert "Arbeitsspeicher" in exc.value.message and "450 MiB" in exc.value.message


def test_job_reports_its_peak_and_results(crowd_jpeg):
    limits = conf.job_limits()
    with PhotoJob(crowd_jpeg, limits) as job:
        analysis = job.analyse()
        rendered = job.render(analysis.subject, [f.xywh for f in analysis.faces[:1]], "blur")
    assert (analysis.width, analysis.height) == (1200, 800) and len(analysis.faces) >= 6
    assert set(rendered.renditions) and rendered.preview_original[:2] == b"\xff\xd8"
    assert 50 * MIB < job.peak_rss_bytes <= limits.budget_bytes


def test_tiled_centerface_finds_what_one_full_frame_pass_finds(crowd):
    net = CenterFaceNet(0.2)
    whole = net.detect(crowd.rgb)
    tiled = net.detect(crowd.rgb, tile=512, overlap=160)
    assert len(whole) >= 6
    for face in whole:
        assert max(iou(face, t) for t in tiled) >= 0.5, face


def test_tiles_bound_what_centerface_sees(monkeypatch):
    net = CenterFaceNet(0.2)
    seen: list[tuple[int, int]] = []
    real = net._forward

    def spy(rgb, scale, thr):
        seen.append(rgb.shape[:2])
        return real(rgb, scale, thr)

    monkeypatch.setattr(net, "_forward", spy)
    net.detect(np.full((3000, 4000, 3), 90, np.uint8), tile=1280, overlap=256)
    assert seen and max(h * w for h, w in seen) <= 1280 * 1280
    assert sum(h * w for h, w in seen) >= 3000 * 4000  # every pixel at full resolution


def test_the_child_that_decodes_untrusted_files_gets_no_secrets(monkeypatch):
    monkeypatch.setenv("FAHNDUNG_TIPS_KEYS", "a-tips-key")
    monkeypatch.setenv("FAHNDUNG_SECRET_KEY", "a-secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:pw@db/fahndung")
    env = child_env()
    assert not [name for name in env if name.startswith(("FAHNDUNG_", "DATABASE", "CELERY"))]
    assert "a-secret" not in str(env) and env["MALLOC_ARENA_MAX"] == "2"
