"""Charts of an :class:`~crampcare.insights.analysis.Insights` result (matplotlib, Agg).

matplotlib is imported only when a chart is drawn, and never through ``pyplot``: each figure is a
plain :class:`matplotlib.figure.Figure` with its own Agg (PNG) or SVG canvas, so drawing is safe in
a web server's threads and does not touch global backend state.

- :func:`weekly_figure`: cramp nights per week (per 7 logged nights) with the fitted trend and its
  95 % band;
- :func:`time_of_night_figure`: start times by hour, from evening to morning (daytime hours
  with no cramp are left out);
- :func:`triggers_figure`: a forest plot of risk ratios with 95 % CIs (log scale);
- :func:`overview_figure`: the three stacked.

:func:`write_chart` writes PNG or SVG (by the file suffix); :func:`chart_svg` returns SVG text
for the web page and the report (one renderer for both); :func:`render` returns bytes;
:func:`kept_chart_svg` is :func:`chart_svg` remembered for the last few distinct charts drawn.

Sized for a phone: figures are 4.5 in (324 pt) wide with 12 pt text, and the SVG's viewBox is in
points, so drawn at 324 CSS px or wider every label is at least 12 CSS px. Inline SVG carries no
``style`` attribute and no ``<style>`` element (the pages' Content-Security-Policy forbids inline
styles): matplotlib's styles become presentation attributes, and text and axes are drawn in
``currentColor`` so they follow the page's light or dark colours.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from crampcare.i18n.context import N_, _, current_language, current_localizer
from crampcare.insights.analysis import TIMING, Insights
from crampcare.kept import Kept, digest

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "ChartKind",
    "chart_svg",
    "kept_chart_svg",
    "overview_figure",
    "render",
    "time_of_night_figure",
    "triggers_figure",
    "weekly_figure",
    "write_chart",
]

ChartKind = Literal["overview", "weekly", "time_of_night", "triggers"]

_BAR = "#5b8ff9"
_LINE = "#e8710a"  # orange: visible on light and dark pages
_LINKED = "#c0392b"
_PROTECTIVE = "#1e8449"
_UNCLEAR = "#7f8c8d"
# Drawn in this unlikely colour, then replaced by ``currentColor`` in SVG (black in PNG).
_INK = "#010203"
_WIDTH = 4.5  # inches: 324 pt, the width of a 360 px phone's column
_FONT = 12
_RC: Any = {
    "svg.hashsalt": "crampcare",  # stable ids: the same insights give the same SVG
    "svg.fonttype": "none",  # keep text as text (smaller, selectable, accessible)
    "text.parse_math": False,  # labels carry the person's own tags: never read "$5 or $6" as maths
    "font.size": _FONT,
    "axes.titlesize": _FONT,
    "axes.labelsize": _FONT,
    "xtick.labelsize": _FONT,
    "ytick.labelsize": _FONT,
    "legend.fontsize": _FONT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": _INK,
    "axes.labelcolor": _INK,
    "axes.edgecolor": _INK,
    "xtick.color": _INK,
    "ytick.color": _INK,
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.facecolor": "none",
}
# Presentation attributes SVG accepts in place of these CSS properties.
_SVG_PROPERTIES = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linejoin",
    "stroke-linecap", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "font-size",
    "font-family", "font-weight", "font-style", "text-anchor", "clip-path", "dominant-baseline",
}


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=_UNCLEAR)
    ax.set_xticks([])
    ax.set_yticks([])


# Weeks further apart than this (a gap of more than four weeks without a night) break the trend line.
_TREND_GAP_DAYS = 35


def _draw_weekly(ax: Axes, ins: Insights) -> None:
    ax.set_title(_wrap(_("Cramp nights per week"), _AXES_TITLE_PT))
    if not ins.weekly:
        _empty(ax, _("No nights logged yet"))
        return
    import numpy as np

    x: Any = [w.week_start + dt.timedelta(days=3) for w in ins.weekly]
    y = [w.per_week or 0.0 for w in ins.weekly]
    width = 5 if len(x) < 60 else 6
    ax.bar(x, y, width=width, color=_BAR, alpha=0.6, label=_("per 7 nights"))
    fitted = [w.fitted_per_week for w in ins.weekly]
    if all(f is not None for f in fitted):
        band = np.array([(w.fitted_per_week, w.fitted_low, w.fitted_high) for w in ins.weekly], dtype=float)
        # Broken over months without a diary: a line drawn across them showed a trend where nothing was logged.
        line_x: Any = list(x)
        for i in reversed(range(1, len(x))):
            if (x[i] - x[i - 1]).days > _TREND_GAP_DAYS:
                line_x.insert(i, x[i - 1] + (x[i] - x[i - 1]) / 2)
                band = np.insert(band, i, np.nan, axis=0)
        ax.fill_between(line_x, band[:, 1], band[:, 2], color=_LINE, alpha=0.15, linewidth=0, label=_("95% band"))
        ax.plot(line_x, band[:, 0], color=_LINE, linewidth=2, label=_("trend"))
    ax.set_ylim(0, 8.4)
    ax.set_yticks(range(8))
    ax.set_ylabel(_("nights"))
    # Below the dates, in two columns: inside the plot it would cover the bars on a phone.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False, handlelength=1,
              columnspacing=0.8, handletextpad=0.4)
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter

    # Day and month in the reader's language (Babel), not strftime's English month names. At most four
    # dates: at 12 pt on a phone's 324 pt, the default five to seven ran into each other ("Sep 1Sep 15").
    # Over more than a year the ticks fall on the first of a month or a year: month and year, since
    # "Jan 1", "Jan 1" could not tell a 10-year diary's years apart.
    ax.xaxis.set_major_locator(AutoDateLocator(minticks=2, maxticks=4))
    loc = current_localizer()
    over_a_year = (ins.weekly[-1].week_start - ins.weekly[0].week_start).days > 366
    tick = loc.short_month_year if over_a_year else loc.short_day_month
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: tick(num2date(value).date())))


def _night_window(counts: list[int]) -> tuple[int, int]:
    """(first, last) bucket to draw: at least 20:00 to 08:00, wider only where cramps were logged.

    Buckets run 18:00 -> 17:00, so 20:00 is bucket 2 and 08:00 is bucket 14.
    """
    used = [i for i, count in enumerate(counts) if count]
    first = min([2, *used])
    last = max([14, *used])
    return first, last


def _draw_time_of_night(ax: Axes, ins: Insights) -> None:
    # Wrapped like every title: «Когда начинаются судороги (с вечера до утра)» ran off a phone's chart.
    ax.set_title(_wrap(_("When cramps start (evening to morning)"), _AXES_TITLE_PT))
    tn = ins.time_of_night
    if not tn.total:
        _empty(ax, _("No cramps logged yet"))
        return
    first, last = _night_window([b.count for b in tn.buckets])
    buckets = tn.buckets[first : last + 1]
    xs = list(range(len(buckets)))
    ax.bar(xs, [b.count for b in buckets], color=_BAR, width=0.85)
    ticks = [i for i, b in enumerate(buckets) if b.hour % 3 == 0]
    ax.set_xticks(ticks, [f"{buckets[i].hour:02d}" for i in ticks])
    ax.set_xlabel(_("hour the cramp started"))
    ax.set_ylabel(_("cramps"))
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.6, len(xs) - 0.4)


# A trigger's name longer than this many points at 12 pt runs off the 324 pt figure ("Перепад
# температуры больше 10 °C (в следующую ночь)": 365 pt): it is wrapped, and its row is taller.
_LABEL_PT = 300
_CENTRED_PT = 316  # a title or an axis label, centred on the figure
# A title centred on a plot with numbers and a label on its left, which move its centre right.
_AXES_TITLE_PT = 250


# Measuring is a tenth of drawing a triggers chart (each try of a line lays its text out with FreeType),
# and the same labels come back: the chart's height reads them, then its drawing, then the next
# chart of the same diary. The width of a text at the charts' fixed font size never changes while
# crampcare runs, so each (text, limit) is wrapped once.
@functools.lru_cache(maxsize=512)
def _wrap(text: str, limit: float = _LABEL_PT) -> str:
    """``text`` in lines of at most ``limit`` points at the charts' font size (a longer word keeps its line)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, font = TextToPath(), FontProperties(size=_FONT)

    def width(line: str) -> float:
        return float(measure.get_text_width_height_descent(line, font, ismath=False)[0])

    if width(text) <= limit:
        return text
    lines: list[str] = []
    for word in text.split():
        if lines and width(f"{lines[-1]} {word}") <= limit:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _trigger_rows(ins: Insights) -> list[tuple[Any, str, float, float]]:
    """(test, its label wrapped, the row's y, the row's height), the first factor at the top."""
    tests = [t for f in ins.triggers.factors for t in sorted(f.tests, key=lambda t: t.lag)
             if t.risk_ratio is not None and t.rr_low is not None and t.rr_high is not None]
    rows, y = [], 0.0
    for t in reversed(tests):
        label = _wrap(f"{t.label} ({_(TIMING[t.lag])})")
        height = 1.0 + 0.5 * label.count("\n")
        rows.append((t, label, y, height))
        y += height
    return rows


