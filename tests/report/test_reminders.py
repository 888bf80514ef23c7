"""Calendar reminders: parse the .ics back and check the events, recurrence, alarms and steps."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from crampcare.knowledge import load_knowledge
from crampcare.report import ReportError, reminders_ics
from crampcare.report.reminders import DIARY_UID, EXERCISES_UID

START = dt.date(2026, 4, 1)


def events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0" and "crampcare" in str(calendar["PRODID"])
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_two_daily_events_with_alarms() -> None:
    found = events(reminders_ics(start=START))
    assert set(found) == {EXERCISES_UID, DIARY_UID}
    exercises, diary = found[EXERCISES_UID], found[DIARY_UID]
    assert exercises["DTSTART"].dt == dt.datetime(2026, 4, 1, 21, 30)
    assert diary["DTSTART"].dt == dt.datetime(2026, 4, 1, 21, 45)
    for event in (exercises, diary):
        assert event["DTSTART"].dt.tzinfo is None  # floating: 21:30 wherever the person is
        assert event["RRULE"]["FREQ"] == ["DAILY"]
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0]["TRIGGER"].dt == dt.timedelta(0)
        assert event["DTSTAMP"].dt.tzinfo is not None
    assert exercises["DURATION"].dt >= dt.timedelta(minutes=5)


def test_exercise_steps_come_from_the_knowledge_base() -> None:
    description = str(events(reminders_ics(start=START))[EXERCISES_UID]["DESCRIPTION"])
    kb = load_knowledge()
    for exercise in kb.exercises.values():
        assert exercise.title in description
        for step in exercise.steps:
            assert step in description
    # the one guidance recommends first comes first
    assert description.index("Calf stretch against a wall") < description.index("Legs up the wall")
    diary = str(events(reminders_ics(start=START))[DIARY_UID]["DESCRIPTION"])
    assert "crampcare log day" in diary and "crampcare log night" in diary


def test_uids_are_stable_and_times_configurable() -> None:
    first = events(reminders_ics("20:00", "22:15", START))
    second = events(reminders_ics("20:00", "22:15", START + dt.timedelta(days=3)))
    assert set(first) == set(second) == {EXERCISES_UID, DIARY_UID}
    assert first[EXERCISES_UID]["DTSTART"].dt.time() == dt.time(20, 0)
    assert first[DIARY_UID]["DTSTART"].dt.time() == dt.time(22, 15)
    assert events(reminders_ics("9:30pm", None, START))[EXERCISES_UID]["DTSTART"].dt.time() == dt.time(21, 30)
    assert set(events(reminders_ics(None, "21:45", START))) == {DIARY_UID}


def test_default_start_is_today() -> None:
    found = events(reminders_ics())
    assert found[EXERCISES_UID]["DTSTART"].dt.date() == dt.date.today()


@pytest.mark.parametrize(
    ("exercises", "diary", "message"),
    [
        ("25:00", "21:45", "--exercises: time '25:00' is impossible"),
        ("21:30", "soon", "--diary: time 'soon' not understood"),
        ("now", "21:45", "--exercises: give a clock time"),
        (None, None, "nothing to remind"),
    ],
)
def test_bad_times_are_refused(exercises: str | None, diary: str | None, message: str) -> None:
    with pytest.raises(ReportError, match=message.replace("(", r"\(")):
        reminders_ics(exercises, diary, START)
