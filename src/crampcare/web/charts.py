"""Small inline SVG charts drawn on the server.

Only presentation attributes (``fill``, ``stroke``): no ``style`` attributes or ``<style>``
elements, so the pages' Content-Security-Policy needs no 'unsafe-inline'. Each chart has a
``<title>`` and ``role="img"`` with a text alternative; the numbers are also in tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from crampcare.i18n.context import _

BAR = "#2f6fb5"
BAR_LIGHT = "#b9d3ee"
AXIS = "#666666"
TEXT = "currentColor"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" class="chart" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def vertical_bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    label: str,
    totals: Sequence[float] | None = None,
    label_every: int = 1,
    unit: str = "",
) -> str:
    """Bars for ``values`` (with lighter background bars for ``totals`` when given)."""
    n = max(1, len(values))
    width, height, left, bottom, top = 640, 220, 34, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max([*values, *(totals or []), 1.0])
    step = plot_w / n
    bar_w = min(40.0, max(1.0, step * 0.75))
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="{AXIS}"/>',
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" font-size="12" fill="{TEXT}">{peak:g}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="12" fill="{TEXT}">0</text>',
    ]
    for i, value in enumerate(values):
        x = left + i * step + (step - bar_w) / 2
        if totals is not None:
            h = plot_h * totals[i] / peak
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                        f'fill="{BAR_LIGHT}"/>')
        h = plot_h * value / peak
        tip = f"{labels[i]}: {value:g}{unit}" + (" " + _("of {total}", total=format(totals[i], "g")) if totals is not None else "")
        body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{BAR}"><title>{escape(tip)}</title></rect>')
        if i % label_every == 0:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" text-anchor="middle" font-size="12" '
                        f'fill="{TEXT}">{escape(labels[i])}</text>')
    return _svg(width, height, label, body)


def horizontal_bars(labels: Sequence[str], values: Sequence[float], *, label: str, unit: str = "") -> str:
    """One labelled bar per item (where, which leg, what helped)."""
    row, left, width = 30, 120, 640
    height = max(1, len(values)) * row + 8
    peak = max([*values, 1.0])
    body = []
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * row
        w = (width - left - 70) * value / peak
        body.append(f'<text x="{left - 8}" y="{y + 19}" text-anchor="end" font-size="14" fill="{TEXT}">'
                    f"{escape(name)}</text>")
        body.append(f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row - 10}" fill="{BAR}"/>')
        body.append(f'<text x="{left + w + 6:.1f}" y="{y + 19}" font-size="14" fill="{TEXT}">{value:g}{unit}</text>')
    return _svg(width, height, label, body)
