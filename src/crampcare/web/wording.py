"""Field names in people's words, for error lists ("How long: ..." rather than "duration: ...")."""

from __future__ import annotations

import re

from crampcare.i18n.context import N_, _

FIELD_LABELS = {
    "date": N_("Date"),
    "start": N_("Time"),
    "duration": N_("How long"),
    "duration_s": N_("How long"),
    "leg": N_("Leg"),
    "muscles": N_("Muscle"),
    "severity": N_("How bad"),
    "helped": N_("What helped"),
    "minutes_to_relief": N_("Minutes until it eased"),
    "notes": N_("Notes"),
    "sleep_disturbed": N_("Sleep"),
    "cramps": N_("Cramps"),
    "fluids": N_("Fluids drunk"),
    "fluids_ml": N_("Fluids drunk"),
    "activity": N_("Activity"),
    "unusual_activity": N_("Unusual activity"),
    "sitting_hours": N_("Hours sitting"),
    "cold_exposure": N_("Cold"),
    "temperature_swing_c": N_("Temperature swing"),
    "stress": N_("Stress"),
    "uncomfortable_shoes": N_("Shoes"),
    "diet": N_("Diet"),
    "alcohol_units": N_("Alcohol"),
    "caffeine": N_("Coffee or tea"),
    "medicines": N_("Medicines"),
    "pregnancy_week": N_("Pregnancy week"),
    "exercises_done": N_("Bedtime stretches"),
    "tags": N_("Other tags"),
    "file": N_("File"),
    "form": N_("The form"),
}
_ROW = re.compile(r"c(?:ramp)?(\d+)_(\w+)")


def field_label(name: str) -> str:
    """``c0_duration`` -> "Cramp 1, how long"; unknown names lose their underscores."""
    row = _ROW.fullmatch(name)
    if row:
        field = row.group(2)
        label = _(FIELD_LABELS[field]) if field in FIELD_LABELS else field.replace("_", " ")
        return _("Cramp {number}, {field}", number=int(row.group(1)) + 1, field=f"{label[0].lower()}{label[1:]}")
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ").capitalize()
