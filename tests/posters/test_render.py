"""The pure poster renderer: text present, fits the page, QR decodes, A4/A3, long text."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A3, A4

from fahndung.posters.render import (
    BODY_MAX_PT,
    BODY_MIN_PT,
    PosterData,
    render_poster,
    render_poster_layout,
    wrap,
)

URL = "http://127.0.0.1:8000/fahndung/k7q2xm9a/"
FACTS = "Am 12. März gegen 21:30 Uhr überfiel ein Mann eine Apotheke in der Königstraße. Er sagte „Kasse auf!“ – und floh zu Fuß."


def poster(**overrides) -> PosterData:
    values = {
        "headline": "FAHNDUNG",
        "url": URL,
        "org_name": "Polizeipräsidium Stuttgart",
        "case_reference": "ST/1234/00001/26",
        "hotline": "0711 8990-5778",
        "subject": "Schwerer Raub – Stuttgart-Mitte, Königstraße",
        "facts": FACTS,
        "details": (("Geschlecht", "männlich"), ("Größe", "175–180 cm"), ("Bekleidung", "weiße Jacke, Größe XL, Straßenschuhe")),
        "reward": "Für Hinweise ist eine Belohnung von bis zu 5.000 Euro ausgesetzt.",
        "danger_notice": "Achtung: Nicht ansprechen – sofort 110 wählen!",
        "witness_notice": None,
    }
    values.update(overrides)
    return PosterData(**values)


def pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == 1
    # Lines are joined with spaces so wrapped phrases can be searched as a whole.
    return " ".join(doc[0].get_textpage().get_text_range().split())


def assert_fits(layout) -> None:
    m = layout.margin
    for box in layout.boxes:
        assert m - 0.01 <= box.x0 and box.x1 <= layout.page_width - m + 0.01, box
        assert m - 0.01 <= box.y0 and box.y1 <= layout.page_height - m + 0.01, box
    overlapping = [
        (a, b) for i, a in enumerate(layout.boxes) for b in layout.boxes[i + 1:] if a.overlaps(b)
    ]
    assert not overlapping, overlapping[:3]


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "poster.jpg"
    Image.new("RGB", (600, 800), (90, 100, 110)).save(path)
    return str(path)


@pytest.mark.parametrize(("size", "dims"), [("a4", A4), ("a3", A3)])
def test_page_size_and_text(size, dims, photo):
    pdf, layout = render_poster_layout(poster(page_size=size, photo_paths=(photo,)))
    page = pdfium.PdfDocument(pdf)[0]
    assert page.get_size() == pytest.approx(dims, abs=0.5)
    text = pdf_text(pdf)
    for expected in ("FAHNDUNG", "Polizeipräsidium Stuttgart", "ST/1234/00001/26", "0711 8990-5778",
                     "sofort 110", "Königstraße", "männlich", "5.000 Euro", "Nicht ansprechen"):
        assert expected in text, expected
    assert [b.kind for b in layout.boxes].count("photo") == 1
    assert [b.kind for b in layout.boxes].count("qr") == 1
    assert_fits(layout)


def test_german_typography_survives(photo):
    text = pdf_text(render_poster(poster()))
    # Umlauts, ß, German quotes and dashes come out as the same Unicode characters.
    for expected in ("überfiel", "Größe", "„Kasse auf!“", "–", "Straßenschuhe"):
        assert expected in text, expected


def test_a3_is_a4_enlarged():
    _pdf4, a4 = render_poster_layout(poster(page_size="a4"))
    _pdf3, a3 = render_poster_layout(poster(page_size="a3"))
    assert a3.body_font_size == pytest.approx(a4.body_font_size * A3[0] / A4[0])


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_qr_code_decodes_to_the_appeal_url(size):
    pdf = render_poster(poster(page_size=size))
    image = pdfium.PdfDocument(pdf)[0].render(scale=3 if size == "a4" else 2).to_pil().convert("RGB")
    decoded, _points, _ = cv2.QRCodeDetector().detectAndDecode(np.array(image))
    assert decoded == URL


def test_witness_and_danger_lines():
    text = pdf_text(render_poster(poster(
        headline="ZEUGEN GESUCHT", danger_notice=None,
        witness_notice="Die gesuchte Person wird als Zeugin/Zeuge gesucht – sie ist nicht tatverdächtig.",
    )))
    assert "nicht tatverdächtig" in text
    assert "Nicht ansprechen" not in text
    assert "ZEUGEN GESUCHT" in text


def test_no_reward_block_without_reward():
    assert "Belohnung" not in pdf_text(render_poster(poster(reward=None)))


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_medium_description_shrinks_but_stays_complete(size):
    facts = " ".join([FACTS] * 25)
    pdf, layout = render_poster_layout(poster(facts=facts, page_size=size))
    scale = (A3[0] if size == "a3" else A4[0]) / A4[0]
    assert BODY_MIN_PT * scale <= layout.body_font_size < BODY_MAX_PT * scale
    assert not layout.truncated
    text = pdf_text(pdf)
    assert "Straßenschuhe" in text  # the last detail still made it
    assert_fits(layout)


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_very_long_description_is_cut_with_ellipsis_and_url(size, photo):
    facts = " ".join([FACTS] * 200)
    pdf, layout = render_poster_layout(poster(facts=facts, page_size=size, photo_paths=(photo, photo)))
    scale = (A3[0] if size == "a3" else A4[0]) / A4[0]
    assert layout.truncated
    assert layout.body_font_size == pytest.approx(BODY_MIN_PT * scale)
    texts = layout.texts()
    assert any(t.startswith("… Vollständiger Text:") for t in texts)
    # The person's description is kept; the facts are what gets cut.
    assert any("Straßenschuhe" in t for t in texts)
    assert_fits(layout)
    assert len(pdfium.PdfDocument(pdf)) == 1


def test_long_words_and_names_never_overflow():
    _pdf, layout = render_poster_layout(poster(
        org_name="Polizeipräsidium " + "Baden-Württemberg-" * 6 + "Stuttgart",
        subject="Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 3,
        details=(("Bekleidung", "X" * 400),),
        case_reference="ST/" + "9" * 60,
    ))
    assert_fits(layout)


def test_missing_photo_file_is_skipped(tmp_path):
    _pdf, layout = render_poster_layout(poster(photo_paths=(str(tmp_path / "gone.jpg"),)))
    assert "photo" not in [b.kind for b in layout.boxes]
    assert_fits(layout)


def test_unknown_page_size_is_rejected():
    with pytest.raises(ValueError):
        render_poster(poster(page_size="letter"))


def test_wrap_respects_width():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines = wrap("Ein sehr langer Satz mit Wörtern " * 10 + "Überlänge" * 20, "Helvetica", 10, 120)
    assert all(stringWidth(line, "Helvetica", 10) <= 120 for line in lines)
    assert "".join(lines).replace(" ", "").startswith("EinsehrlangerSatz")
