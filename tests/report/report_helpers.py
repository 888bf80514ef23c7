"""Helpers for the report tests: a simulated 3-month diary, assessments, PDF text."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from crampcare.assess import assess
from crampcare.diary.records import DayRecord, NightRecord
from crampcare.diary.store import DiaryStore

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "examples" / "cases"

# A fixed, past period so the simulated diary (and the report) do not depend on today's date.
END = dt.date(2026, 3, 31)
DAYS = 90
TODAY = dt.date(2026, 4, 2)

# Every answer a clinician could tick at once: the longest assessment crampcare makes.
HEAVY_ANSWERS: dict[str, Any] = {
    "age": 64, "sex": "female", "weight_kg": 80, "fluids_l": 0.8, "frequency": "most_nights",
    "duration_minutes": 3, "muscles": ["calf", "foot", "toes"], "legs": "both", "hard_knot": True,
    "eased_by_stretching": True, "activity_change": True, "physical_overload": True, "sitting_hours": 10,
    "sudden_activity_after_sitting": True, "stress": "high", "cold_exposure": True, "temperature_swings": True,
    "uncomfortable_shoes": True, "flat_feet": True, "diet": ["strict_diet", "irregular"], "overweight": True,
    "conditions": ["varicose_veins", "diabetes", "thyroid", "kidney", "arthritis", "lumbar_spine", "anaemia"],
    "medicines": ["diuretic", "statin", "beta_agonist", "nifedipine"], "medicine_started_recently": True,
    "numbness_tingling": True, "heavy_legs_evening": True, "pain_walking_eases_rest": True, "smoker": True,
    "back_pain_to_legs": True, "urge_to_move": True, "partner_notices_kicks": True, "calf_swollen_red_warm": False,
}  # fmt: skip


def case_answers(name: str) -> dict[str, Any]:
    return json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))


def simulated_diary() -> tuple[list[NightRecord], list[DayRecord]]:
    """90 days ending 31 March 2026, low fluids planted as a trigger; a statin on every third day."""
    from crampcare.insights.simulate import simulate_diary

    nights, days = simulate_diary(DAYS, trigger="low_fluids", rr=2.5, seed=7, end=END)
    days = [d.model_copy(update={"medicines": ["statin"]}) if index % 3 == 0 else d for index, d in enumerate(days)]
    return nights, days


def save_assessment(store: DiaryStore, answers: dict[str, Any]) -> None:
    result = assess(answers)
    store.save_assessment(result.answers, result.model_dump(mode="json"))


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_page_sizes(data: bytes) -> list[tuple[float, float]]:
    from pypdf import PdfReader

    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so a phrase matches across line breaks."""
    return " ".join(text.split())
