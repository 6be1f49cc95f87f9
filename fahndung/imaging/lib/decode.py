"""Safe intake: content sniffing, header-only probe and a guarded full decode.

- sniff(head: bytes) -> str | None        "image/jpeg" | "image/png" | "image/webp" | None
- probe(fp, *, max_bytes, max_pixels) -> ProbeInfo
      cheap checks without decoding pixels (byte cap, magic bytes, header dimensions,
      pixel cap); safe to call inside a web request.
- decode(data, *, max_pixels) -> Decoded
      full decode: first frame only, truncated files refused, decompression-bomb
      warnings are errors, EXIF orientation applied once, ICC -> sRGB, CMYK / 16-bit /
      palette / alpha normalised to RGB uint8.  Runs in the worker, not the request.

Every refusal raises ImageRejected with a one-line German message.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageCms, ImageFile, ImageOps

from fahndung.imaging.lib.errors import ImageRejected

# Only these decoders are ever reached: this also keeps exotic plugins (FITS, PSD, ...)
# and their bomb/CVE surface out of the path.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
_FORMAT_TO_TYPE = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}

# A truncated file must fail loudly, never be padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True)
class ProbeInfo:
    content_type: str
    width: int
    height: int
    size_bytes: int


@dataclass
class Decoded:
    rgb: np.ndarray
    content_type: str
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])


def sniff(head: bytes) -> str | None:
    """Content type from the first bytes; the file name and the client's type are ignored."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _is_heif(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def _refuse_type(head: bytes) -> ImageRejected:
    if _is_heif(head):
        return ImageRejected(
            "HEIC/HEIF/AVIF-Fotos werden nicht unterstützt: bitte als JPEG exportieren "
            "(iPhone: Einstellungen › Kamera › Formate › „Maximale Kompatibilität“).",
            "unsupported_heif",
        )
    return ImageRejected("Nur JPEG-, PNG- oder WebP-Bilder sind erlaubt (geprüft am Inhalt, nicht an der Endung).", "unsupported_type")


