"""`manage.py redact INPUT --out DIR [--subject X,Y,W,H | --no-subject] [--json]`

Runs the pure imaging pipeline on one file (no database): decode safely, detect faces,
redact every face but the subject on the full frame, write one JPEG per rendition into
DIR and print a report. The JSON report shape is a contract:
{"width", "height", "faces": [{"box": [x, y, w, h], "score", "subject", "redacted"}],
 "renditions": {"<name>": {"file", "crop": [x, y, w, h], "size": [w, h]}}}
Boxes are in the coordinates of the orientation-corrected original. Bad input exits
non-zero with a one-line reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fahndung.imaging import conf
from fahndung.imaging.lib import pipeline
from fahndung.imaging.lib.errors import ImageRejected
from fahndung.imaging.sandbox import PhotoJob


def _parse_box(raw: str) -> tuple[int, int, int, int]:
    try:
        x, y, w, h = (int(v) for v in raw.split(","))
    except ValueError:
        raise CommandError("--subject erwartet X,Y,W,H (vier ganze Zahlen)") from None
    if w <= 0 or h <= 0 or x < 0 or y < 0:
        raise CommandError("--subject: Breite und Höhe müssen positiv sein, X/Y nicht negativ")
    return x, y, w, h


class Command(BaseCommand):
    help = "Redact bystander faces in an image and write one file per rendition."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("input")
        parser.add_argument("--out", required=True)
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--subject", help="X,Y,W,H of the person sought")
        group.add_argument("--no-subject", action="store_true", help="redact every face")
        parser.add_argument("--json", action="store_true", help="print the JSON report")
        parser.add_argument("--method", choices=("blur", "solid"), default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["input"])
        if not path.is_file():
            raise CommandError(f"Eingabedatei nicht gefunden: {path}")
        if path.stat().st_size > conf.max_bytes():
            raise CommandError("Die Datei ist zu groß.")
        subject = _parse_box(opts["subject"]) if opts["subject"] else None
        method = opts["method"] or conf.redaction_method()
        try:
            # The same child process under the memory budget as the worker's jobs.
            with PhotoJob(path.read_bytes(), conf.job_limits()) as job:
                assert job.decoded is not None
                width, height = job.decoded.width, job.decoded.height
                if subject and (subject[0] + subject[2] > width or subject[1] + subject[3] > height):
                    raise CommandError(f"--subject liegt außerhalb des Bildes ({width}×{height})")
                analysis = job.analyse(subject=subject, no_subject=opts["no_subject"])
                redact_boxes = pipeline.bystander_boxes(analysis)
                result = job.render(analysis.subject, redact_boxes, method)
        except ImageRejected as exc:
            raise CommandError(exc.message) from None
        out = Path(opts["out"])
        out.mkdir(parents=True, exist_ok=True)
        report: dict[str, Any] = {"width": analysis.width, "height": analysis.height, "faces": [], "renditions": {}}
        for i, face in enumerate(analysis.faces):
            is_subject = i == analysis.subject_index
            report["faces"].append(
                {"box": list(face.xywh), "score": round(face.score, 4), "subject": is_subject, "redacted": not is_subject}
            )
        if analysis.subject is not None and analysis.subject_index is None:
            report["faces"].append({"box": list(analysis.subject), "score": None, "subject": True, "redacted": False})
        for name, rendition in result.renditions.items():
            target = out / f"{name}.jpg"
            target.write_bytes(rendition.data)
            report["renditions"][name] = {
                "file": str(target), "crop": rendition.crop.box, "size": list(rendition.size),
            }
        report["flags"] = sorted(set(analysis.flags + result.flags))
        if opts["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{len(analysis.faces)} Gesicht(er), {len(redact_boxes)} unkenntlich gemacht, "
                f"{len(result.renditions)} Formate in {out}"
            )
