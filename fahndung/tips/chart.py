"""Server-rendered SVG chart of tips per day by channel (no JavaScript, no CDN).

Public surface: ``render_chart_svg(series) -> str`` for ``selectors.tip_chart_series``.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

_COLORS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#7f7f7f"]


def render_chart_svg(series: dict[str, Any], *, width: int = 720, height: int = 240) -> str:
    days = series["days"]
    lines = series["series"]
    n = max(len(days), 1)
    left, right, top, bottom = 40, 10, 10, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s["counts"][i] for s in lines) for i in range(len(days))]
    peak = max([*totals, 1])
    bar_w = plot_w / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="tips-chart-title" class="tips-chart">',
        f'<title id="tips-chart-title">Hinweise pro Tag nach Kanal, insgesamt {series["total"]}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#333"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="10">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="10">0</text>',
    ]
    for i, day in enumerate(days):
        y = top + plot_h
        for index, line in enumerate(lines):
            value = line["counts"][i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{left + i * bar_w + 1:.1f}" y="{y:.1f}" width="{max(bar_w - 2, 1):.1f}" height="{h:.1f}" '
                f'fill="{_COLORS[index % len(_COLORS)]}"><title>{day:%d.%m.} {escape(line["label"])}: {value}</title></rect>'
            )
        if n <= 14 or i % max(n // 10, 1) == 0:
            parts.append(
                f'<text x="{left + i * bar_w + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                f'font-size="10">{day:%d.%m.}</text>'
            )
    for index, line in enumerate(lines):
        x = left + index * 150
        parts.append(f'<rect x="{x}" y="{height - 18}" width="10" height="10" fill="{_COLORS[index % len(_COLORS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{height - 9}" font-size="10">{escape(line["label"])}</text>')
    parts.append("</svg>")
    return "".join(parts)