def _pixel_guard(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageRejected("Das Bild hat keine gültigen Abmessungen.", "bad_dimensions")
    if width * height > max_pixels:
        raise ImageRejected(
            f"Das Bild ist zu groß ({width}×{height} Pixel, höchstens {max_pixels / 1e6:.0f} Megapixel).",
            "too_many_pixels",
        )


def _open(fp: BinaryIO, max_pixels: int) -> Image.Image:
    """Image.open parses the header only; bomb warnings become errors here."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(fp, formats=list(ALLOWED_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected("Das Bild ist zu groß (Dekompressionsbombe abgewehrt).", "decompression_bomb") from None
        except Image.UnidentifiedImageError:
            raise ImageRejected("Die Datei ist kein lesbares JPEG-, PNG- oder WebP-Bild.", "unreadable") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageRejected("Die Bilddatei ist beschädigt.", "corrupt") from None
    _pixel_guard(im.width, im.height, max_pixels)
    return im


def probe(fp: BinaryIO, *, max_bytes: int, max_pixels: int, size: int | None = None) -> ProbeInfo:
    """Header-only intake check; leaves the stream at position 0."""
    if size is None:
        fp.seek(0, io.SEEK_END)
        size = fp.tell()
    if size <= 0:
        raise ImageRejected("Die Datei ist leer.", "empty")
    if size > max_bytes:
        raise ImageRejected(f"Die Datei ist zu groß ({size / 1e6:.1f} MB, höchstens {max_bytes / 1e6:.0f} MB).", "too_large")
    fp.seek(0)
    head = fp.read(32)
    fp.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise _refuse_type(head)
    try:
        im = _open(fp, max_pixels)
        fmt = im.format
        width, height = im.width, im.height
    finally:
        fp.seek(0)
    if _FORMAT_TO_TYPE.get(fmt or "") != content_type:
        raise ImageRejected("Dateiinhalt und Bildformat passen nicht zusammen.", "type_mismatch")
    return ProbeInfo(content_type=content_type, width=width, height=height, size_bytes=size)


def _to_srgb(im: Image.Image, notes: list[str]) -> Image.Image:
    icc = im.info.get("icc_profile")
    if not icc:
        return im
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.createProfile("sRGB")
        if im.mode not in ("RGB", "CMYK", "L"):
            im = im.convert("RGB")
        out_mode = "L" if im.mode == "L" else "RGB"
        converted = ImageCms.profileToProfile(im, src, dst, outputMode=out_mode)
        notes.append("ICC-Profil nach sRGB umgerechnet")
        return converted if converted is not None else im
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken profile must not block the photo; fall back to plain conversion.
        notes.append("ICC-Profil unlesbar, ohne Farbumrechnung übernommen")
        return im


def _high_bit_to_rgb(im: Image.Image) -> np.ndarray:
    arr = np.asarray(im)
    if arr.dtype == np.uint16 or im.mode.startswith("I;16"):
        arr8 = (arr.astype(np.uint32) >> 8).astype(np.uint8)
    else:  # mode "I" (32-bit): scale by the actual range of 16-bit sources
        arr = arr.astype(np.int64)
        top = 65535 if arr.max() > 255 else 255
        arr8 = np.clip(arr * 255 // top, 0, 255).astype(np.uint8)
    if arr8.ndim == 2:
        arr8 = np.repeat(arr8[:, :, None], 3, axis=2)
    return np.ascontiguousarray(arr8[:, :, :3])


def _flatten(im: Image.Image) -> Image.Image:
    """Alpha is composited on white: transparent areas must not hide content in black."""
    if im.mode == "P":
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        bg.alpha_composite(im)
        return bg.convert("RGB")
    return im


def decode(data: bytes, *, max_pixels: int, max_bytes: int | None = None) -> Decoded:
    """Full guarded decode of untrusted bytes to RGB uint8 (orientation-corrected)."""
    if not data:
        raise ImageRejected("Die Datei ist leer.", "empty")
    if max_bytes is not None and len(data) > max_bytes:
        raise ImageRejected("Die Datei ist zu groß.", "too_large")
    content_type = sniff(data[:32])
    if content_type is None:
        raise _refuse_type(data[:32])
    flags: list[str] = []
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = _open(io.BytesIO(data), max_pixels)
        if _FORMAT_TO_TYPE.get(im.format or "") != content_type:
            raise ImageRejected("Dateiinhalt und Bildformat passen nicht zusammen.", "type_mismatch")
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # animations: first frame only
            flags.append("animated")
            notes.append("Animiertes Bild: nur das erste Einzelbild wird verwendet")
        try:
            im.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected("Das Bild ist zu groß (Dekompressionsbombe abgewehrt).", "decompression_bomb") from None
        except MemoryError:
            raise  # the caller's memory limit, not a broken file (imaging.sandbox reports it)
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageRejected("Das Bild ist beschädigt oder unvollständig (abgeschnittene Datei).", "truncated") from None
        try:
            im = ImageOps.exif_transpose(im)  # once, here; later steps never look at EXIF
        except (OSError, ValueError, TypeError, KeyError, SyntaxError):
            notes.append("EXIF-Ausrichtung unlesbar, Bild unverändert übernommen")
        _pixel_guard(im.width, im.height, max_pixels)
        original_mode = im.mode
        if im.mode.startswith("I") or im.mode in ("RGB;16", "RGBA;16"):
            rgb = _high_bit_to_rgb(im)
            flags.append("high_bit_depth")
        else:
            if im.mode == "1":
                im = im.convert("L")
            if im.mode == "CMYK":
                flags.append("cmyk")
            im = _to_srgb(im, notes)
            im = _flatten(im)
            if im.mode != "RGB":
                im = im.convert("RGB")
            rgb = np.ascontiguousarray(np.asarray(im, dtype=np.uint8))
    if original_mode in ("L", "LA", "1", "I", "I;16", "I;16B", "I;16L") or is_greyscale(rgb):
        flags.append("greyscale")
    return Decoded(rgb=rgb, content_type=content_type, flags=flags, notes=notes)


def is_greyscale(rgb: np.ndarray) -> bool:
    step = max(1, max(rgb.shape[:2]) // 256)
    sample = rgb[::step, ::step].astype(np.int16)
    spread = np.abs(sample[:, :, 0] - sample[:, :, 1]) + np.abs(sample[:, :, 1] - sample[:, :, 2])
    return bool(np.percentile(spread, 99) <= 6)
