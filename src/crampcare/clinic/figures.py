"""Shared definitions of the dashboard's and the cohort's figures, written once as SQL.

Both read only the summary rows (``clinic_week_summaries``), never the diary itself. "Cramp nights
a week" is cramp nights per night logged × 7, so a patient who logs half their nights is not
read as improving. The trend compares the last four weeks with the four before:
rising when up by at least one cramp night a week, falling when down by as much, and "not enough
data" when either stretch has fewer than seven nights logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MIN_NIGHTS_LOGGED = 7
TREND_STEP = 1.0  # cramp nights a week
WINDOW_WEEKS = 4
TRENDS = ("rising", "steady", "falling", "not_enough_data")


@dataclass(frozen=True)
class Window:
    """The two stretches of four weeks compared: [before, recent) and [recent, end)."""

    before: dt.date
    recent: dt.date
    end: dt.date

    @classmethod
    def ending(cls, today: dt.date) -> Window:
        this_monday = today - dt.timedelta(days=today.weekday())
        recent = this_monday - dt.timedelta(weeks=WINDOW_WEEKS - 1)
        return cls(before=recent - dt.timedelta(weeks=WINDOW_WEEKS), recent=recent,
                   end=this_monday + dt.timedelta(weeks=1))

    def recent_weeks(self) -> list[dt.date]:
        return [self.recent + dt.timedelta(weeks=i) for i in range(WINDOW_WEEKS)]

    def params(self) -> dict[str, object]:
        return {"before": self.before, "recent": self.recent, "end": self.end, "min_logged": MIN_NIGHTS_LOGGED,
                "step": TREND_STEP}


def window_sums(summary: str = "w") -> str:
    """Columns rl, rc (recent nights logged, cramp nights) and bl, bc (the four weeks before)."""
    return f"""
      coalesce(sum(CASE WHEN {summary}.week_start >= :recent THEN {summary}.nights_logged END), 0) AS rl,
      coalesce(sum(CASE WHEN {summary}.week_start >= :recent THEN {summary}.cramp_nights END), 0) AS rc,
      coalesce(sum(CASE WHEN {summary}.week_start < :recent THEN {summary}.nights_logged END), 0) AS bl,
      coalesce(sum(CASE WHEN {summary}.week_start < :recent THEN {summary}.cramp_nights END), 0) AS bc"""


def trend_case(of: str = "") -> str:
    """The trend of the window sums ``{of}rl`` ... (``of`` names the row, e.g. ``"wk."``)."""
    rl, rc, bl, bc = (f"{of}{name}" for name in ("rl", "rc", "bl", "bc"))
    return f"""
  CASE WHEN {rl} IS NULL OR {rl} < :min_logged OR {bl} < :min_logged THEN 'not_enough_data'
       WHEN {rc} * 7.0 / {rl} - {bc} * 7.0 / {bl} >= :step THEN 'rising'
       WHEN {bc} * 7.0 / {bl} - {rc} * 7.0 / {rl} >= :step THEN 'falling'
       ELSE 'steady' END"""


def rate_case(of: str = "") -> str:
    """Cramp nights a week over the last four weeks (NULL with too few nights logged)."""
    return f"CASE WHEN {of}rl >= :min_logged THEN {of}rc * 7.0 / {of}rl END"
