"""What the insights page shows: the shared matplotlib charts and tables in words.

The charts come from :func:`crampcare.services.insights.chart_svg`, the same renderer (and the same
kept drawings of unchanged insights) as the report's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crampcare.i18n.context import _, current_localizer
from crampcare.knowledge.vocabulary import vocabulary
from crampcare.services.insights import MIN_TIMED_FOR_RANK, Insights, risk_ratio_text

if TYPE_CHECKING:
    from collections.abc import Collection

# The charts of the insights page; a page that shows fewer asks for fewer (each drawing costs 0.1-0.3 s).
CHARTS = ("weekly", "hours", "triggers")


def _pct(x: float | None) -> str:
    return "—" if x is None else current_localizer().percent(x)


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
    # Each row's figures are those of the test its sentence is about (the next night's, when that
    # is the finding), and the sentence already says why a range that leaves out 1 is no link.
    rows = [{"factor": f, "test": next((t for t in f.tests if t.lag == f.lag), None)} for f in ins.triggers.factors]
    verdicts = {key: vocabulary().verdict(key) for key in vocabulary().verdicts}
    return {"title": _("Insights"), "ins": ins, "summary": ins.summary(), "charts": charts, "verdicts": verdicts,
            "pct": _pct, "rr": risk_ratio_text, "relief_ranked": ranked, "relief_unranked": unranked,
            "min_timed": MIN_TIMED_FOR_RANK, "trigger_rows": rows}
