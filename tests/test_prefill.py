from __future__ import annotations

import datetime as dt

from crampcare.assess import assess
from crampcare.diary.prefill import prefill_answers
from crampcare.diary.records import Cramp, DayRecord, NightRecord

TODAY = dt.date(2026, 11, 1)


def night(offset: int, cramp: bool) -> NightRecord:
    cramps = [Cramp(start=dt.time(3, 10), duration_s=150, leg="left", muscles=["calf"], severity=6,
                    signs=["hard_knot"], helped=["stretch"], minutes_to_relief=2)] if cramp else []
    return NightRecord(date=TODAY - dt.timedelta(days=offset), cramps=cramps)


def test_too_little_diary_suggests_nothing() -> None:
    assert prefill_answers([night(1, True)], [], today=TODAY) == {}


def test_pattern_of_a_month_becomes_answers_the_engine_accepts() -> None:
    nights = [night(i, i % 2 == 0) for i in range(28)]
    days = [DayRecord(date=TODAY - dt.timedelta(days=i), fluids_ml=1000, sitting_hours=9, stress="high",
                      diet=["protein_diet"], medicines=["statin"] if i < 3 else []) for i in range(28)]
    answers = prefill_answers(nights, days, today=TODAY)
    assert answers["frequency"] == "weekly"
    assert answers["duration_minutes"] == 2.5
    assert answers["muscles"] == ["calf"] and answers["legs"] == "one"
    assert answers["fluids_l"] == 1.0 and answers["stress"] == "high"
    assert answers["medicines"] == ["statin"]
    assert not any(key.endswith(("signs", "chest_pain")) for key in answers)
    result = assess(answers)
    assert "protein_diet" in [f.id for f in result.factors]
    assert "statin" in [f.id for f in result.factors]


def test_most_nights_and_pregnancy_week_from_diary() -> None:
    nights = [night(i, i % 5 != 0) for i in range(20)]
    days = [DayRecord(date=TODAY - dt.timedelta(days=i), pregnancy_week=30 - i // 7) for i in range(20)]
    answers = prefill_answers(nights, days, today=TODAY)
    assert answers["frequency"] == "most_nights"
    assert answers["pregnant"] is True and answers["pregnancy_week"] == 30
