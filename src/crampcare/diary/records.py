"""Diary records: what a person logs about a night and a day.

These are plain, validated values shared by storage, import/export, insights and
reports. A night with no cramp is a real record (``cramps == []``), never a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Leg = Literal["left", "right", "both"]
Muscle = Literal["calf", "foot", "toes", "thigh", "other"]
Sign = Literal["hard_knot", "twitching", "whole_limb"]
Relief = Literal["stretch", "walk", "massage", "warmth", "pain_reliever", "other"]
Stress = Literal["none", "some", "high"]
Activity = Literal["low", "normal", "high"]
DietTag = Literal["protein_diet", "strict_diet"]

LEGS: tuple[str, ...] = ("left", "right", "both")
MUSCLES: tuple[str, ...] = ("calf", "foot", "toes", "thigh", "other")
SIGNS: tuple[str, ...] = ("hard_knot", "twitching", "whole_limb")
RELIEFS: tuple[str, ...] = ("stretch", "walk", "massage", "warmth", "pain_reliever", "other")

# Longest plausible cramp: the guidance says seconds to about ten minutes; anything past
# two hours is a typo, not a cramp.
MAX_CRAMP_SECONDS = 2 * 60 * 60


def _not_in_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise ValueError(f"{value.isoformat()} is in the future")
    return value


class Cramp(BaseModel):
    """One cramp in a night."""

    model_config = ConfigDict(extra="forbid")

    start: dt.time = Field(description="Clock time the cramp began (local).")
    duration_s: int = Field(gt=0, le=MAX_CRAMP_SECONDS, description="Duration in seconds.")
    leg: Leg
    muscles: list[Muscle] = Field(min_length=1)
    severity: int = Field(ge=0, le=10, description="Pain 0-10 (LOINC 72514-3 scale).")
    signs: list[Sign] = Field(default_factory=list)
    helped: list[Relief] = Field(default_factory=list)
    minutes_to_relief: float | None = Field(default=None, ge=0, le=MAX_CRAMP_SECONDS / 60)

    @field_validator("muscles", "signs", "helped")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class NightRecord(BaseModel):
    """The night that begins on ``date`` (a cramp at 03:10 belongs to the previous evening's date)."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    cramps: list[Cramp] = Field(default_factory=list)
    sleep_disturbed: bool = False
    notes: str = Field(default="", max_length=2000)

    _not_future = field_validator("date")(_not_in_future)

    @property
    def had_cramp(self) -> bool:
        return bool(self.cramps)


class DayRecord(BaseModel):
    """What happened during a day; factors left as ``None`` were not logged (missing, not zero)."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    fluids_ml: int | None = Field(default=None, ge=0, le=15000)
    activity: Activity | None = None
    unusual_activity: bool | None = Field(
        default=None, description="First activity in a long while, or much more than usual."
    )
    sitting_hours: float | None = Field(default=None, ge=0, le=24)
    cold_exposure: bool | None = None
    temperature_swing_c: float | None = Field(default=None, ge=0, le=80)
    stress: Stress | None = None
    uncomfortable_shoes: bool | None = None
    diet: list[DietTag] = Field(default_factory=list)
    alcohol_units: float | None = Field(default=None, ge=0, le=100)
    caffeine: bool | None = None
    medicines: list[str] = Field(default_factory=list, description="Ids from the knowledge base's medicine list.")
    pregnancy_week: int | None = Field(default=None, ge=1, le=42)
    exercises_done: bool | None = None
    tags: list[str] = Field(default_factory=list)
    notes: str = Field(default="", max_length=2000)

    _not_future = field_validator("date")(_not_in_future)

    @field_validator("medicines")
    @classmethod
    def _known_medicines(cls, values: list[str]) -> list[str]:
        if not values:  # most days: no need to load the knowledge base at all
            return values
        from crampcare.knowledge import load_knowledge

        known = load_knowledge().medicine_ids
        unknown = [v for v in values if v not in known]
        if unknown:
            raise ValueError(f"unknown medicine {unknown[0]!r}; allowed: {', '.join(sorted(known))}")
        return list(dict.fromkeys(values))

    @field_validator("tags", "diet")
    @classmethod
    def _unique_tags(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in values if v.strip()))

    @model_validator(mode="after")
    def _tags_are_short(self) -> DayRecord:
        for tag in self.tags:
            if len(tag) > 40:
                raise ValueError(f"tag {tag[:20]!r}... is longer than 40 characters")
        return self
