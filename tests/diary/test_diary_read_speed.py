"""Reading a diary builds records without validating them again (for speed): prove they are the
records validation makes, on SQLite and PostgreSQL, for every kind of field the diary stores.

The store decodes each distinct JSON list once per read and sets the pydantic instance's slots
directly (``store._trusted``) instead of calling ``model_construct``; both are only right if the
records compare equal, dump the same JSON, and do not share mutable lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from diary_helpers import cramp, day, night
from pydantic import BaseModel

from crampcare.diary import store as diary_store
from crampcare.diary.errors import TagLimitError
from crampcare.diary.records import Cramp, DayRecord, NightRecord
from crampcare.diary.store import DiaryStore
from crampcare.insights.simulate import simulate_diary

END = dt.date(2026, 1, 1)


def _diary() -> tuple[list[NightRecord], list[DayRecord]]:
    """A simulated diary (cramps, days, tags, missing fields) plus what simulation never logs."""
    nights, days = simulate_diary(
        120, trigger="tag:late dinner", rr=3, other_factors=30, seed=5, end=END - dt.timedelta(days=10),
        field_missing=0.2,
    )
    extra_date = END - dt.timedelta(days=5)
    nights += [
        night(extra_date, cramp(start=dt.time(23, 5, 30), leg="both", muscles=["toes", "foot"], severity=0,
                                signs=["twitching", "whole_limb"], helped=["warmth"], minutes_to_relief=2.5),
              cramp(start=dt.time(4, 0), duration_s=7200, muscles=["thigh"], severity=10, minutes_to_relief=0),
              sleep_disturbed=True, notes="Судорога ночью\nwoke twice"),
        night(extra_date + dt.timedelta(days=1), notes="quiet night"),
    ]
    days += [
        day(extra_date, medicines=["statin", "diuretic"], pregnancy_week=30, diet=["strict_diet", "protein_diet"],
            tags=["late dinner", "travel"], notes="ünïcode, \"quotes\" and [brackets]", fluids_ml=0,
            sitting_hours=7.5, temperature_swing_c=12, alcohol_units=0.5, caffeine=False),
        day(extra_date + dt.timedelta(days=1)),  # nothing logged at all: every factor missing
    ]
    return nights, days


def _slow(model: type[BaseModel], record: BaseModel) -> Any:
    """The record validated from its JSON, the way an import or the API builds it."""
    return model.model_validate_json(record.model_dump_json())


def _same_instance(read: BaseModel, validated: BaseModel) -> None:
    """Equal, with the same value types, slots and field order as a validated record."""
    assert read == validated
    assert type(read) is type(validated)
    assert read.model_dump_json() == validated.model_dump_json()
    assert list(read.__dict__) == list(type(read).model_fields)
    for name, value in read.__dict__.items():
        assert type(value) is type(validated.__dict__[name]), name
    assert read.model_fields_set == type(read).model_construct(**read.__dict__).model_fields_set
    assert read.__pydantic_extra__ is None and read.__pydantic_private__ is None


def test_records_read_back_equal_the_validated_records(store: DiaryStore) -> None:
    nights, days = _diary()
    assert any(n.cramps for n in nights) and any(d.tags for d in days)
    store.add_many(nights, days)

    read_nights, read_days = store.list_nights(), store.list_days()
    assert read_nights == sorted(nights, key=lambda n: n.date)
    assert read_days == sorted(days, key=lambda d: d.date)
    for record in read_nights:
        validated = _slow(NightRecord, record)
        _same_instance(record, validated)
        for read_cramp, validated_cramp in zip(record.cramps, validated.cramps, strict=True):
            _same_instance(read_cramp, validated_cramp)
    for record in read_days:
        _same_instance(record, _slow(DayRecord, record))

    # A single date and a range go the same way.
    some = read_nights[-2].date
    assert store.get_night(some) == read_nights[-2]
    assert store.get_day(some) == next(d for d in read_days if d.date == some)
    assert store.list_days(some, some + dt.timedelta(days=1)) == [d for d in read_days if d.date >= some]


def test_records_rebuilt_by_undo_equal_the_validated_records(store: DiaryStore) -> None:
    nights, days = _diary()
    store.add_many(nights[-2:], days[-2:])
    for record in (*nights[-2:], *days[-2:]):
        store.delete_date(record.date)
        store.undo()
    for record in store.list_nights():
        _same_instance(record, _slow(NightRecord, record))
    for record in store.list_days():
        _same_instance(record, _slow(DayRecord, record))
    assert store.list_nights() == nights[-2:] and store.list_days() == days[-2:]


def test_records_read_together_share_no_lists(store: DiaryStore) -> None:
    """Each list JSON text is decoded once per read; changing one record's list leaves the others alone."""
    first, second = END - dt.timedelta(days=3), END - dt.timedelta(days=2)
    store.add_many([night(first, cramp()), night(second, cramp())],
                   [day(first, tags=["same"], diet=[]), day(second, tags=["same"], diet=[])])
    read_nights, read_days = store.list_nights(), store.list_days()
    read_days[0].tags.append("changed")
    read_days[0].diet.append("strict_diet")
    read_nights[0].cramps[0].muscles.append("foot")
    assert read_days[1].tags == ["same"] and read_days[1].diet == []
    assert read_nights[1].cramps[0].muscles == ["calf"]
    assert store.list_days()[0].tags == ["same"]


def test_last_cramp_equals_the_validated_cramp(store: DiaryStore) -> None:
    logged = cramp(start=dt.time(2, 30), helped=["walk", "stretch"], minutes_to_relief=1.5)
    store.add_many([night(END - dt.timedelta(days=1), cramp(), logged)])
    last = store.last_cramp()
    assert last is not None
    _same_instance(last, _slow(Cramp, logged))


def test_tag_budget_reads_the_stored_tags(store: DiaryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The budget of different tags decodes each stored tag list text once; the count is the same."""
    monkeypatch.setattr(diary_store, "MAX_DISTINCT_TAGS", 3)
    first, second, third = (END - dt.timedelta(days=n) for n in (3, 2, 1))
    store.add_day(day(first, tags=["a", "b"]))
    store.add_day(day(second, tags=["b", "c"]))
    store.add_day(day(third, tags=["a"]))
    with pytest.raises(TagLimitError):
        store.put_day(day(third, tags=["d"]))
    store.put_day(day(second, tags=["b", "d"]))  # "c" goes with the replaced day, so "d" fits
    assert [d.tags for d in store.list_days()] == [["a", "b"], ["b", "d"], ["a"]]
