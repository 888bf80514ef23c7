"""Day factors: thresholds, missing values, list entries, duplicates."""

from __future__ import annotations

import datetime as dt

import numpy as np

from crampcare.diary.records import DayRecord
from crampcare.insights.factors import (
    ABSENT,
    FACTOR_IDS,
    MAX_ANALYSED_TAGS,
    MISSING,
    PRESENT,
    TAG_PREFIX,
    day_factors,
    factor_label,
    first_recorded,
)

D0 = dt.date(2024, 3, 1)


def _day(offset: int, **fields: object) -> DayRecord:
    return DayRecord(date=D0 + dt.timedelta(days=offset), **fields)


def _col(days: list[DayRecord], fid: str, **kw: object) -> list[int]:
    return day_factors(days, **kw).column(fid).tolist()  # type: ignore[arg-type]


def test_thresholds() -> None:
    days = [
        _day(0, fluids_ml=1499, sitting_hours=8, temperature_swing_c=10.0, alcohol_units=2, stress="high"),
        _day(1, fluids_ml=1500, sitting_hours=7.5, temperature_swing_c=10.5, alcohol_units=1.5, stress="some"),
    ]
    assert _col(days, "low_fluids") == [PRESENT, ABSENT]
    assert _col(days, "long_sitting") == [PRESENT, ABSENT]
    assert _col(days, "temp_swing_over_10") == [ABSENT, PRESENT]  # the article: "more than 10 degrees"
    assert _col(days, "alcohol") == [PRESENT, ABSENT]
    assert _col(days, "high_stress") == [PRESENT, ABSENT]


def test_personal_fluid_target() -> None:
    days = [_day(0, fluids_ml=1600), _day(1, fluids_ml=2100)]
    assert _col(days, "low_fluids") == [ABSENT, ABSENT]
    assert _col(days, "low_fluids", fluid_target_ml=2000) == [PRESENT, ABSENT]


def test_not_logged_is_missing_never_absent() -> None:
    days = [
        _day(0, fluids_ml=1000, caffeine=True, exercises_done=False, activity="high"),
        _day(1),  # a logged day with nothing filled in
        _day(3, fluids_ml=2500, caffeine=False, exercises_done=True, activity="low"),  # day 2 not logged
    ]
    table = day_factors(days)
    assert table.n_dates == 4
    assert table.logged.tolist() == [True, True, False, True]
    assert table.column("low_fluids").tolist() == [PRESENT, MISSING, MISSING, ABSENT]
    assert table.column("caffeine").tolist() == [PRESENT, MISSING, MISSING, ABSENT]
    assert table.column("no_exercises").tolist() == [PRESENT, MISSING, MISSING, ABSENT]
    assert table.column("high_activity").tolist() == [PRESENT, MISSING, MISSING, ABSENT]


def test_never_logged_factors_are_left_out() -> None:
    table = day_factors([_day(0, fluids_ml=1000), _day(1, fluids_ml=2000)])
    assert table.ids == ("low_fluids",)


def test_list_entries_are_absent_on_logged_days_once_used() -> None:
    days = [_day(0, diet=["protein_diet"], tags=["gardening"]), _day(1), _day(3)]
    table = day_factors(days)
    assert "strict_diet" not in table.ids  # never used: not a factor
    assert table.column("protein_diet").tolist() == [PRESENT, ABSENT, MISSING, ABSENT]
    assert table.column("tag:gardening").tolist() == [PRESENT, ABSENT, MISSING, ABSENT]


def test_medicines_become_factors() -> None:
    # model_construct skips the knowledge-base check of medicine ids
    days = [
        DayRecord.model_construct(date=D0, medicines=["statin"], diet=[], tags=[]),
        DayRecord.model_construct(date=D0 + dt.timedelta(days=1), medicines=[], diet=[], tags=[]),
    ]
    table = day_factors(days)
    assert table.column("medicine:statin").tolist() == [PRESENT, ABSENT]
    assert factor_label("medicine:statin") == "Medicine: Statins (cholesterol medicines)"  # the knowledge base's name


