"""PDF poster renderer: pure, data in → PDF bytes out (no Django, no database).

Public surface:
- ``PosterData``                        everything printed, already filtered for publication.
- ``render_poster(data) -> bytes``      A4 or A3 portrait (``data.page_size``).
- ``render_poster_layout(data) -> tuple[bytes, Layout]``   the same plus every drawn box,
  so tests (and the service) can prove that nothing leaves the page or overlaps.

Layout, top to bottom: branding bar (organisation, case reference), danger warning (R16),
headline by kind, subject line, witness line (R5), photos, description (shrinks from the
base size down to a floor; below that it is cut with "…" and the appeal URL), reward (R17),
footer with hotline, "110 if seen now" and a QR code to the appeal page. All sizes scale
with the page width, so A3 is A4 enlarged. Text is set in Bitstream Vera (ships with
reportlab), which covers umlauts, ß, „German quotes“, dashes and the euro sign.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_SIZES = {"a4": A4, "a3": A3}
BRAND = HexColor("#0b3d6e")
DANGER = HexColor("#a4000f")
DANGER_BG = HexColor("#fde8ea")
NOTE_BG = HexColor("#fff4d6")
INK = HexColor("#1a1a1a")
MUTED = HexColor("#4a4a4a")

BODY_MAX_PT = 12.0  # at A4; scaled for A3
BODY_MIN_PT = 7.0  # the floor: smaller is unreadable on a lamp post
ELLIPSIS = "…"


@dataclass(frozen=True)
class PosterData:
    headline: str
    url: str
    org_name: str
    case_reference: str
    hotline: str
    subject: str = ""
    facts: str = ""
    details: tuple[tuple[str, str], ...] = ()
    reward: str | None = None
    danger_notice: str | None = None
    witness_notice: str | None = None
    photo_paths: tuple[str, ...] = ()
    call_110: str = "Wenn Sie die gesuchte Person jetzt sehen: sofort 110 wählen."
    tip_line: str = "Hinweise an die Polizei"
    more_text: str = "Vollständiger Text"
    page_size: str = "a4"


@dataclass(frozen=True)
class Box:
    kind: str  # "text", "photo", "qr"
    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""
    size: float = 0.0

    def overlaps(self, other: Box, tolerance: float = 0.01) -> bool:
        return not (
            self.x1 <= other.x0 + tolerance or other.x1 <= self.x0 + tolerance
            or self.y1 <= other.y0 + tolerance or other.y1 <= self.y0 + tolerance
        )


@dataclass
class Layout:
    page_width: float
    page_height: float
    margin: float
    boxes: list[Box] = field(default_factory=list)
    body_font_size: float = 0.0
    truncated: bool = False

    def texts(self) -> list[str]:
        return [b.text for b in self.boxes if b.kind == "text"]


# --- fonts -----------------------------------------------------------------------------

_FONT_DIR = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD = "PosterSans", "PosterSans-Bold"


def _register_fonts() -> tuple[str, str]:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return REGULAR, BOLD
    try:
        pdfmetrics.registerFont(TTFont(REGULAR, str(_FONT_DIR / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(_FONT_DIR / "VeraBd.ttf")))
    except Exception:  # a reportlab build without its bundled fonts
        return "Helvetica", "Helvetica-Bold"
    return REGULAR, BOLD


# --- text helpers ------------------------------------------------------------------------

def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap by real glyph widths; over-long words are split by characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if _width(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while _width(word, font, size) > width:
                cut = len(word)
                while cut > 1 and _width(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def _fit_size(text: str, font: str, start: float, floor: float, width: float) -> float:
    size = start
    while size > floor and _width(text, font, size) > width:
        size -= 0.5
    return size


class _Pen:
    """Draws text and images and records their boxes for the layout report."""

    def __init__(self, canvas: Canvas, layout: Layout) -> None:
        self.c = canvas
        self.layout = layout

    def text(self, x: float, y: float, text: str, font: str, size: float, color: Color = INK,
             align: str = "left") -> None:
        w = _width(text, font, size)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        self.c.setFillColor(color)
        self.c.setFont(font, size)
        self.c.drawString(x, y, text)
        if text:
            face = pdfmetrics.getFont(font).face
            ascent = face.ascent / 1000 * size
            descent = -face.descent / 1000 * size
            self.layout.boxes.append(Box("text", x, y - descent, x + w, y + ascent, text, size))

    def image(self, path: str, x: float, y: float, w: float, h: float) -> bool:
        try:
            reader = ImageReader(path)
            iw, ih = reader.getSize()
        except Exception:  # unreadable or vanished rendition: leave the space empty
            return False
        scale = min(w / iw, h / ih)
        dw, dh = iw * scale, ih * scale
        dx, dy = x + (w - dw) / 2, y + (h - dh) / 2
        self.c.drawImage(reader, dx, dy, dw, dh, mask="auto")
        self.layout.boxes.append(Box("photo", dx, dy, dx + dw, dy + dh))
        return True

    def qr(self, url: str, x: float, y: float, size: float) -> None:
        widget = QrCodeWidget(url, barLevel="M")
        bx0, by0, bx1, by1 = widget.getBounds()
        bw, bh = bx1 - bx0, by1 - by0
        drawing = Drawing(size, size, transform=[size / bw, 0, 0, size / bh, 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, self.c, x, y)
        self.layout.boxes.append(Box("qr", x, y, x + size, y + size, url))


# --- rendering ---------------------------------------------------------------------------

def render_poster(data: PosterData) -> bytes:
    return render_poster_layout(data)[0]


def render_poster_layout(data: PosterData) -> tuple[bytes, Layout]:
    if data.page_size not in PAGE_SIZES:
        raise ValueError(f"unknown page size {data.page_size!r}")
    regular, bold = _register_fonts()
    page_w, page_h = PAGE_SIZES[data.page_size]
    s = page_w / A4[0]
    margin = 36 * s
    content_w = page_w - 2 * margin
    left, right = margin, page_w - margin
    layout = Layout(page_w, page_h, margin)

    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(page_w, page_h), pageCompression=1)
    c.setTitle(f"{data.headline} – {data.org_name}")
    c.setAuthor(data.org_name)
    c.setSubject(data.url)
    pen = _Pen(c, layout)
    gap = 8 * s
    y = page_h - margin

    # Branding bar: organisation left, case reference right.
    bar_h = 34 * s
    c.setFillColor(BRAND)
    c.rect(left, y - bar_h, content_w, bar_h, stroke=0, fill=1)
    ref = f"Az.: {data.case_reference}" if data.case_reference else ""
    ref_size = _fit_size(ref, regular, 10 * s, 6 * s, content_w * 0.4) if ref else 0
    ref_w = _width(ref, regular, ref_size) if ref else 0
    org_room = content_w - ref_w - 3 * gap
    org_size = _fit_size(data.org_name, bold, 15 * s, 7 * s, org_room)
    org = data.org_name if _width(data.org_name, bold, org_size) <= org_room else _cut(data.org_name, bold, org_size, org_room)
    baseline = y - bar_h / 2 - org_size * 0.35
    pen.text(left + gap, baseline, org, bold, org_size, white)
    if ref:
        pen.text(right - gap, y - bar_h / 2 - ref_size * 0.35, ref, regular, ref_size, white, align="right")
    y -= bar_h + gap

    # Danger warning first (R16).
    if data.danger_notice:
        y = _boxed(pen, data.danger_notice, bold, 13 * s, left, right, y, DANGER, DANGER_BG, gap) - gap

    # Headline, as large as the width allows.
    head_size = _fit_size(data.headline, bold, 64 * s, 20 * s, content_w)
    y -= head_size * 0.95
    pen.text(page_w / 2, y, data.headline, bold, head_size, DANGER if data.danger_notice else BRAND, align="center")
    y -= head_size * 0.25 + gap

    if data.subject:
        sub_size = 16 * s
        lines = wrap(data.subject, bold, sub_size, content_w)
        if len(lines) > 2:
            lines = [*lines[:1], _cut(" ".join(lines[1:]), bold, sub_size, content_w)]
        for line in lines:
            y -= sub_size
            pen.text(page_w / 2, y, line, bold, sub_size, INK, align="center")
            y -= sub_size * 0.25
        y -= gap

    if data.witness_notice:
        y = _boxed(pen, data.witness_notice, bold, 12 * s, left, right, y, INK, NOTE_BG, gap) - gap

    # Footer, bottom-up: QR code right; hotline, 110 and URL left.
    qr_size = 104 * s
    bottom = margin + 2.5 * s  # room for descenders below the baseline
    url_size = _fit_size(data.url, regular, 8 * s, 5 * s, content_w)
    pen.text(left, bottom, data.url if _width(data.url, regular, url_size) <= content_w else _cut(data.url, regular, url_size, content_w), regular, url_size, MUTED)
    qr_y = bottom + url_size + 4 * s
    pen.qr(data.url, right - qr_size, qr_y, qr_size)
    text_room = content_w - qr_size - 2 * gap
    line_y = qr_y + qr_size - 18 * s
    tip = f"{data.tip_line}:"
    tip_size = _fit_size(tip, bold, 14 * s, 7 * s, text_room)
    pen.text(left, line_y, tip, bold, tip_size, INK)
    hot_size = _fit_size(data.hotline, bold, 28 * s, 10 * s, text_room)
    line_y -= hot_size + 4 * s
    pen.text(left, line_y, data.hotline, bold, hot_size, BRAND)
    call_size = 13 * s
    call_lines = wrap(data.call_110, bold, call_size, text_room)[:3]
    for line in call_lines:
        line_y -= call_size * 1.3
        pen.text(left, line_y, line, bold, call_size, DANGER)
    footer_top = qr_y + qr_size + gap

    # Reward above the footer (R17).
    if data.reward:
        reward_lines = wrap(data.reward, bold, 11 * s, content_w - 2 * gap)[:4]
        box_h = len(reward_lines) * 11 * s * 1.3 + 2 * gap
        c.setStrokeColor(BRAND)
        c.setLineWidth(2 * s)
        c.rect(left, footer_top, content_w, box_h, stroke=1, fill=0)
        ty = footer_top + box_h - gap
        for line in reward_lines:
            ty -= 11 * s
            pen.text(left + gap, ty, line, bold, 11 * s, BRAND)
            ty -= 11 * s * 0.3
        footer_top += box_h + gap

    # Photos in the middle: up to two side by side, at most 40 % of the free height.
    free = y - footer_top
    photos = [p for p in data.photo_paths if p][:2]
    if photos and free > 120 * s:
        photo_h = min(free * 0.45, 300 * s)
        cell_w = (content_w - gap * (len(photos) - 1)) / len(photos)
        for i, path in enumerate(photos):
            pen.image(path, left + i * (cell_w + gap), y - photo_h, cell_w, photo_h)
        y -= photo_h + gap

    _body(pen, data, regular, bold, left, content_w, y, footer_top, s)
    c.showPage()
    c.save()
    return buffer.getvalue(), layout


def _cut(text: str, font: str, size: float, width: float) -> str:
    while text and _width(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _boxed(pen: _Pen, text: str, font: str, size: float, left: float, right: float, top: float,
           color: Color, background: Color, pad: float) -> float:
    lines = wrap(text, font, size, right - left - 2 * pad)
    height = len(lines) * size * 1.3 + 2 * pad - size * 0.3
    pen.c.setFillColor(background)
    pen.c.setStrokeColor(color)
    pen.c.setLineWidth(2)
    pen.c.rect(left, top - height, right - left, height, stroke=1, fill=1)
    y = top - pad
    for line in lines:
        y -= size
        pen.text(left + pad, y, line, font, size, color)
        y -= size * 0.3
    return top - height


def _body_lines(data: PosterData, regular: str, bold: str, size: float,
                width: float) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(font, line) pairs for the description: facts, and "Label: value" details."""
    facts: list[tuple[str, str]] = []
    if data.facts:
        facts = [(regular, line) for line in wrap(data.facts, regular, size, width)]
    details: list[tuple[str, str]] = []
    for label, value in data.details:
        label_text = f"{label}: "
        label_w = _width(label_text, bold, size)
        if label_w > width * 0.45:
            details.append((bold, label_text.strip()))
            details += [(regular, line) for line in wrap(value, regular, size, width)]
            continue
        for i, line in enumerate(wrap(value, regular, size, width - label_w)):
            details.append(("label", f"{label_text}\0{line}") if i == 0 else ("indent", f"{label_w}\0{line}"))
    return facts, details


