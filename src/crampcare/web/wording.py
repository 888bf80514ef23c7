"""Field names in people's words, for error lists ("How long: ..." rather than "duration: ...")."""

from __future__ import annotations

import re

FIELD_LABELS = {
    "date": "Date",
    "start": "Time",
    "duration": "How long",
    "duration_s": "How long",
    "leg": "Leg",
    "muscles": "Muscle",
    "severity": "How bad",
    "helped": "What helped",
    "minutes_to_relief": "Minutes until it eased",
    "notes": "Notes",
    "sleep_disturbed": "Sleep",
    "cramps": "Cramps",
    "fluids": "Fluids drunk",
    "fluids_ml": "Fluids drunk",
    "activity": "Activity",
    "unusual_activity": "Unusual activity",
    "sitting_hours": "Hours sitting",
    "cold_exposure": "Cold",
    "temperature_swing_c": "Temperature swing",
    "stress": "Stress",
    "uncomfortable_shoes": "Shoes",
    "diet": "Diet",
    "alcohol_units": "Alcohol",
    "caffeine": "Coffee or tea",
    "medicines": "Medicines",
    "pregnancy_week": "Pregnancy week",
    "exercises_done": "Bedtime stretches",
    "tags": "Other tags",
    "file": "File",
    "form": "The form",
}
_ROW = re.compile(r"c(?:ramp)?(\d+)_(\w+)")


def field_label(name: str) -> str:
    """``c0_duration`` -> "Cramp 1, how long"; unknown names lose their underscores."""
    row = _ROW.fullmatch(name)
    if row:
        label = FIELD_LABELS.get(row.group(2), row.group(2).replace("_", " "))
        return f"Cramp {int(row.group(1)) + 1}, {label[0].lower()}{label[1:]}"
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