def _draw_triggers(ax: Axes, ins: Insights) -> None:
    ax.set_title(_wrap(_("Possible triggers (95% CI)"), _CENTRED_PT))
    rows = _trigger_rows(ins)
    if not rows:
        msg = _("Not enough data yet") if ins.triggers.status != "ok" or ins.triggers.factors else _("No day factors logged")
        _empty(ax, msg)
        return
    colors = {"seems_linked": _LINKED, "seems_protective": _PROTECTIVE}
    for t, label, y, _height in rows:
        color = colors.get(t.verdict, _UNCLEAR)
        xs: Any = [t.rr_low, t.rr_high]
        ax.plot(xs, [y, y], color=color, linewidth=2)
        point: Any = [t.risk_ratio]
        ax.plot(point, [y], marker="s" if t.lag == 0 else "o", color=color, markersize=6)
        # The name above its line, not beside it: long names would squeeze the plot on a phone.
        name = ax.annotate(label, (0, y), xycoords=("axes fraction", "data"), xytext=(0, 7),
                           textcoords="offset points", va="bottom", ha="left")
        name.set_in_layout(False)  # wrapped to fit; taking part in the layout it squeezed the plot and the title
    ax.axvline(1.0, color=_INK, linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    _t, _label, top, top_height = rows[-1]
    ax.set_ylim(-0.5, top + top_height - 0.1)
    ax.set_xlabel(_wrap(_("risk ratio (right of 1: more cramps)"), _CENTRED_PT))
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    # 1-2-5 in each decade while they fit at 12 pt on a phone; over a wide range (a CI down to 0.01)
    # they ran together ("0.0010.002"), so then 1-3, then only the powers of ten.
    low, high = ax.get_xlim()
    decades = math.log10(high / low)
    subs = (1.0, 2.0, 5.0) if decades <= 1.6 else (1.0, 3.0) if decades <= 2.4 else (1.0,)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: current_localizer().number(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _triggers_height(ins: Insights) -> float:
    rows = _trigger_rows(ins)
    return max(2.2, 1.2 + 0.42 * (rows[-1][2] + rows[-1][3] if rows else 0))


def weekly_figure(ins: Insights) -> Figure:
    fig = _new_figure(_WIDTH, 3.2)
    _draw_weekly(fig.add_subplot(), ins)
    return fig


def time_of_night_figure(ins: Insights) -> Figure:
    fig = _new_figure(_WIDTH, 2.8)
    _draw_time_of_night(fig.add_subplot(), ins)
    return fig


def triggers_figure(ins: Insights) -> Figure:
    fig = _new_figure(_WIDTH, _triggers_height(ins))
    _draw_triggers(fig.add_subplot(), ins)
    return fig


def overview_figure(ins: Insights) -> Figure:
    trig_h = _triggers_height(ins)
    fig = _new_figure(_WIDTH, 3.2 + 2.8 + trig_h)
    # One sub-figure each, laid out on its own: in one grid the triggers' plot was aligned with the
    # weekly chart's, whose numbers on the left moved it right, and names wrapped to fit the whole
    # width ran off the figure.
    panels: Any = fig.subfigures(3, 1, height_ratios=[3.2, 2.8, trig_h])  # an array of three
    weekly, hours, triggers = panels
    _draw_weekly(weekly.add_subplot(), ins)
    _draw_time_of_night(hours.add_subplot(), ins)
    _draw_triggers(triggers.add_subplot(), ins)
    return fig


_FIGURES = {
    "overview": overview_figure,
    "weekly": weekly_figure,
    "time_of_night": time_of_night_figure,
    "triggers": triggers_figure,
}


def render(ins: Insights, fmt: Literal["png", "svg"] = "svg", kind: ChartKind = "overview") -> bytes:
    """The chart as PNG or SVG bytes."""
    import matplotlib

    if fmt not in ("png", "svg"):
        raise ValueError(f"unsupported chart format {fmt!r}: use png or svg")
    if kind not in _FIGURES:
        raise ValueError(f"unknown chart {kind!r}: choose one of {', '.join(_FIGURES)}")
    with matplotlib.rc_context(_RC):
        fig = _FIGURES[kind](ins)
        buf = io.BytesIO()
        if fmt == "png":
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(fig)
            fig.savefig(buf, format="png", dpi=120, facecolor="white", metadata={"Software": None})
        else:
            from matplotlib.backends.backend_svg import FigureCanvasSVG

            FigureCanvasSVG(fig)
            fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _attributes(match: re.Match[str]) -> str:
    pairs = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font":  # matplotlib writes the shorthand "font: 12px 'DejaVu Sans'"
            size, _, family = value.partition(" ")
            pairs += [("font-size", size), ("font-family", family.strip().strip("'\""))]
        elif name in _SVG_PROPERTIES:
            pairs.append((name, value))
    return "".join(f' {name}="{value}"' for name, value in pairs)


_DESCRIPTIONS: dict[str, str] = {
    "overview": N_("Charts of cramp nights per week, when cramps start and possible triggers"),
    "weekly": N_("Bar chart of cramp nights per week with the trend"),
    "time_of_night": N_("Bar chart of the hour cramps started, from evening to morning"),
    "triggers": N_("Risk ratios of possible triggers, each with its 95% CI"),
}


def chart_svg(ins: Insights, kind: ChartKind = "overview") -> str:
    """SVG text for embedding in a web page or the report: no inline styles, ink in currentColor,
    announced as one image with a text alternative (the numbers are in the page's text too)."""
    text = render(ins, "svg", kind).decode("utf-8")
    # Drop the XML prolog and DOCTYPE so the SVG can be inlined in HTML.
    text = text[text.find("<svg") :]
    text = re.sub(r"<style[^>]*>.*?</style>|<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r' style="([^"]*)"', _attributes, text)
    text = text.replace(_INK, "currentColor")
    # Let CSS size it to the column: drop the fixed size (the viewBox keeps the shape).
    head, sep, rest = text.partition(">")
    head = re.sub(r' (width|height)="[^"]*"', "", head)
    label = _(_DESCRIPTIONS[kind])
    return (f'{head} role="img" aria-label="{label}" stroke-linejoin="round" stroke-linecap="butt"{sep}'
            f"<title>{label}</title>{rest}")


# Drawing a chart takes 0.1-0.3 s of CPU (matplotlib), the statistics a few milliseconds: the
# insights page and the report of an unchanged diary (a reload, the page then its report) reuse the
# SVG drawn before. The key is everything the SVG is made from: the parts of the insights the chart
# draws, the chart and the language of its words (numbers and dates follow the language too). So a
# chart whose data changed misses at once (a logged day changes the triggers, not the other charts),
# and a hit gives exactly the SVG a fresh drawing would, in every worker process and for every user.
_DRAWN_FROM: dict[str, set[str]] = {
    "weekly": {"weekly"},
    "time_of_night": {"time_of_night"},
    "triggers": {"triggers"},
    "overview": {"weekly", "time_of_night", "triggers"},
}
_KEPT: Kept[str] = Kept(32)


def kept_chart_svg(ins: Insights, kind: ChartKind = "overview") -> str:
    """:func:`chart_svg`, drawn once for the last few distinct (data drawn, chart, language)."""
    if kind not in _DRAWN_FROM:
        return chart_svg(ins, kind)  # refused there, with the choices
    parts = _DRAWN_FROM[kind]
    key = (digest(ins.model_dump_json(include=parts)), kind, current_language())
    svg = _KEPT.get(key)
    if svg is not None:
        return svg
    # Drawn from those parts alone: a chart that read any other part would fail here, not be kept stale.
    svg = chart_svg(Insights.model_construct(**{part: getattr(ins, part) for part in parts}), kind)
    _KEPT.put(key, svg)
    return svg


def write_chart(ins: Insights, path: str | Path, kind: ChartKind = "overview") -> Path:
    """Write the chart to ``path``; the suffix (.png or .svg) picks the format."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise ValueError(f"chart file must end in .png or .svg, not {path.name!r}")
    path.write_bytes(render(ins, fmt, kind))  # type: ignore[arg-type]
    return path
