"""Calibration of the trigger statistics on simulated diaries (fixed seeds).

Quick checks run by default; the long runs behind the ``calibration`` marker (see conftest.py)
repeat them with enough diaries to pin the error rates down. bench/bench_triggers.py prints the
full table with confidence intervals.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from crampcare.insights import FACTOR_IDS, compute_insights, stats
from crampcare.insights.simulate import simulate_diary

END = dt.date(2024, 6, 30)


def _named(seed: int, persistence: float, seasonal: float = 0.0, weeks: int = 8) -> bool:
    """Whether any factor is named in a diary where no factor does anything."""
    nights, days = simulate_diary(
        7 * weeks, trigger=FACTOR_IDS[seed % len(FACTOR_IDS)], rr=1.0, seed=seed, end=END,
        cramp_persistence=persistence, factor_persistence=persistence, seasonal=seasonal, factor_seasonal=seasonal,
    )
    tr = compute_insights(nights, days, today=END).triggers
    return bool(tr.linked or tr.protective)


def _found(seed: int, weeks: int) -> bool:
    trigger = FACTOR_IDS[seed % len(FACTOR_IDS)]
    nights, days = simulate_diary(7 * weeks, trigger=trigger, rr=2.5, seed=seed, end=END)
    return trigger in compute_insights(nights, days, today=END).triggers.linked


def test_shuffled_nights_match_the_exact_test_on_independent_series() -> None:
    from scipy.stats import fisher_exact  # 0.6 s of imports: here, not in every worker's collection

    # Independent nights, one block: the share of shuffles at or above the observed count is
    # Fisher's one-sided p; with four-week blocks it is the exact stratified p.
    rng = np.random.default_rng(21)
    y = (rng.random(84) < 0.35).astype(np.int8)
    x = rng.random(84) < 0.3
    a = int(y[x].sum())
    for block_days in (84, 28):
        block = np.arange(84) // block_days
        shuffled = stats.block_permutations(y, block, 20000, np.random.default_rng(3))
        share = float(((shuffled @ x) >= a).mean())
        pop = np.bincount(block, minlength=block.max() + 1)[None, :]
        hits = np.bincount(block, weights=y, minlength=block.max() + 1)[None, :]
        draws = np.bincount(block[x], minlength=block.max() + 1)[None, :]
        exact = float(stats.StratifiedSumNull(pop, hits, draws).p_more(np.array([float(a)]))[0])
        assert share == pytest.approx(exact, abs=0.01)
        if block_days == 84:
            table = [[a, int(x.sum()) - a], [int(y[~x].sum()), int((~x).sum() - y[~x].sum())]]
            assert exact == pytest.approx(fisher_exact(table, alternative="greater").pvalue, rel=1e-9)


def test_spells_do_not_make_a_do_nothing_factor_look_linked() -> None:
    # 40 diaries with long spells in cramps and every factor (persistence 0.85): Fisher's test named
    # a factor in about 13 % of such diaries; the corrected test stays near 5 % or below.
    named = sum(_named(seed, 0.85) for seed in range(7000, 7040))
    assert named <= 5


def test_a_planted_trigger_is_still_found() -> None:
    found = sum(_found(seed, 12) for seed in range(7100, 7120))
    assert found >= 14


@pytest.mark.calibration
@pytest.mark.parametrize("weeks", [8, 12])
@pytest.mark.parametrize("persistence", [0.0, 0.7, 0.85, 0.93])
@pytest.mark.parametrize("seasonal", [0.0, 0.5])
def test_false_rate_holds_under_persistence_and_seasons(persistence: float, seasonal: float, weeks: int) -> None:
    # Target: a do-nothing factor named in at most 5 % of diaries. 600 diaries put the 95 % interval
    # of a true 5 % at 3.5-6.9 %, so more than 7 % means the target is missed.
    n = 600
    named = sum(_named(seed, persistence, seasonal, weeks) for seed in range(8000, 8000 + n))
    assert named / n <= 0.07


@pytest.mark.calibration
def test_power_on_independent_diaries() -> None:
    # Targets: at least 86 % after 12 weeks (met: 86.6 %, 95 % CI 85.0-88.0 %, in the bench on
    # 2,000 diaries) and 75 % after 8 weeks (not met: 65 %, about the most a test that names a
    # do-nothing factor in at most 5 % of diaries can reach with nine factors checked; see the
    # module docstring of crampcare.insights.analysis). With 400 diaries, below 82.5 % after 12
    # weeks is outside the 95 % interval of a true 86 %; below 60 % after 8 weeks would be a loss.
    n = 400
    seeds = range(9000, 9000 + n)
    assert sum(_found(seed, 12) for seed in seeds) / n >= 0.825
    assert sum(_found(seed, 8) for seed in seeds) / n >= 0.60
