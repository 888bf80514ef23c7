"""What the insights page shows: the shared matplotlib charts and tables in words.

The charts come from :func:`crampcare.services.insights.chart_svg`, the same renderer (and the same
kept drawings of unchanged insights) as the report's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crampcare.i18n.context import _
from crampcare.knowledge.vocabulary import vocabulary
from crampcare.services.insights import Insights

if TYPE_CHECKING:
    from collections.abc import Collection

# The charts of the insights page; a page that shows fewer asks for fewer (each drawing costs 0.1-0.3 s).
CHARTS = ("weekly", "hours", "triggers")

# Fewer timed uses than this and a median says little: such methods are listed, not ranked.
MIN_TIMED_FOR_RANK = 3


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def _rr(test: Any) -> str:
    if test.risk_ratio is None:
        return "—"
    text = f"{test.risk_ratio:.2g}×"
    if test.rr_low is not None and test.rr_high is not None:
        text += f" (95% CI {test.rr_low:.2g}–{test.rr_high:.2g})"
    return text


def _why_unclear(ins: Insights, test: Any) -> str:
    """Why a range that leaves out 1 is still "no clear link": many factors were tested at once."""
    if test.verdict != "no_clear_link" or test.rr_low is None or test.rr_high is None:
        return ""
    if test.rr_low <= 1 <= test.rr_high:
        return ""
    return _("On its own this range leaves out 1, but {tests} comparisons were made at once, "
             "and a difference this size can then come by chance; crampcare waits for stronger evidence.",
             tests=ins.triggers.tests_run)


def insights_context(ins: Insights, shown: Collection[str] = CHARTS) -> dict[str, Any]:
    """What the insights page shows, with the ``shown`` charts drawn (those with something to draw)."""
    from crampcare.services.insights import chart_svg

    charts: dict[str, str] = {}
    if "weekly" in shown and ins.weekly:
        charts["weekly"] = chart_svg(ins, "weekly")
    if "hours" in shown and ins.time_of_night.total:
        charts["hours"] = chart_svg(ins, "time_of_night")
    if "triggers" in shown and any(t.risk_ratio is not None for f in ins.triggers.factors for t in f.tests):
        charts["triggers"] = chart_svg(ins, "triggers")
    ranked = sorted((r for r in ins.relief if r.timed >= MIN_TIMED_FOR_RANK and r.median_minutes is not None),
                    key=lambda r: (r.median_minutes, -r.timed))
    unranked = [r for r in ins.relief if r not in ranked]
    rows = [{
        "factor": f,
        "test": f.tests[0] if f.tests else None,
        "why_unclear": _why_unclear(ins, f.tests[0]) if f.tests else "",
    } for f in ins.triggers.factors]
    verdicts = {key: vocabulary().verdict(key) for key in vocabulary().verdicts}
    return {"title": _("Insights"), "ins": ins, "summary": ins.summary(), "charts": charts, "verdicts": verdicts,
            "pct": _pct, "rr": _rr, "relief_ranked": ranked, "relief_unranked": unranked,
            "min_timed": MIN_TIMED_FOR_RANK, "trigger_rows": rows}
