"""Fixtures for the report tests: fresh SQLite diaries (copies of the worker's migrated one, from the
root conftest's ``new_migrated_sqlite``) and a simulated 3-month diary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from report_helpers import case_answers, save_assessment, simulated_diary

from crampcare.diary.store import DiaryStore


@pytest.fixture
def make_store(tmp_path: Path, new_migrated_sqlite: Callable[[Path], str]) -> Iterator[Callable[[str], DiaryStore]]:
    """``make_store("name")``: a fresh, migrated SQLite diary in the test's folder."""
    opened: list[DiaryStore] = []

    def make(name: str = "diary") -> DiaryStore:
        store = DiaryStore(new_migrated_sqlite(tmp_path / f"{name}.db"))
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture(scope="module")
def three_months(tmp_path_factory: pytest.TempPathFactory,
                 new_migrated_sqlite: Callable[[Path], str]) -> Iterator[DiaryStore]:
    """A simulated 3-month diary with one saved assessment (case P5: 62-year-old man on a diuretic)."""
    store = DiaryStore(new_migrated_sqlite(tmp_path_factory.mktemp("three_months") / "diary.db"))
    nights, days = simulated_diary()
    store.add_many(nights, days)
    save_assessment(store, case_answers("P5"))
    yield store
    store.close()
