"""Attachment checks and encrypted storage for tip uploads.

Public surface:
- ``QuotaUploadHandler`` – Django upload handler that stops a request once the files
  exceed FAHNDUNG_TIP_MAX_TOTAL_BYTES (nothing is kept).
- ``inspect_upload(file) -> UploadInfo`` – type by magic bytes, sha256, size, header
  checks (image pixel bombs, polyglots); raises ValidationFailed with a German message.
- ``store_encrypted(file, raw_key) -> str`` – stream the file AES-GCM-encrypted into
  storages["private"]; returns the storage name.
- ``open_decrypted(blob) -> Iterator[bytes]``; ``delete_stored(names)``.

Only photos and videos are accepted: JPEG, PNG, WebP, HEIC/HEIF, MP4, MOV, WebM.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import secrets
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.core.files.storage import storages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from fahndung.core.errors import ValidationFailed
from fahndung.tips import conf, crypto

SNIFF_BYTES = 64
SCAN_BYTES = 64 * 1024
# A ZIP reader finds the end record within the last 22 + 65,535 (maximal comment) bytes: the
# tail scan covers that with room to spare.
TAIL_BYTES = 128 * 1024
# ISO BMFF (MP4, MOV, HEIC): every byte of the file must belong to one of these top-level
# boxes (ISO/IEC 14496-12 §§ 4.2, 8; QuickTime's wide/pnot); anything else is refused.
_BMFF_TOP = {b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"moof", b"mfra",
             b"meta", b"sidx", b"ssix", b"prft", b"emsg", b"pdin", b"pnot", b"udta", b"idat", b"iinf"}

_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"MSNV", b"dash", b"3gp4", b"3gp5", b"3g2a"}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# Markers of other formats hidden in a "photo" (polyglots): archives, documents, markup.
# Binary markers match exactly; markup markers case-insensitively (long enough that
# random compressed image data practically never contains them).
_BINARY_MARKERS = (b"PK\x03\x04", b"PK\x05\x06", b"%PDF-", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"<svg")
_MARKUP_MARKERS = (b"<script", b"<html", b"<?php", b"<!doctype", b"<iframe")


@dataclass(frozen=True)
class UploadInfo:
    content_type: str
    kind: str  # "image" | "video"
    size_bytes: int
    sha256: str


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, kind) from the first bytes, or None if not an accepted format."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "image"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "image"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:SNIFF_BYTES]:
        return "video/webm", "video"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return "image/heic", "image"
        if brand == b"qt  ":
            return "video/quicktime", "video"
        if brand in _MP4_BRANDS:
            return "video/mp4", "video"
    return None


class QuotaUploadHandler(FileUploadHandler):
    """First handler in the chain: counts file bytes and aborts above the cap."""

    def __init__(self, request: Any = None, *, max_total: int | None = None) -> None:
        super().__init__(request)
        self.max_total = max_total if max_total is not None else conf.max_total_bytes()
        self.total = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.total += len(raw_data)
        if self.total > self.max_total:
            self.exceeded = True
            # connection_reset=False: Django drains the body so the client gets our answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _chunks(file: Any) -> Iterator[bytes]:
    file.seek(0)
    if hasattr(file, "chunks"):
        yield from file.chunks()
    else:
        yield from iter(lambda: file.read(1 << 20), b"")


def _error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_attachment", fields={"attachments": [f"{name}: {message}"]})


def inspect_upload(file: Any, *, display_name: str = "") -> UploadInfo:
    name = display_name or getattr(file, "name", "") or "Datei"
    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    for chunk in _chunks(file):
        if len(head) < SCAN_BYTES:
            head += chunk[: SCAN_BYTES - len(head)]
        tail = (tail + chunk)[-TAIL_BYTES:]
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    if size == 0:
        raise _error(name, "Die Datei ist leer.")
    kind = sniff(head[:SNIFF_BYTES])
    if kind is None:
        raise _error(name, "Dateityp nicht erlaubt. Erlaubt sind Fotos (JPEG, PNG, WebP, HEIC) und Videos (MP4, MOV, WebM).")
    content_type, family = kind
    # Skip the 12 signature bytes; every file is also scanned at the end (appended archives).
    scanned = head[12:] + (tail if size > SCAN_BYTES else b"")
    lowered = scanned.lower()
    if any(m in scanned for m in _BINARY_MARKERS) or any(m in lowered for m in _MARKUP_MARKERS):
        raise _error(name, "Die Datei enthält fremde Inhalte (z. B. Archiv oder Skript) und wird nicht angenommen.")
    if content_type in ("video/mp4", "video/quicktime", "image/heic"):
        _check_bmff_boxes(file, size, name)
    if family == "image" and content_type != "image/heic":
        _check_image_header(file, name)
    return UploadInfo(content_type=content_type, kind=family, size_bytes=size, sha256=digest.hexdigest())


def _check_bmff_boxes(file: Any, size: int, name: str) -> None:
    """Walk the top-level boxes over the whole file: they must tile it exactly with known
    types – no trailing data, no box running past the end, no foreign format in between."""
    bad = _error(name, "Die Datei ist kein gültiges Video/HEIC-Bild oder enthält fremde Inhalte.")
    offset = 0
    try:
        while offset < size:
            file.seek(offset)
            header = file.read(16)
            if len(header) < 8:
                raise bad
            length, kind = int.from_bytes(header[:4], "big"), header[4:8]
            if kind not in _BMFF_TOP:
                raise bad
            if length == 1:  # 64-bit size follows
                if len(header) < 16:
                    raise bad
                length = int.from_bytes(header[8:16], "big")
                minimum = 16
            elif length == 0:  # box runs to the end of the file
                length = size - offset
                minimum = 8
            else:
                minimum = 8
            if length < minimum or offset + length > size:
                raise bad
            offset += length
    finally:
        file.seek(0)


def _check_image_header(file: Any, name: str) -> None:
    """Read only the header: dimensions above the pixel cap are a decompression bomb."""
    from PIL import Image

    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _error(name, "Das Bild ist zu groß (Pixelanzahl).") from None
    except Exception:
        raise _error(name, "Die Bilddatei ist beschädigt oder unvollständig.") from None
    finally:
        file.seek(0)
    if width <= 0 or height <= 0 or width * height > conf.max_pixels():
        raise _error(name, "Das Bild ist zu groß (Pixelanzahl).")


class _EncryptedFile(File):
    """A File whose chunks are the ciphertext of another file (storage.save streams it)."""

    def __init__(self, source: Any, raw_key: bytes) -> None:
        super().__init__(io.BytesIO(b""), name="attachment")
        self._source = source
        self._raw_key = raw_key

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield from crypto.encrypt_stream(_chunks(self._source), self._raw_key)

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        return True

    @property
    def size(self) -> int:  # unknown until written; FileSystemStorage does not need it
        return 0


def store_encrypted(file: Any, raw_key: bytes, *, appeal_id: int) -> str:
    storage = storages["private"]
    name = f"tips/{appeal_id}/{secrets.token_hex(16)}"
    return storage.save(name, _EncryptedFile(file, raw_key))


def open_decrypted(storage_name: str, wrapped_key: str) -> Iterator[bytes]:
    storage = storages["private"]
    raw_key = crypto.unwrap_key(wrapped_key)
    handle = storage.open(storage_name, "rb")

    def gen() -> Iterator[bytes]:
        try:
            yield from crypto.decrypt_stream(iter(lambda: handle.read(1 << 20), b""), raw_key)
        finally:
            handle.close()

    return gen()


def delete_stored(names: Iterable[str]) -> None:
    storage = storages["private"]
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)
