"""Charts drawn on the server as inline SVG: no script, no `style=` (the CSP forbids both).

Colours are presentation attributes (`fill=`), which the CSP allows, plus classes for the style
sheet; every bar has a `<title>` with its exact figure (a tooltip, and what a screen reader reads).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

BAR = "#2f6ea5"
PART = "#5fa35f"
AXIS = "#8a96a3"
TEXT = "#23303d"
FONT = 'font-family="sans-serif" font-size="12"'


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and the tooltip with the exact figures."""

    label: str
    value: float
    tooltip: str
    part: float | None = None  # a darker inner bar (e.g. how many of the exams were passed)
    sublabel: str = ""  # a second line under a column's label (the year under a month)


def number_ru(value: float | Decimal | int | None, digits: int = 1, fixed: bool = False) -> str:
    """«66,7»: a Russian decimal comma; whole numbers without a fraction unless `fixed`."""
    if value is None:
        return "—"
    if not fixed and float(value) == int(value):
        return str(int(value))
    return f"{float(value):.{digits}f}".replace(".", ",")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(width: int, height: int, label: str, body: list[str], css_class: str) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label={quoteattr(label)}>'
            f"<title>{escape(label)}</title>")
    return Markup(head + "".join(body) + "</svg>")


def horizontal_bars(bars: list[Bar], *, title: str, maximum: float = 100.0, unit: str = "\u00a0%") -> Markup:
    """One horizontal bar per group (group names are long: they read best on the left)."""
    label_width, bar_width, row, top = 260, 380, 26, 10
    width, height = label_width + bar_width + 70, top * 2 + row * max(1, len(bars)) + 20
    body = [f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - 20}" stroke="{AXIS}"/>']
    for percent in (0, 50, 100):
        x = label_width + bar_width * percent / 100
        body.append(f'<text x="{x:.1f}" y="{height - 5}" text-anchor="middle" fill="{AXIS}" {FONT}>'
                    f"{number_ru(maximum * percent / 100)}{escape(unit)}</text>")
    for index, bar in enumerate(bars):
        y = top + index * row
        length = bar_width * min(max(bar.value, 0.0), maximum) / maximum if maximum else 0
        body.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="{TEXT}" {FONT}>'
                    f"{escape(_short(bar.label, 38))}</text>")
        body.append(f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
                    f'fill="{BAR}"><title>{escape(bar.tooltip)}</title></rect>')
        body.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" fill="{TEXT}" {FONT}>'
                    f"{number_ru(bar.value)}{escape(unit)}</text>")
    if not bars:
        body.append(f'<text x="{label_width + 8}" y="{top + 17}" fill="{AXIS}" {FONT}>Нет данных за период</text>')
    return _svg(width, height, title, body, "chart-hbar")


def vertical_bars(bars: list[Bar], *, title: str, legend: tuple[str, str] | None = None) -> Markup:
    """One column per period (months): the total, and the `part` drawn over it in another colour.

    `legend` names the two colours (the total's and the part's) above the plot.
    """
    left, top, plot_height, bottom = 40, 30 if legend else 12, 180, 40
    column = max(18, min(48, 720 // max(1, len(bars))))
    width, height = max(320, left + column * max(1, len(bars)) + 10), top + plot_height + bottom
    peak = max([bar.value for bar in bars] + [1.0])
    base = top + plot_height
    body = [f'<line x1="{left}" y1="{base}" x2="{width - 5}" y2="{base}" stroke="{AXIS}"/>',
            f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="{AXIS}" {FONT}>{number_ru(peak)}</text>',
            f'<text x="{left - 6}" y="{base}" text-anchor="end" fill="{AXIS}" {FONT}>0</text>']
    if legend:
        for index, (colour, text) in enumerate(zip((BAR, PART), legend)):
            x = left + index * 140
            body.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
                        f'<text x="{x + 18}" y="15" fill="{TEXT}" {FONT}>{escape(text)}</text>')
    step = max(1, len(bars) // 12)  # at most about twelve labels under the axis
    for index, bar in enumerate(bars):
        x = left + index * column + 3
        size = plot_height * bar.value / peak
        body.append(f'<rect class="bar" x="{x}" y="{base - size:.1f}" width="{column - 6}" height="{size:.1f}" '
                    f'fill="{BAR}"><title>{escape(bar.tooltip)}</title></rect>')
        if bar.part:
            part = plot_height * bar.part / peak
            body.append(f'<rect class="bar-part" x="{x}" y="{base - part:.1f}" width="{column - 6}" '
                        f'height="{part:.1f}" fill="{PART}"><title>{escape(bar.tooltip)}</title></rect>')
        middle = x + (column - 6) / 2
        if index % step == 0:
            body.append(f'<text x="{middle:.1f}" y="{base + 16}" text-anchor="middle" fill="{TEXT}" '
                        f'{FONT}>{escape(bar.label)}</text>')
        if bar.sublabel:
            body.append(f'<text x="{middle:.1f}" y="{base + 31}" text-anchor="middle" fill="{AXIS}" '
                        f'{FONT}>{escape(bar.sublabel)}</text>')
    return _svg(width, height, title, body, "chart-vbar")
