"""Insights use cases: the statistics of a diary, a chart of them, and a simulated diary for demos."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from crampcare.diary.store import AddManyResult, DiaryStore
from crampcare.insights.analysis import MIN_TIMED_FOR_RANK, Insights, risk_ratio_text

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["FACTOR_IDS", "MIN_TIMED_FOR_RANK", "TAG_PREFIX", "AddManyResult", "Insights", "chart_svg", "insights", "risk_ratio_text", "simulate",
           "write_chart"]

# Which factors a simulation can plant as a trigger (``tag:<text>`` plants one of the person's tags).
from crampcare.insights.factors import FACTOR_IDS, TAG_PREFIX  # noqa: E402


def insights(diary: DiaryStore, start: dt.date | None = None, end: dt.date | None = None, *,
             assessment: bool = True) -> Insights:
    """How often, how bad, when, what helped and possible triggers, for nights ``start``..``end``.
    ``assessment=False``: for a reader the assessments are not shared with (a clinician), who learns
    neither the fluid target nor the conditions behind a fluid limit from them."""
    from crampcare.insights.from_diary import insights_for

    return insights_for(diary, start, end, personal_target=assessment)


def chart_svg(result: Insights, kind: str) -> str:
    """One chart as inline SVG for a page (the renderer the report and ``--chart`` use too), drawn
    once for insights seen again (an unchanged diary)."""
    from crampcare.insights.charts import kept_chart_svg as draw

    return draw(result, kind)  # type: ignore[arg-type]


def write_chart(result: Insights, path: Path) -> None:
    """Draw the insights' charts to ``path`` (.png or .svg)."""
    from crampcare.insights.charts import write_chart as draw

    draw(result, path)


def simulate(
    diary: DiaryStore,
    days: int,
    *,
    trigger: str | None,
    rr: float,
    base_rate: float,
    trigger_share: float,
    seed: int,
    end: dt.date,
    seasonal: float,
    cramp_persistence: float = 0.0,
    factor_persistence: float = 0.0,
    persistence_by_factor: Mapping[str, float] | None = None,
    factor_seasonal: float = 0.0,
    progress: Callable[[int], None] | None = None,
    writing: Callable[[int], None] | None = None,
) -> AddManyResult:
    """Fill ``diary`` with ``days`` of realistic made-up nights and days, in one transaction.

    ``progress`` hears how many days are simulated so far; ``writing`` how many records are
    about to be written.
    """
    from crampcare.insights.simulate import simulate_diary

    nights, day_records = simulate_diary(
        days, trigger=trigger, rr=rr, base_rate=base_rate, trigger_share=trigger_share, seed=seed, end=end,
        seasonal=seasonal, cramp_persistence=cramp_persistence, factor_persistence=factor_persistence,
        persistence_by_factor=persistence_by_factor, factor_seasonal=factor_seasonal, progress=progress,
    )
    if writing is not None:
        writing(len(nights) + len(day_records))
    return diary.add_many(nights, day_records)


def insights_json(result: Insights) -> dict[str, object]:
    """The insights as JSON for the CLI and the API: the figures as they are, with the plain-language
    summary, the caveats and the method a person reads in the current language."""
    from crampcare.i18n.context import _

    data: dict[str, object] = result.model_dump(mode="json")
    data["summary"] = result.summary()
    data["caveat"] = _(result.caveat)
    triggers = data.get("triggers")
    if isinstance(triggers, dict):
        for text in ("caveat", "method"):
            if isinstance(triggers.get(text), str):
                triggers[text] = _(triggers[text])
        for factor in triggers.get("factors") or []:
            for test in factor.get("tests") or []:  # "the same night" was English in every language
                test["timing"] = _(test["timing"])
    return data