def _join(facts: list[tuple[str, str]], details: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [*facts, ("", ""), *details] if facts and details else [*facts, *details]


def _body(pen: _Pen, data: PosterData, regular: str, bold: str, left: float, width: float,
          top: float, bottom: float, s: float) -> None:
    available = top - bottom
    size = BODY_MAX_PT * s
    floor = BODY_MIN_PT * s
    while True:
        facts, details = _body_lines(data, regular, bold, size, width)
        lines = _join(facts, details)
        if len(lines) * size * 1.3 <= available or size <= floor:
            break
        size = max(floor, size - 0.5 * s)
    leading = size * 1.3
    pen.layout.body_font_size = size
    capacity = int(available // leading)
    if len(lines) > capacity:
        # Still too long at the floor: the description of the person matters most on a
        # poster, so the facts are cut first, with "…" and the URL of the full text.
        pen.layout.truncated = True
        tail = [(bold, t) for t in wrap(f"{ELLIPSIS} {data.more_text}: {data.url}", bold, size, width)]
        fact_room = capacity - len(tail) - (len(details) + 1 if details else 0)
        if facts and fact_room >= 1:
            lines = [*facts[:fact_room], *tail, ("", ""), *details][:capacity]
        else:
            keep = max(0, capacity - len(tail))
            lines = [*details[:keep], *tail][:capacity]
    y = top
    for font, line in lines:
        y -= size
        if font == "label":
            label, value = line.split("\0", 1)
            pen.text(left, y, label.rstrip(), bold, size)
            pen.text(left + _width(label, bold, size), y, value, regular, size)
        elif font == "indent":
            offset, value = line.split("\0", 1)
            pen.text(left + float(offset), y, value, regular, size)
        elif line:
            pen.text(left, y, line, font, size)
        y -= leading - size
