"""Charts of an :class:`~crampcare.insights.analysis.Insights` result (matplotlib, Agg).

matplotlib is imported only when a chart is drawn, and never through ``pyplot``: each figure is a
plain :class:`matplotlib.figure.Figure` with its own Agg (PNG) or SVG canvas, so drawing is safe in
a web server's threads and does not touch global backend state.

- :func:`weekly_figure`: cramp nights per week (per 7 logged nights) with the fitted trend and its
  95 % band;
- :func:`time_of_night_figure`: start times by hour, the night running 18:00 -> 17:00;
- :func:`triggers_figure`: a forest plot of risk ratios with 95 % CIs (log scale);
- :func:`overview_figure`: the three stacked.

:func:`write_chart` writes PNG or SVG (by the file suffix); :func:`chart_svg` returns SVG text
for the web page; :func:`render` returns bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from crampcare.i18n.context import _, current_localizer
from crampcare.insights.analysis import TIMING, Insights

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "ChartKind",
    "chart_svg",
    "overview_figure",
    "render",
    "time_of_night_figure",
    "triggers_figure",
    "weekly_figure",
    "write_chart",
]

ChartKind = Literal["overview", "weekly", "time_of_night", "triggers"]

_BAR = "#5b8ff9"
_LINE = "#1d3b8b"
_LINKED = "#c0392b"
_PROTECTIVE = "#1e8449"
_UNCLEAR = "#7f8c8d"
_RC: Any = {
    "svg.hashsalt": "crampcare",  # stable ids: the same insights give the same SVG
    "svg.fonttype": "none",  # keep text as text (smaller, selectable, accessible)
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=_UNCLEAR)
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_weekly(ax: Axes, ins: Insights) -> None:
    ax.set_title(_("Cramp nights per week"))
    if not ins.weekly:
        _empty(ax, _("No nights logged yet"))
        return
    import numpy as np

    x: Any = [w.week_start + dt.timedelta(days=3) for w in ins.weekly]
    y = [w.per_week or 0.0 for w in ins.weekly]
    width = 5 if len(x) < 60 else 6
    ax.bar(x, y, width=width, color=_BAR, alpha=0.6, label=_("observed (per 7 logged nights)"))
    fitted = [w.fitted_per_week for w in ins.weekly]
    if all(f is not None for f in fitted):
        lo = np.array([w.fitted_low for w in ins.weekly], dtype=float)
        hi = np.array([w.fitted_high for w in ins.weekly], dtype=float)
        ax.fill_between(x, lo, hi, color=_LINE, alpha=0.15, linewidth=0, label=_("95% band"))
        ax.plot(x, np.array(fitted, dtype=float), color=_LINE, linewidth=2, label=_("trend"))
    ax.set_ylim(0, 8.4)
    ax.set_yticks(range(8))
    ax.set_ylabel(_("nights"))
    ax.legend(loc="upper center", ncol=3, frameon=False, fontsize=7)
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter

    # Day and month in the reader's language (Babel), not strftime's English month names.
    ax.xaxis.set_major_locator(AutoDateLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: current_localizer().short_day_month(num2date(value).date())))


def _draw_time_of_night(ax: Axes, ins: Insights) -> None:
    ax.set_title(_("When cramps start"))
    tn = ins.time_of_night
    if not tn.total:
        _empty(ax, _("No cramps logged yet"))
        return
    xs = list(range(len(tn.buckets)))
    ax.bar(xs, [b.count for b in tn.buckets], color=_BAR, width=0.85)
    ax.set_xticks(xs[::2], [b.label for b in tn.buckets][::2], rotation=0, fontsize=7)
    ax.set_ylabel(_("cramps"))
    ax.set_xlim(-0.6, len(xs) - 0.4)


def _draw_triggers(ax: Axes, ins: Insights) -> None:
    ax.set_title(_("Possible triggers: risk of a cramp night with vs without (95% CI)"))
    rows = [
        (f, t)
        for f in ins.triggers.factors
        for t in sorted(f.tests, key=lambda t: t.lag)
        if t.risk_ratio is not None and t.rr_low is not None and t.rr_high is not None
    ]
    if not rows:
        msg = _("Not enough data yet") if ins.triggers.status != "ok" or ins.triggers.factors else _("No day factors logged")
        _empty(ax, msg)
        return
    rows = rows[::-1]  # first factor at the top
    colors = {"seems_linked": _LINKED, "seems_protective": _PROTECTIVE}
    for i, (_f, t) in enumerate(rows):
        color = colors.get(t.verdict, _UNCLEAR)
        xs: Any = [t.rr_low, t.rr_high]
        ax.plot(xs, [i, i], color=color, linewidth=1.6)
        point: Any = [t.risk_ratio]
        ax.plot(point, [i], marker="s" if t.lag == 0 else "o", color=color, markersize=5)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(range(len(rows)), [f"{t.label} ({_(TIMING[t.lag])})" for _f, t in rows], fontsize=7)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(_("risk ratio (log scale; right of 1 = more cramps)"))
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: current_localizer().number(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _trigger_rows(ins: Insights) -> int:
    return sum(1 for f in ins.triggers.factors for t in f.tests if t.risk_ratio is not None)


def weekly_figure(ins: Insights) -> Figure:
    fig = _new_figure(8, 3)
    _draw_weekly(fig.add_subplot(), ins)
    return fig


def time_of_night_figure(ins: Insights) -> Figure:
    fig = _new_figure(8, 2.6)
    _draw_time_of_night(fig.add_subplot(), ins)
    return fig


def triggers_figure(ins: Insights) -> Figure:
    fig = _new_figure(8, max(2.2, 0.9 + 0.22 * _trigger_rows(ins)))
    _draw_triggers(fig.add_subplot(), ins)
    return fig


def overview_figure(ins: Insights) -> Figure:
    trig_h = max(2.0, 0.9 + 0.22 * _trigger_rows(ins))
    fig = _new_figure(8, 3 + 2.6 + trig_h)
    axes = fig.subplots(3, 1, height_ratios=[3, 2.6, trig_h])
    _draw_weekly(axes[0], ins)
    _draw_time_of_night(axes[1], ins)
    _draw_triggers(axes[2], ins)
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
            fig.savefig(buf, format="png", dpi=120, metadata={"Software": None})
        else:
            from matplotlib.backends.backend_svg import FigureCanvasSVG

            FigureCanvasSVG(fig)
            fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def chart_svg(ins: Insights, kind: ChartKind = "overview") -> str:
    """SVG text for embedding in a web page or report."""
    text = render(ins, "svg", kind).decode("utf-8")
    # Drop the XML prolog and DOCTYPE so the SVG can be inlined in HTML.
    start = text.find("<svg")
    return text[start:] if start > 0 else text


def write_chart(ins: Insights, path: str | Path, kind: ChartKind = "overview") -> Path:
    """Write the chart to ``path``; the suffix (.png or .svg) picks the format."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise ValueError(f"chart file must end in .png or .svg, not {path.name!r}")
    path.write_bytes(render(ins, fmt, kind))  # type: ignore[arg-type]
    return path
