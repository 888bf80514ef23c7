"""Diary records: what a person logs about a night and a day.

These are plain, validated values shared by storage, import/export, insights and
reports. A night with no cramp is a real record (``cramps == []``), never a missing one.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    field_validator,
)

from crampcare.diary.dates import check_date
from crampcare.digits import refuse_other_digits
from crampcare.i18n.context import _
from crampcare.plaintext import CONTROLS_PATTERN, plain_text

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


# Tags: at most this many per day, each at most this long, and this many different ones in a
# diary (checked by the store): the insights compare every tag, so their number bounds the work.
MAX_TAGS_PER_DAY = 20
MAX_TAG_LENGTH = 40
MAX_NOTES_LENGTH = 2000  # characters of a night's or a day's notes
# Cramps in one night: a cramp every ten minutes through an eight-hour night is 48. More is a mistake
# (a script's loop, a file's column read wrong), and every cramp is read by the insights and the report.
MAX_CRAMPS_PER_NIGHT = 50
MAX_DISTINCT_TAGS = 200

# [0-9], not \d: \d also matches other scripts' digits (crampcare.digits), and the schema's pattern says this.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?")
CLOCK_TIME_PATTERN = f"^{_CLOCK_TIME.pattern}$"


def _iso_date(value: Any) -> Any:
    """Dates are written YYYY-MM-DD; a number is not read as Unix time, a date-time is not a date."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(refuse_other_digits(value)):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError(_("write the date as YYYY-MM-DD, e.g. 2026-11-20 (got {value})", value=repr(value)[:150]))


def _clock_time(value: Any) -> Any:
    """Local clock times as HH:MM or HH:MM:SS, without a time zone (the diary keeps local time)."""
    if isinstance(value, str) and _CLOCK_TIME.fullmatch(refuse_other_digits(value)):
        return value
    if isinstance(value, dt.time) and value.tzinfo is None:
        return value
    raise ValueError(_("write the time as HH:MM (24-hour), e.g. 03:10 (got {value})", value=repr(value)[:150]))


