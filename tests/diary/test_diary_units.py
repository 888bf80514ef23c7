"""Parsing values as people type them: each accepted spelling, and refusals that explain."""

from __future__ import annotations

import datetime as dt

import pytest

from crampcare.diary import units

NOW_MORNING = dt.datetime(2026, 11, 21, 8, 0)
NOW_EVENING = dt.datetime(2026, 11, 21, 23, 0)


@pytest.mark.parametrize(
    ("text", "ml"),
    [
        ("1.5L", 1500),
        ("1,5 l", 1500),
        ("1.5 litres", 1500),
        ("2 liters", 2000),
        ("1500ml", 1500),
        ("1500 ml", 1500),
        ("1500", 1500),
        ("1,500", 1500),
        ("1,500 ml", 1500),
        ("75cl", 750),
        ("0", 0),
        (" 2L ", 2000),
    ],
)
def test_volume(text: str, ml: int) -> None:
    assert units.parse_volume_ml(text) == ml


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1.5", "ambiguous"),
        ("lots", "not understood"),
        ("-1L", "not understood"),
        ("2 gallons", "not known"),
        ("", "not understood"),
    ],
)
def test_volume_refused(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says) as info:
        units.parse_volume_ml(text)
    assert "1.5L" in str(info.value)  # the message shows what is allowed


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3m", 180),
        ("90s", 90),
        ("1m30s", 90),
        ("1 min 30 s", 90),
        ("2 min", 120),
        ("2 minutes", 120),
        ("1.5m", 90),
        ("1,5m", 90),
        ("00:03:00", 180),
        ("1:30", 90),
        ("1h", 3600),
        ("45 sec", 45),
    ],
)
def test_duration(text: str, seconds: int) -> None:
    assert units.parse_duration_s(text) == seconds


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("3", "needs a unit"),
        ("0s", "longer than zero"),
        ("-3m", "longer than zero"),
        ("3 parsecs", "not understood"),
        ("m3", "not understood"),
        ("", "empty"),
        ("1:75", "not understood"),
    ],
)
def test_duration_refused(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says) as info:
        units.parse_duration_s(text)
    assert "90s" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03:10", dt.time(3, 10)),
        ("3:10", dt.time(3, 10)),
        ("0310", dt.time(3, 10)),
        ("310", dt.time(3, 10)),
        ("3.10", dt.time(3, 10)),
        ("23:59", dt.time(23, 59)),
        ("3am", dt.time(3, 0)),
        ("3:10 am", dt.time(3, 10)),
        ("11:05pm", dt.time(23, 5)),
        ("12am", dt.time(0, 0)),
        ("03:10:20", dt.time(3, 10, 20)),
        ("now", dt.time(8, 0)),
    ],
)
def test_time(text: str, expected: dt.time) -> None:
    assert units.parse_time(text, now=NOW_MORNING) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("25:00", "impossible"),
        ("03:61", "not understood|impossible"),
        ("13pm", "impossible"),
        ("3", "not understood"),
        ("soon", "not understood"),
    ],
)
def test_time_refused(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says) as info:
        units.parse_time(text)
    assert "03:10" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", dt.date(2026, 11, 20)),
        ("today", dt.date(2026, 11, 21)),
        ("tonight", dt.date(2026, 11, 21)),
        ("Yesterday", dt.date(2026, 11, 20)),
    ],
)
def test_date(text: str, expected: dt.date) -> None:
    assert units.parse_date(text, today=dt.date(2026, 11, 21)) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-02-30", "does not exist"),
        ("20/11/2026", "not understood"),
        ("2026-11-22", "future"),
        ("tomorrow", "not understood"),
    ],
)
def test_date_refused(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        units.parse_date(text, today=dt.date(2026, 11, 21))


def test_night_dates_follow_the_evening() -> None:
    # Before noon, "the night" is the one that began yesterday evening.
    assert units.default_night_date(NOW_MORNING) == dt.date(2026, 11, 20)
    assert units.default_night_date(NOW_EVENING) == dt.date(2026, 11, 21)
    # A 03:10 cramp belongs to the previous evening's night, whenever it is logged.
    assert units.night_date_for(dt.time(3, 10), NOW_MORNING) == dt.date(2026, 11, 20)
    assert units.night_date_for(dt.time(3, 10), dt.datetime(2026, 11, 21, 15, 0)) == dt.date(2026, 11, 20)
    assert units.night_date_for(dt.time(23, 30), NOW_EVENING.replace(hour=23, minute=45)) == dt.date(2026, 11, 21)
    # At 08:00, "23:30" was yesterday evening; at 22:00 today's 23:30 has not come yet.
    assert units.night_date_for(dt.time(23, 30), NOW_MORNING) == dt.date(2026, 11, 20)
    assert units.night_date_for(dt.time(23, 30), NOW_EVENING.replace(hour=22)) == dt.date(2026, 11, 20)
    assert units.cramp_moment(dt.date(2026, 11, 20), dt.time(3, 10)) == dt.datetime(2026, 11, 21, 3, 10)
    assert units.cramp_moment(dt.date(2026, 11, 20), dt.time(23, 10)) == dt.datetime(2026, 11, 20, 23, 10)


def test_cramp_spec() -> None:
    values = units.parse_cramp_spec("03:10,3m,Left,calf+toes,7,stretch+massage,2")
    assert values == {
        "start": dt.time(3, 10),
        "duration_s": 180,
        "leg": "left",
        "muscles": ["calf", "toes"],
        "severity": 7,
        "helped": ["stretch", "massage"],
        "minutes_to_relief": 2.0,
    }
    assert units.parse_cramp_spec("3:10,90s,right,foot,4")["severity"] == 4
    with pytest.raises(ValueError, match="TIME,DURATION"):
        units.parse_cramp_spec("03:10,3m")
    with pytest.raises(ValueError, match="0 .no pain. to 10"):
        units.parse_cramp_spec("03:10,3m,left,calf,11")


@pytest.mark.parametrize(
    ("text", "hours"), [("9", 9.0), ("8.5", 8.5), ("8,5h", 8.5), ("7:30", 7.5), ("10 hours", 10.0)]
)
def test_hours(text: str, hours: float) -> None:
    assert units.parse_hours(text) == hours


def test_decimal_with_unit() -> None:
    assert units.parse_decimal("12°C", unit="c") == 12.0
    assert units.parse_decimal("2,5") == 2.5
    with pytest.raises(ValueError, match="not a number"):
        units.parse_decimal("lots", what="alcohol units")
