"""Small record builders shared by the diary tests."""

from __future__ import annotations

import datetime as dt

from crampcare.diary.records import Cramp, DayRecord, NightRecord


def cramp(**changes: object) -> Cramp:
    values: dict[str, object] = {
        "start": dt.time(3, 10),
        "duration_s": 180,
        "leg": "left",
        "muscles": ["calf"],
        "severity": 7,
    }
    values.update(changes)
    return Cramp.model_validate(values)


def night(date: dt.date, *cramps: Cramp, **changes: object) -> NightRecord:
    return NightRecord.model_validate({"date": date, "cramps": list(cramps), **changes})


def day(date: dt.date, **changes: object) -> DayRecord:
    return DayRecord.model_validate({"date": date, **changes})