def test_duplicate_dates_merge_present_over_absent_over_missing() -> None:
    days = [_day(0, caffeine=False), _day(0, caffeine=True), _day(1), _day(1, caffeine=False)]
    assert _col(days, "caffeine") == [PRESENT, ABSENT]


def test_window_reindexes_with_missing_outside() -> None:
    table = day_factors([_day(0, caffeine=True), _day(1, caffeine=False)])
    w = table.window(D0 - dt.timedelta(days=2), 5)
    assert w.column("caffeine").tolist() == [MISSING, MISSING, PRESENT, ABSENT, MISSING]
    assert w.logged.tolist() == [False, False, True, True, False]
    inner = table.window(D0 + dt.timedelta(days=1), 1)
    assert inner.column("caffeine").tolist() == [ABSENT]


def test_empty_and_labels() -> None:
    table = day_factors([])
    assert table.ids == () and table.n_dates == 0 and table.dates() == []
    assert factor_label("temp_swing_over_10") == "Temperature swing over 10 °C"
    assert factor_label("tag:long drive") == "Tag: long drive"
    assert all(factor_label(f) for f in FACTOR_IDS)
    assert isinstance(day_factors([_day(0, caffeine=True)]).values, np.ndarray)


def test_only_the_most_used_tags_are_compared_so_the_work_stays_bounded() -> None:
    # An old diary from before the limit of 200 tags: 400 one-off tags and a few used often.
    days = [_day(i, tags=[f"once {i}", f"twice {i // 2}"] + (["coffee late"] if i % 3 == 0 else []))
            for i in range(400)]
    ids = [fid for fid in day_factors(days).ids if fid.startswith(TAG_PREFIX)]
    assert len(ids) == MAX_ANALYSED_TAGS
    assert TAG_PREFIX + "coffee late" in ids and TAG_PREFIX + "twice 0" in ids
    assert not any(fid.startswith(TAG_PREFIX + "once") for fid in ids)


def test_a_list_entry_is_missing_before_the_first_day_it_was_recorded() -> None:
    # Nothing answered is not "no": tagging "wine" from day 2 says nothing about days 0 and 1, nor
    # does a medicine or a diet tick first recorded later; another tag in use since day 0 does not
    # make them known either.
    days = [_day(0, tags=["coffee"]), _day(1), _day(2, tags=["wine", "coffee"], diet=["strict_diet"]), _day(3)]
    days.insert(2, DayRecord.model_construct(date=D0 + dt.timedelta(days=1), medicines=["statin"], diet=[], tags=[]))
    table = day_factors(days)
    assert table.column("tag:wine").tolist() == [MISSING, MISSING, PRESENT, ABSENT]
    assert table.column("strict_diet").tolist() == [MISSING, MISSING, PRESENT, ABSENT]
    assert table.column("medicine:statin").tolist() == [MISSING, PRESENT, ABSENT, ABSENT]
    assert table.column("tag:coffee").tolist() == [PRESENT, ABSENT, PRESENT, ABSENT]


def test_a_tag_first_used_before_the_days_given_is_known_from_then() -> None:
    # Insights over a period: the diary before it says since when a tag was in use, in any spelling.
    days = [_day(5), _day(6, tags=["Wine"]), _day(7)]
    assert _col(days, "tag:Wine") == [MISSING, PRESENT, ABSENT]
    earlier = first_recorded([_day(0, tags=["coffee"]), _day(2, tags=["WINE "]), _day(1, tags=["wine"])])
    assert earlier == {"tag:coffee": D0, "tag:wine": D0 + dt.timedelta(days=1)}
    assert _col(days, "tag:Wine", known_from=earlier) == [ABSENT, PRESENT, ABSENT]
