"""One photo job = one short-lived child process with a hard memory limit.

    with PhotoJob(data, limits) as job:        # child decodes the bytes (guarded decode)
        analysis = job.analyse()               # detection: pipeline.Analysis
        rendered = job.render(subject, boxes, method)   # renditions + two previews (bytes)
    job.peak_rss_bytes                         # the child's peak resident memory
    job.peak_address_bytes                     # its peak address space (what RLIMIT_AS limits)

Why a child: decoded frames and cv2.dnn's buffers (it keeps the blobs of the last input
size) would otherwise stay in the long-lived Celery worker after the job. The child sets
RLIMIT_AS to `limits.budget_bytes` before it touches a pixel, so one hostile or huge photo
ends as a refusal with a German reason (ImageRejected) instead of exhausting the machine;
the worker that started it is unaffected. The child runs only the pure library (arrays in,
arrays out): it never sees the database or the storage — the service (processing.py) reads
the original, talks to the child over a pipe (pickle, both ends are our own code) and
stores what comes back. Nor does the child get the worker's secrets: its environment is
reduced to what an interpreter needs (child_env), so a decoder exploit finds no keys.

`python -m fahndung.imaging.sandbox` is the child's entry point; nothing else runs it.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from fahndung.imaging.lib import pipeline
from fahndung.imaging.lib.decode import decode
from fahndung.imaging.lib.detect import DetectorConfig, FaceDetector
from fahndung.imaging.lib.errors import ImageRejected

MIB = 1024 * 1024
_ROOT = str(Path(__file__).resolve().parents[2])
# The child decodes untrusted files: it gets no secrets (no FAHNDUNG_*, no DATABASE_URL, ...),
# only what an interpreter needs to start.
_PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "VIRTUAL_ENV", "OPENCV_IO_MAX_IMAGE_PIXELS")


def child_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
    env.update(
        PYTHONPATH=_ROOT,
        # glibc reserves 64 MB of address space per malloc arena and OpenBLAS per thread;
        # under RLIMIT_AS reserved space counts, so keep both small.
        MALLOC_ARENA_MAX="2", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
    )
    return env


@dataclass(frozen=True)
class JobLimits:
    budget_bytes: int  # address-space limit of the child (RLIMIT_AS)
    timeout_seconds: float
    max_pixels: int
    max_bytes: int
    threads: int = 2
    centerface_max_side: int = 2000


@dataclass
class Rendered:
    renditions: dict[str, Any]  # name -> pipeline.RenditionResult
    flags: list[str]
    preview_original: bytes
    preview_redacted: bytes


@dataclass
class _Decoded:
    width: int
    height: int
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _memory_refusal(limits: JobLimits) -> ImageRejected:
    return ImageRejected(
        f"Das Bild braucht mehr Arbeitsspeicher, als der Bildverarbeitung zusteht "
        f"({limits.budget_bytes // MIB} MiB); bitte ein kleineres Foto hochladen.",
        "memory_limit",
    )


class PhotoJob:
    """Parent side of the conversation with one child process."""

    def __init__(self, data: bytes, limits: JobLimits) -> None:
        self.data = data
        self.limits = limits
        self.peak_rss_bytes: int | None = None
        self.peak_address_bytes: int | None = None
        self.decoded: _Decoded | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._timer: threading.Timer | None = None
        self._timed_out = False

    # -- lifecycle ---------------------------------------------------------------------
    def __enter__(self) -> PhotoJob:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "fahndung.imaging.sandbox"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env(), cwd=_ROOT, close_fds=True,
        )
        self._timer = threading.Timer(self.limits.timeout_seconds, self._kill_on_timeout)
        self._timer.daemon = True
        self._timer.start()
        try:
            data, self.data = self.data, b""  # the child has it now; do not hold 40 MB twice
            self.decoded = self._call("decode", {"data": data, "limits": self.limits})
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self.peak_rss_bytes, self.peak_address_bytes = self._call("close", {})
        finally:
            self._stop()

    def _kill_on_timeout(self) -> None:
        self._timed_out = True
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        proc = self._proc
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    # -- requests ------------------------------------------------------------------------
    def analyse(self, *, subject: tuple[int, int, int, int] | None = None, no_subject: bool = False) -> Any:
        return self._call("analyse", {"subject": subject, "no_subject": no_subject})

    def render(
        self, subject: tuple[int, int, int, int] | None, boxes: list[tuple[int, int, int, int]], method: str
    ) -> Rendered:
        return self._call("render", {"subject": subject, "boxes": boxes, "method": method})

    def _call(self, command: str, payload: dict[str, Any]) -> Any:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        try:
            pickle.dump((command, payload), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
            status, value = pickle.load(proc.stdout)  # noqa: S301 (our own child)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise self._death() from None
        if status == "ok":
            return value
        if status == "rejected":
            raise ImageRejected(value[0], value[1])
        if status == "memory":
            raise _memory_refusal(self.limits)
        raise ImageRejected("Interner Fehler der Bildverarbeitung; bitte erneut versuchen.", "worker_error")

    def _death(self) -> ImageRejected:
        proc = self._proc
        assert proc is not None
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        if self._timed_out:
            return ImageRejected(
                f"Die Bildverarbeitung hat länger als {self.limits.timeout_seconds:.0f} s gedauert "
                f"und wurde abgebrochen.", "timeout",
            )
        if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
            # Allocation failures under RLIMIT_AS inside C code end like this.
            return _memory_refusal(self.limits)
        return ImageRejected(f"Die Bildverarbeitung ist abgestürzt (Code {code}).", "worker_crashed")


# -- child -------------------------------------------------------------------------------
def _is_memory_error(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return any(word in text for word in ("insufficient memory", "failed to allocate", "out of memory", "bad_alloc"))


def _vm_peak() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _child(inp: BinaryIO, out: BinaryIO) -> None:
    state: dict[str, Any] = {}

    def reply(status: str, value: Any) -> None:
        pickle.dump((status, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    while True:
        try:
            command, payload = pickle.load(inp)  # noqa: S301 (our own parent)
        except EOFError:
            return
        try:
            if command == "close":
                reply("ok", (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, _vm_peak()))
                return
            reply("ok", _handle(command, payload, state))
        except ImageRejected as exc:
            reply("rejected", (exc.message, exc.code))
        except Exception as exc:  # every failure must reach the parent as an answer
            if _is_memory_error(exc):
                state.clear()
                reply("memory", None)
            else:
                reply("error", f"{type(exc).__name__}: {exc}"[:300])


def _handle(command: str, payload: dict[str, Any], state: dict[str, Any]) -> Any:
    if command == "decode":
        limits: JobLimits = payload["limits"]
        resource.setrlimit(resource.RLIMIT_AS, (limits.budget_bytes, limits.budget_bytes))
        decoded = decode(payload.pop("data"), max_pixels=limits.max_pixels, max_bytes=limits.max_bytes)
        state.update(limits=limits, decoded=decoded)
        return _Decoded(decoded.width, decoded.height, list(decoded.flags), list(decoded.notes))
    decoded = state["decoded"]
    if command == "analyse":
        limits = state["limits"]
        detector = FaceDetector(DetectorConfig(threads=limits.threads, centerface_max_side=limits.centerface_max_side))
        return pipeline.analyse(decoded.rgb, detector, decoded_flags=decoded.flags,
                                subject=payload["subject"], no_subject=payload["no_subject"])
    if command == "render":
        result = pipeline.run(decoded.rgb, subject=payload["subject"], redact_boxes=payload["boxes"],
                              method=payload["method"])
        return Rendered(result.renditions, result.flags, pipeline.preview_jpeg(decoded.rgb),
                        pipeline.preview_jpeg(result.redacted))
    raise ValueError(f"unknown command {command!r}")


def main() -> None:
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _child(sys.stdin.buffer, out)


if __name__ == "__main__":
    # Run the imported module, not this __main__ copy, so pickled classes keep their real
    # module path (fahndung.imaging.sandbox._Decoded, not __main__._Decoded).
    import fahndung.imaging.sandbox as _module

    _module.main()
