"""Insights for a stored diary: the one place that joins the diary with the statistics.

The CLI, the web API, the web page and the report all call :func:`insights_for`, so they agree on
which records and which personal fluid target go into the analysis.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from crampcare.insights.analysis import Insights, compute_insights

if TYPE_CHECKING:
    from crampcare.diary.store import DiaryStore


def personal_fluid_target(store: DiaryStore) -> int | None:
    """The fluid target (20 ml/kg) of the latest saved assessment, if there is one."""
    latest = store.latest_assessment()
    if latest is None:
        return None
    target = ((latest.result.get("plan") or {}).get("fluid_target") or {}).get("target_ml")
    if isinstance(target, (int, float)) and not isinstance(target, bool) and target > 0:
        return int(target)
    return None


def insights_for(store: DiaryStore, start: dt.date | None = None, end: dt.date | None = None,
                 *, today: dt.date | None = None, personal_target: bool = True) -> Insights:
    """The insights of ``store``'s diary over ``start``-``end``, from the whole diary (a tag first used
    before the period is known all through it). ``personal_target=False``: the fixed low-fluids
    threshold, not the one from the person's weight (a report whose assessments are not shared)."""
    return compute_insights(store.list_nights(), store.list_days(), start=start, end=end, today=today,
                            fluid_target_ml=personal_fluid_target(store) if personal_target else None)