def _number(value: Any) -> Any:
    """JSON numbers only: ``true`` is not 1 and ``"3"`` is not 3 (the schema says number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(_("expected a number (got {value})", value=repr(value)[:150]))
    return value


_JsonNumber = BeforeValidator(_number)
Duration = Annotated[int, Field(gt=0, le=MAX_CRAMP_SECONDS), _JsonNumber]
Severity = Annotated[int, Field(ge=0, le=10), _JsonNumber]
ReliefMinutes = Annotated[float, Field(ge=0, le=MAX_CRAMP_SECONDS / 60), _JsonNumber]
Millilitres = Annotated[int, Field(ge=0, le=15000), _JsonNumber]
Hours = Annotated[float, Field(ge=0, le=24), _JsonNumber]
Degrees = Annotated[float, Field(ge=0, le=80), _JsonNumber]
AlcoholUnits = Annotated[float, Field(ge=0, le=100), _JsonNumber]
PregnancyWeek = Annotated[int, Field(ge=1, le=42), _JsonNumber]


def _allowed_date(value: dt.date) -> dt.date:
    return check_date(value)


def _plain(value: Any) -> Any:
    """Typed text as it is kept (:func:`crampcare.plaintext.plain_text`: direction controls and invisible
    characters removed, control characters refused); anything else is left to the type check."""
    return plain_text(value) if isinstance(value, str) else value


# Wraps the length check (after it in ``Annotated``), so runs before it: an invisible character removed does not
# count against the limit.
_PlainText = BeforeValidator(_plain)

NoteText = Annotated[
    str,
    Field(max_length=MAX_NOTES_LENGTH),
    _PlainText,
    WithJsonSchema({"type": "string", "maxLength": MAX_NOTES_LENGTH, "pattern": CONTROLS_PATTERN,
                    "description": f"Free text, at most {MAX_NOTES_LENGTH} characters; no control "
                                   "characters except tab and line ends. Direction controls and invisible "
                                   "characters (U+200B, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069, …) are "
                                   "removed."}),
]
TagText = Annotated[
    str,
    Field(max_length=MAX_TAG_LENGTH),
    _PlainText,
    WithJsonSchema({"type": "string", "maxLength": MAX_TAG_LENGTH, "pattern": CONTROLS_PATTERN}),
]

DiaryDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    AfterValidator(_allowed_date),
    WithJsonSchema({"type": "string", "format": "date",
                    "description": "YYYY-MM-DD, from 1900-01-01 to tomorrow."}),
]
"""A diary date: YYYY-MM-DD only, from 1900-01-01 to tomorrow (see :mod:`crampcare.diary.dates`)."""

ClockTime = Annotated[
    dt.time,
    BeforeValidator(_clock_time),
    WithJsonSchema({"type": "string", "pattern": CLOCK_TIME_PATTERN,
                    "description": "Local clock time, HH:MM or HH:MM:SS (24-hour), no time zone."}),
]


class Cramp(BaseModel):
    """One cramp in a night."""

    model_config = ConfigDict(extra="forbid")

    start: ClockTime = Field(description="Clock time the cramp began (local).")
    duration_s: Duration = Field(description="Duration in seconds.")
    leg: Leg
    muscles: list[Muscle] = Field(min_length=1)
    severity: Severity = Field(description="Pain 0-10 (LOINC 72514-3 scale).")
    signs: list[Sign] = Field(default_factory=list)
    helped: list[Relief] = Field(default_factory=list)
    minutes_to_relief: ReliefMinutes | None = None

    @field_validator("muscles", "signs", "helped")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class NightRecord(BaseModel):
    """The night that begins on ``date`` (a cramp at 03:10 belongs to the previous evening's date)."""

    model_config = ConfigDict(extra="forbid")

    date: DiaryDate
    cramps: list[Cramp] = Field(default_factory=list, max_length=MAX_CRAMPS_PER_NIGHT,
                                description=f"At most {MAX_CRAMPS_PER_NIGHT} cramps in one night.")
    sleep_disturbed: StrictBool | None = Field(
        default=None, description="Sleep was disturbed (could not get back to sleep easily); null: not logged."
    )
    notes: NoteText = ""

    @field_validator("cramps", mode="before")
    @classmethod
    def _at_most_a_night(cls, values: Any) -> Any:
        """Refused before each cramp is read: one sentence instead of pydantic's, and 100,000 cramps cost nothing."""
        if isinstance(values, list) and len(values) > MAX_CRAMPS_PER_NIGHT:
            raise ValueError(_("one night can hold at most {limit} cramps (got {n}): a cramp every ten minutes "
                               "through the night is 48", limit=MAX_CRAMPS_PER_NIGHT, n=len(values)))
        return values

    @property
    def had_cramp(self) -> bool:
        return bool(self.cramps)


def _medicine_enum(schema: dict[str, Any]) -> None:
    """The schema lists the medicine ids the knowledge base knows (the only ones accepted)."""
    from crampcare.knowledge import load_knowledge

    schema["properties"]["medicines"]["items"]["enum"] = sorted(load_knowledge().medicine_ids)


class DayRecord(BaseModel):
    """What happened during a day; factors left as ``None`` were not logged (missing, not zero)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_medicine_enum)

    date: DiaryDate
    fluids_ml: Millilitres | None = None
    activity: Activity | None = None
    unusual_activity: StrictBool | None = Field(
        default=None, description="First activity in a long while, or much more than usual."
    )
    sitting_hours: Hours | None = None
    cold_exposure: StrictBool | None = None
    temperature_swing_c: Degrees | None = None
    stress: Stress | None = None
    uncomfortable_shoes: StrictBool | None = None
    diet: list[DietTag] = Field(default_factory=list)
    alcohol_units: AlcoholUnits | None = None
    caffeine: StrictBool | None = None
    medicines: list[str] = Field(default_factory=list, description="Ids from the knowledge base's medicine list.")
    pregnancy_week: PregnancyWeek | None = None
    exercises_done: StrictBool | None = None
    tags: list[TagText] = Field(
        default_factory=list, max_length=MAX_TAGS_PER_DAY,
        description=f"Your own labels (at most {MAX_TAGS_PER_DAY} a day, {MAX_TAG_LENGTH} characters each, "
        f"{MAX_DISTINCT_TAGS} different ones in a diary).")
    notes: NoteText = ""

    @field_validator("medicines")
    @classmethod
    def _known_medicines(cls, values: list[str]) -> list[str]:
        if not values:  # most days: no need to load the knowledge base at all
            return values
        from crampcare.knowledge import load_knowledge

        known = load_knowledge().medicine_ids
        unknown = [v for v in values if v not in known]
        if unknown:
            raise ValueError(_("unknown medicine {name}; allowed: {allowed}", name=repr(unknown[0]),
                               allowed=", ".join(sorted(known))))
        return list(dict.fromkeys(values))

    @field_validator("tags", "diet")
    @classmethod
    def _unique_tags(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in values if v.strip()))
