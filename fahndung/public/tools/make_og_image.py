"""Generate the neutral link-preview graphic (og:image), never a person's photo (R7).

    uv run python -m fahndung.public.tools.make_og_image [ORG_NAME]

Writes fahndung/public/static/public/og-neutral.png (1200×630). The committed file was
made with this script; re-run it when the organisation name changes.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[1] / "static" / "public" / "og-neutral.png"
FONTS = Path(reportlab.__file__).parent / "fonts"


def make(org_name: str = "Polizeipräsidium Stuttgart", out: Path = OUT) -> Path:
    width, height = 1200, 630
    img = Image.new("RGB", (width, height), (11, 61, 110))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, height - 90, width, height], fill=(8, 40, 74))
    big = ImageFont.truetype(str(FONTS / "VeraBd.ttf"), 110)
    mid = ImageFont.truetype(str(FONTS / "VeraBd.ttf"), 48)
    small = ImageFont.truetype(str(FONTS / "Vera.ttf"), 34)
    # A plain star badge instead of a coat of arms: no official emblem is reproduced here.
    cx, cy, r = 150, 220, 80
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    draw.polygon(points, fill=(255, 255, 255))
    draw.text((270, 150), "POLIZEI", font=big, fill=(255, 255, 255))
    draw.text((272, 290), "Öffentlichkeitsfahndung", font=mid, fill=(220, 232, 245))
    draw.text((80, 400), "Hinweise bitte direkt an die Polizei – Notruf 110", font=small, fill=(255, 255, 255))
    draw.text((80, height - 66), org_name, font=small, fill=(255, 255, 255))
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, format="PNG", optimize=True)
    return out


if __name__ == "__main__":
    print(make(*(sys.argv[1:2] or [])))
