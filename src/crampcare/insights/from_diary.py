"""Insights for a stored diary: the one place that joins the diary with the statistics.

The CLI, the web API, the web page and the report all call :func:`insights_for`, so they agree on
which records, which personal fluid target and which word on fluids go into the analysis.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from crampcare.assess.facts import fluid_standing
from crampcare.insights.analysis import Insights, compute_insights

if TYPE_CHECKING:
    from crampcare.diary.store import DiaryStore, StoredAssessment


def _target(latest: StoredAssessment | None) -> int | None:
    """The fluid target (20 ml/kg) of the latest saved assessment, if there is one."""
    if latest is None:
        return None
    target = ((latest.result.get("plan") or {}).get("fluid_target") or {}).get("target_ml")
    if isinstance(target, (int, float)) and not isinstance(target, bool) and target > 0:
        return int(target)
    return None


def insights_for(store: DiaryStore, start: dt.date | None = None, end: dt.date | None = None,
                 *, today: dt.date | None = None, personal_target: bool = True) -> Insights:
    """The insights of ``store``'s diary over ``start``-``end``, from the whole diary (a tag first used
    before the period is known all through it), with the latest assessment's fluid target and what
    its answers say of a fluid limit (:func:`~crampcare.assess.facts.fluid_standing`).
    ``personal_target=False``: the assessment is not read (a report or a clinician's page whose
    assessments are not shared): the fixed low-fluids threshold, and a fluid limit not ruled out."""
    latest = store.latest_assessment() if personal_target else None
    answers = latest.answers if latest is not None and isinstance(latest.answers, dict) else None
    return compute_insights(store.list_nights(), store.list_days(), start=start, end=end, today=today,
                            fluid_target_ml=_target(latest), fluids=fluid_standing(answers))
