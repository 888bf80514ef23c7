"""Pre-fill the interview from the diary's recent pattern.

What a person logged is better evidence than what they remember at breakfast, so the
last weeks of the diary suggest answers: how often and how long the cramps are, where,
and the day factors they logged. Suggestions only: the person confirms or changes them,
and warning-sign questions are never pre-filled (they must be asked every time).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from typing import Any

from crampcare.diary.records import DayRecord, NightRecord
from crampcare.knowledge import load_knowledge

# Diary muscles map onto the interview's choices; "other" has no counterpart.
_MUSCLE_CHOICES = {"calf": "calf", "foot": "foot", "toes": "toes", "thigh": "thigh"}
# Signs a cramp can be logged with, and the interview question each one answers "yes". A cramp
# logged without a sign says nothing about it: absence is never suggested as "no".
_SIGN_QUESTIONS = {"hard_knot": "hard_knot", "whole_limb": "whole_limb", "twitching": "twitching_pulling"}
MIN_NIGHTS = 7


def prefill_answers(
    nights: Sequence[NightRecord], days: Sequence[DayRecord], *, today: dt.date | None = None, weeks: int = 8
) -> dict[str, Any]:
    """Suggested answers from the last ``weeks`` of the diary; empty when too little was logged."""
    today = today or dt.date.today()
    since = today - dt.timedelta(weeks=weeks)
    recent_nights = [n for n in nights if since <= n.date <= today]
    recent_days = [d for d in days if since <= d.date <= today]
    answers: dict[str, Any] = {}
    if len(recent_nights) >= MIN_NIGHTS:
        cramp_nights = [n for n in recent_nights if n.cramps]
        share = len(cramp_nights) / len(recent_nights)
        per_month = share * 30
        answers["frequency"] = (
            "most_nights" if share > 0.5 else "weekly" if share * 7 >= 1 else "monthly" if per_month >= 1 else "rarely"
        )
        cramps = [c for n in cramp_nights for c in n.cramps]
        if cramps:
            answers["duration_minutes"] = round(statistics.median(c.duration_s for c in cramps) / 60, 1)
            muscles = {_MUSCLE_CHOICES[m] for c in cramps for m in c.muscles if m in _MUSCLE_CHOICES}
            if muscles:
                answers["muscles"] = sorted(muscles)
            legs = {c.leg for c in cramps}
            answers["legs"] = "both" if "both" in legs else "either" if len(legs) > 1 else "one"
            for sign, question in _SIGN_QUESTIONS.items():
                if any(sign in c.signs for c in cramps):
                    answers[question] = True
            stretched = [c for c in cramps if "stretch" in c.helped]
            if stretched:
                answers["eased_by_stretching"] = True
    if recent_days:
        answers.update(_day_pattern(recent_days))
    return answers


def _day_pattern(days: Sequence[DayRecord]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    fluids = [d.fluids_ml for d in days if d.fluids_ml is not None]
    if fluids:
        answers["fluids_l"] = round(statistics.median(fluids) / 1000, 1)
    sitting = [d.sitting_hours for d in days if d.sitting_hours is not None]
    if sitting:
        answers["sitting_hours"] = round(statistics.median(sitting), 1)
    stress = [d.stress for d in days if d.stress is not None]
    if stress:
        high = sum(s == "high" for s in stress) / len(stress)
        some = sum(s != "none" for s in stress) / len(stress)
        answers["stress"] = "high" if high >= 0.3 else "some" if some >= 0.3 else "none"
    for field, question in (("cold_exposure", "cold_exposure"), ("uncomfortable_shoes", "uncomfortable_shoes")):
        logged = [getattr(d, field) for d in days if getattr(d, field) is not None]
        if logged:
            answers[question] = sum(logged) / len(logged) >= 0.2
    swings = [d.temperature_swing_c for d in days if d.temperature_swing_c is not None]
    if swings:
        answers["temperature_swings"] = any(s > 10 for s in swings)
    unusual = [d.unusual_activity for d in days if d.unusual_activity is not None]
    if unusual:
        answers["activity_change"] = any(unusual)
    diet = {tag for d in days for tag in d.diet}
    if diet:
        answers["diet"] = sorted(diet)
    # Every medicine the interview asks about (its choices), not a list kept here that misses new ones.
    asked = {choice.id for choice in load_knowledge().questions["medicines"].choices} - {"none"}
    medicines = sorted({m for d in days for m in d.medicines if m in asked})
    if medicines:
        answers["medicines"] = medicines
    weeks = [d.pregnancy_week for d in sorted(days, key=lambda d: d.date) if d.pregnancy_week is not None]
    if weeks:
        answers["pregnant"] = True
        answers["pregnancy_week"] = weeks[-1]
    return answers
