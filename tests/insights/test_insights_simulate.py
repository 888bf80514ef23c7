"""simulate_diary: deterministic, realistic, and its planted trigger is a real factor id."""

from __future__ import annotations

import datetime as dt
import statistics

import numpy as np
import pytest

from crampcare.insights import FACTOR_IDS, day_factors
from crampcare.insights.simulate import simulate_diary

END = dt.date(2024, 6, 30)


def test_same_seed_same_diary_and_dates() -> None:
    a = simulate_diary(60, trigger="caffeine", rr=2.0, seed=5, end=END)
    b = simulate_diary(60, trigger="caffeine", rr=2.0, seed=5, end=END)
    c = simulate_diary(60, trigger="caffeine", rr=2.0, seed=6, end=END)
    assert a == b and a != c
    nights, days = a
    dates = [n.date for n in nights] + [d.date for d in days]
    assert min(dates) >= END - dt.timedelta(days=59) and max(dates) <= END
    assert nights == sorted(nights, key=lambda n: n.date)


def test_realistic_cramps() -> None:
    nights, _ = simulate_diary(730, trigger=None, rr=1.0, seed=3, end=END)
    cramps = [c for n in nights for c in n.cramps]
    assert len(cramps) > 150
    share_night_core = sum(1 <= c.start.hour < 5 for c in cramps) / len(cramps)
    assert share_night_core > 0.6  # mostly 1-5 a.m.
    assert all(c.start.hour >= 21 or c.start.hour < 9 for c in cramps)  # in bed
    durations = [c.duration_s for c in cramps]
    assert min(durations) >= 30 and max(durations) <= 600
    assert 60 <= statistics.median(durations) <= 180
    assert sum("calf" in c.muscles for c in cramps) / len(cramps) > 0.6
    assert all(1 <= c.severity <= 10 for c in cramps)
    assert sum(bool(c.helped) for c in cramps) / len(cramps) > 0.7
    # base rate 0.3 (no trigger, no season)
    share = sum(n.had_cramp for n in nights) / len(nights)
    assert 0.25 < share < 0.35


def test_planted_trigger_share_and_effect() -> None:
    nights, days = simulate_diary(1500, trigger="low_fluids", rr=2.5, base_rate=0.3, seed=4, end=END)
    table = day_factors(days)
    col = table.column("low_fluids")
    logged = col >= 0
    assert 0.26 < col[logged].mean() < 0.34  # ~trigger_share of days
    night_dates = {n.date: n.had_cramp for n in nights}
    with_, without = [], []
    for i, v in enumerate(col):
        date = table.start + dt.timedelta(days=i) if table.start else None
        if v < 0 or date not in night_dates:
            continue
        (with_ if v == 1 else without).append(night_dates[date])
    assert statistics.mean(with_) == pytest.approx(0.75, abs=0.06)
    assert statistics.mean(without) == pytest.approx(0.30, abs=0.04)


def test_every_fixed_factor_can_be_planted_and_is_a_factor_id() -> None:
    for fid in FACTOR_IDS:
        _, days = simulate_diary(40, trigger=fid, rr=2.0, seed=1, end=END, other_factors=0)
        assert fid in day_factors(days).ids


def test_other_factors_and_missing_entries() -> None:
    nights, days = simulate_diary(200, trigger="caffeine", rr=2.0, seed=9, end=END, other_factors=4)
    ids = day_factors(days).ids
    assert "caffeine" in ids and 3 <= len(ids) <= 5  # list factors may not appear if never present
    assert len(days) < 200 and len(nights) < 200  # some dates are not logged
    assert any(d.caffeine is None for d in days)  # a logged day with the entry left blank


def test_plausible_raw_values() -> None:
    _, days = simulate_diary(400, trigger=None, rr=1.0, seed=11, end=END, other_factors=len(FACTOR_IDS))
    fluids = [d.fluids_ml for d in days if d.fluids_ml is not None]
    assert fluids and min(fluids) >= 500 and max(fluids) <= 3500
    sitting = [d.sitting_hours for d in days if d.sitting_hours is not None]
    assert all(0 <= h <= 12 for h in sitting)
    assert {d.stress for d in days} <= {None, "none", "some", "high"}


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown trigger"):
        simulate_diary(10, trigger="moon_phase", rr=2.0, seed=1)
    with pytest.raises(ValueError):
        simulate_diary(10, trigger=None, rr=2.0, base_rate=1.5, seed=1)
    with pytest.raises(ValueError):
        simulate_diary(10, trigger="caffeine", rr=0, seed=1)


def test_progress_callback_does_not_change_the_result() -> None:
    seen: list[int] = []
    with_cb = simulate_diary(130, trigger="alcohol", rr=2.0, seed=2, end=END, progress=seen.append)
    assert with_cb == simulate_diary(130, trigger="alcohol", rr=2.0, seed=2, end=END)
    assert seen[-1] == 130 and seen == sorted(seen)


def test_seasonal_variation() -> None:
    nights, _ = simulate_diary(3 * 365, trigger=None, rr=1.0, seed=8, end=dt.date(2023, 12, 31), seasonal=0.6)
    summer = [n.had_cramp for n in nights if n.date.month in (6, 7, 8)]
    winter = [n.had_cramp for n in nights if n.date.month in (12, 1, 2)]
    assert statistics.mean(summer) > statistics.mean(winter) + 0.1


def test_spells_keep_the_share_and_add_persistence() -> None:
    nights, days = simulate_diary(
        3000, trigger=None, rr=1.0, seed=12, end=END, cramp_persistence=0.85, factor_persistence=0.7,
        persistence_by_factor={"high_stress": 0.0}, skip_share=0.0, field_missing=0.0, other_factors=len(FACTOR_IDS),
    )
    cramp = np.array([bool(n.cramps) for n in nights], dtype=float)
    assert 0.25 < cramp.mean() < 0.35
    assert np.corrcoef(cramp[1:], cramp[:-1])[0, 1] == pytest.approx(0.85, abs=0.05)
    cold = np.array([bool(d.cold_exposure) for d in days], dtype=float)
    assert np.corrcoef(cold[1:], cold[:-1])[0, 1] == pytest.approx(0.7, abs=0.06)
    stress = np.array([d.stress == "high" for d in days], dtype=float)
    assert abs(np.corrcoef(stress[1:], stress[:-1])[0, 1]) < 0.08


def test_factor_seasons_peak_in_summer() -> None:
    _, days = simulate_diary(
        4 * 365, trigger=None, rr=1.0, seed=13, end=dt.date(2023, 12, 31), factor_seasonal=0.8,
        other_factors=len(FACTOR_IDS), field_missing=0.0,
    )
    summer = [d.caffeine for d in days if d.date.month in (6, 7, 8) and d.caffeine is not None]
    winter = [d.caffeine for d in days if d.date.month in (12, 1, 2) and d.caffeine is not None]
    assert np.mean(summer) > np.mean(winter) + 0.1


@pytest.mark.parametrize("bad", [{"cramp_persistence": 1.0}, {"factor_persistence": -0.1},
                                 {"persistence_by_factor": {"caffeine": 1.2}}, {"factor_seasonal": 1.0}])
def test_spell_and_season_options_are_checked(bad: dict) -> None:
    with pytest.raises(ValueError):
        simulate_diary(10, trigger=None, rr=1.0, seed=1, **bad)
