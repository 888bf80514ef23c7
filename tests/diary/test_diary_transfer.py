"""Import/export: lossless round trips, and import errors that name row and column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from diary_helpers import cramp, day, night

from crampcare.diary import transfer
from crampcare.diary.errors import ImportFormatError
from crampcare.diary.store import DiaryStore
from crampcare.services.transfer import FORMATS

D1 = dt.date(2026, 3, 1)


def _rich_diary() -> tuple[list, list]:
    """Every kind of value, including the awkward ones (lists with ';', newlines, quotes, floats)."""
    nights = [
        night(D1),  # quiet
        night(
            D1 + dt.timedelta(days=1),
            cramp(
                start=dt.time(23, 40, 15), signs=["hard_knot", "twitching"], helped=["stretch"], minutes_to_relief=0.1
            ),
            cramp(start=dt.time(3, 10), leg="both", muscles=["toes", "foot"], severity=0, duration_s=7200),
            cramp(start=dt.time(4, 0, 0, 250000), muscles=["thigh"], severity=10, minutes_to_relief=2),
            sleep_disturbed=True,
            notes='woke "twice", then; again\nsecond line  ',
        ),
        night(D1 + dt.timedelta(days=3), cramp()),  # no day for this date
    ]
    days = [
        day(
            D1, fluids_ml=1500, activity="high", unusual_activity=True, sitting_hours=9.5, cold_exposure=False,
            temperature_swing_c=12.25, stress="high", uncomfortable_shoes=True, diet=["protein_diet", "strict_diet"],
            alcohol_units=2, caffeine=True, medicines=["statin", "diuretic"], pregnancy_week=20, exercises_done=False,
            tags=["trip", "a;b", "[x"], notes="hike, long",
        ),
        day(D1 + dt.timedelta(days=2), fluids_ml=0, notes=""),  # day without a night
        day(D1 + dt.timedelta(days=1), tags=["ноги"], alcohol_units=0.3333333333333333),
    ]  # fmt: skip
    return nights, days


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_export_is_identical(fmt: str, migrated_db_url: str, tmp_path: Path) -> None:
    nights, days = _rich_diary()
    with DiaryStore(migrated_db_url, owner="source") as source, DiaryStore(migrated_db_url, owner="copy") as copy:
        source.add_many(nights, days)
        first = FORMATS[fmt].render(transfer.collect(source))
        path = tmp_path / f"diary.{fmt}"
        path.write_text(first, encoding="utf-8", newline="")
        batch = transfer.read_import_file(path)
        result = copy.add_many(batch.nights, batch.days)
        assert (result.nights_added, result.days_added) == (3, 3)
        second = FORMATS[fmt].render(transfer.collect(copy))
        assert second == first
        # and the records themselves are equal, not only their text
        assert [n.model_dump() for n in copy.list_nights()] == [n.model_dump() for n in source.list_nights()]
        assert [d.model_dump() for d in copy.list_days()] == [d.model_dump() for d in source.list_days()]
        # re-importing the same file adds nothing
        again = copy.add_many(*_both(transfer.read_import_file(path)))
        assert (again.nights_added, again.days_added, again.nights_unchanged, again.days_unchanged) == (0, 0, 3, 3)


def _both(batch: transfer.ImportBatch) -> tuple[list, list]:
    return batch.nights, batch.days


def test_csv_layout_is_one_row_per_date() -> None:
    nights, days = _rich_diary()
    text = transfer.export_csv(transfer.DiaryExport(nights=nights, days=days))
    lines = text.splitlines()
    header = lines[0].split(",")
    assert header[:6] == ["date", "night_logged", "cramp_count", "sleep_disturbed", "night_notes", "day_logged"]
    assert header[-8:] == [f"cramp3_{name}" for name in transfer.CRAMP_FIELDS]
    assert header == transfer.csv_columns(3)
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["date"] for r in rows] == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    quiet, busy, day_only, night_only = rows
    assert (quiet["night_logged"], quiet["cramp_count"], quiet["day_logged"]) == ("yes", "0", "yes")
    assert quiet["medicines"] == "statin;diuretic" and quiet["tags"] == '["trip", "a;b", "[x"]'
    assert quiet["fluids_ml"] == "1500" and quiet["sitting_hours"] == "9.5" and quiet["caffeine"] == "yes"
    assert busy["cramp1_start"] == "23:40:15" and busy["cramp2_start"] == "03:10"
    assert busy["cramp2_muscles"] == "toes;foot" and busy["cramp1_minutes_to_relief"] == "0.1"
    assert (day_only["night_logged"], day_only["cramp_count"], day_only["fluids_ml"]) == ("no", "", "0")
    assert (night_only["day_logged"], night_only["fluids_ml"]) == ("no", "")


def test_csv_accepts_friendly_hand_written_files() -> None:
    text = (
        "date,cramp1_start,cramp1_duration_s,cramp1_leg,cramp1_muscles,cramp1_severity,fluids_ml,caffeine\n"
        "2026-03-01,3:10,3m,Left,calf; toes,7,1.5L,y\n"
        "2026-03-02,,,,,,1500,\n"
        "\n"
    )
    batch = transfer.parse_csv(text, source="mine.csv")
    assert [n.date for n in batch.nights] == [dt.date(2026, 3, 1)]
    assert batch.nights[0].cramps[0].duration_s == 180 and batch.nights[0].cramps[0].muscles == ["calf", "toes"]
    assert [(d.date, d.fluids_ml, d.caffeine) for d in batch.days] == [
        (dt.date(2026, 3, 1), 1500, True),
        (dt.date(2026, 3, 2), 1500, None),
    ]
    assert batch.where("night", dt.date(2026, 3, 1)) == "row 2"


HEADER = "date,night_logged,cramp_count,sleep_disturbed,cramp1_start,cramp1_duration_s,cramp1_leg,cramp1_muscles,"
HEADER += "cramp1_severity,fluids_ml,medicines"


@pytest.mark.parametrize(
    ("rows", "location", "says"),
    [
        (["2026-03-01,yes,1,,03:10,180,left,calf,11,,"], "row 2, column cramp1_severity", "less than or equal to 10"),
        (["2026-03-01,yes,1,,03:10,180,left,calf,5,,", "2026-02-30,yes,0,,,,,,,,"], "row 3, column date", "YYYY-MM-DD"),
        (["2026-03-01,yes,0,,,,,,,,", "2026-03-01,yes,0,,,,,,,,"], "row 3, column date", "appears twice"),
        (["2099-03-01,yes,0,,,,,,,,"], "row 2, column date", "future"),
        (["2026-03-01,yes,1,,03:10,180,middle,calf,5,,"], "row 2, column cramp1_leg", "'left', 'right' or 'both'"),
        (["2026-03-01,yes,1,,03:10,180,left,arm,5,,"], "row 2, column cramp1_muscles", "'calf'"),
        (["2026-03-01,yes,1,,25:10,180,left,calf,5,,"], "row 2, column cramp1_start", "impossible"),
        (["2026-03-01,yes,1,,03:10,-5,left,calf,5,,"], "row 2, column cramp1_duration_s", "longer than zero"),
        (["2026-03-01,yes,1,,03:10,99999,left,calf,5,,"], "row 2, column cramp1_duration_s", "less than or equal"),
        (["2026-03-01,yes,1,,03:10,,left,calf,5,,"], "row 2, column cramp1_duration_s", "Field required"),
        (["2026-03-01,yes,2,,03:10,180,left,calf,5,,"], "row 2, column cramp_count", "says 2 but 1"),
        (["2026-03-01,no,1,,03:10,180,left,calf,5,,"], "row 2, column night_logged", "says no"),
        (["2026-03-01,maybe,0,,,,,,,,"], "row 2, column night_logged", "not yes or no"),
        (["2026-03-01,yes,0,sometimes,,,,,,,"], "row 2, column sleep_disturbed", "not yes or no"),
        (["2026-03-01,,,,,,,,,2.5,"], "row 2, column fluids_ml", "ambiguous"),
        (["2026-03-01,,,,,,,,,,aspirin_x"], "row 2, column medicines", "unknown medicine 'aspirin_x'"),
        (["2026-03-01,,,,,,,,,,"], "row 2", "neither a night nor a day"),
        (["2026-03-01,yes,0,,,,,,,,,extra"], "row 2", "12 cells"),
    ],
)
def test_csv_errors_name_row_and_column(rows: list[str], location: str, says: str) -> None:
    text = HEADER + "\n" + "\n".join(rows) + "\n"
    with pytest.raises(ImportFormatError) as info:
        transfer.parse_csv(text, source="data.csv")
    message = str(info.value)
    assert message.startswith(f"data.csv {location}:"), message
    assert says in message
    assert "\n" not in message and "nothing was imported" in message


def test_csv_header_errors() -> None:
    with pytest.raises(ImportFormatError, match=r"row 1, column 2: unknown column 'mood'"):
        transfer.parse_csv("date,mood\n2026-03-01,ok\n")
    with pytest.raises(ImportFormatError, match="'date' column is required"):
        transfer.parse_csv("fluids_ml\n1500\n")
    with pytest.raises(ImportFormatError, match="empty"):
        transfer.parse_csv("")


def test_all_problems_are_counted() -> None:
    text = HEADER + "\n2026-03-01,yes,1,,03:10,180,left,calf,11,,\n2026-03-02,yes,1,,03:10,180,left,arm,5,,\n"
    with pytest.raises(ImportFormatError, match=r"row 2, column cramp1_severity: .*and 1 more problem;"):
        transfer.parse_csv(text, source="data.csv")


@pytest.mark.parametrize(
    ("document", "location", "says"),
    [
        ('{"nights": [{"date": "2026-03-01", "cramps": [{"start": "03:10", "duration_s": 60, "leg": "left", '
         '"muscles": ["calf"], "severity": 12}]}]}', "nights[0].cramps[0].severity", "less than or equal to 10"),
        ('{"days": [{"date": "2026-03-01"}, {"date": "2026-03-01"}]}', "days[1].date", "appears twice"),
        ('{"days": [{"date": "2026-03-01", "mood": "ok"}]}', "days[0].mood", "Extra inputs"),
        ('{"nights": [{"date": "2099-01-01"}]}', "nights[0].date", "future"),
        ('{"nights": [}', "line 1, column 13", "not valid JSON"),
        ('{"format": "other", "nights": []}', "format", "crampcare-diary"),
        ('{"nights": {}}', "nights", "must be a list"),
    ],
)  # fmt: skip
def test_json_errors_name_the_place(document: str, location: str, says: str) -> None:
    with pytest.raises(ImportFormatError) as info:
        transfer.parse_json(document, source="d.json")
    message = str(info.value)
    assert message.startswith(f"d.json {location}:"), message
    assert says in message and "\n" not in message


def test_detect_format(tmp_path: Path) -> None:
    assert transfer.detect_format("x.JSON", "") == "json"
    assert transfer.detect_format("x.csv", "{") == "json"  # the content says: a JSON file under a CSV name
    assert transfer.detect_format("x.json", "\ufeffdate;fluids_ml\r\n") == "csv"
    assert transfer.detect_format("x.txt", '  {"nights": []}') == "json"
    assert transfer.detect_format("x", "date,fluids_ml\n") == "csv"
    path = tmp_path / "noext"
    path.write_text(json.dumps({"format": "crampcare-diary", "version": 1, "nights": [{"date": "2026-03-01"}]}))
    assert [n.date for n in transfer.read_import_file(path).nights] == [dt.date(2026, 3, 1)]
    bom = tmp_path / "excel.csv"
    bom.write_bytes("\ufeffdate,fluids_ml\r\n2026-03-01,1500\r\n".encode())
    assert transfer.read_import_file(bom).days[0].fluids_ml == 1500


