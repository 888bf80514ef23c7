"""Numeric helpers against scipy and hand-computed values, plus property tests."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy.stats import false_discovery_control, fisher_exact

from crampcare.insights import stats

# --------------------------------------------------------------------------- Wilson


def test_wilson_matches_hand_computation() -> None:
    # 3 of 10: centre (0.3 + z²/20) / (1 + z²/10), half-width z sqrt(0.021 + z²/400) / (1 + z²/10)
    z = stats.Z95
    denom = 1 + z * z / 10
    centre = (0.3 + z * z / 20) / denom
    half = z * math.sqrt(0.3 * 0.7 / 10 + z * z / 400) / denom
    est, lo, hi = stats.wilson_interval(3, 10)
    assert est == pytest.approx(0.3)
    assert lo == pytest.approx(centre - half)
    assert hi == pytest.approx(centre + half)
    assert (lo, hi) == pytest.approx((0.1078, 0.6032), abs=1e-4)  # published value for 3/10


def test_wilson_edges_and_empty() -> None:
    est, lo, hi = stats.wilson_interval(0, 20)
    assert est == 0 and lo == 0 and 0 < hi < 0.2
    est, lo, hi = stats.wilson_interval(20, 20)
    assert est == 1 and hi == 1 and 0.8 < lo < 1
    assert all(math.isnan(v) for v in stats.wilson_interval(0, 0))


@given(st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_is_a_proper_interval(kn: tuple[int, int]) -> None:
    k, n = kn
    if n == 0:
        return
    est, lo, hi = stats.wilson_interval(k, n)
    assert 0.0 <= lo <= est <= hi <= 1.0


# --------------------------------------------------------------------------- risk ratio


def test_risk_ratio_log_method_by_hand() -> None:
    # 18/24 with vs 17/55 without
    rr, lo, hi, corrected = stats.risk_ratio(18, 24, 17, 55)
    expected = (18 / 24) / (17 / 55)
    se = math.sqrt(1 / 18 - 1 / 24 + 1 / 17 - 1 / 55)
    assert not corrected
    assert rr == pytest.approx(expected)
    assert lo == pytest.approx(expected * math.exp(-stats.Z95 * se))
    assert hi == pytest.approx(expected * math.exp(stats.Z95 * se))


def test_risk_ratio_haldane_correction_when_a_cell_is_zero() -> None:
    rr, lo, hi, corrected = stats.risk_ratio(0, 10, 5, 10)
    assert corrected
    assert rr == pytest.approx((0.5 / 11) / (5.5 / 11))
    se = math.sqrt(1 / 0.5 - 1 / 11 + 1 / 5.5 - 1 / 11)
    assert lo == pytest.approx(rr * math.exp(-stats.Z95 * se))
    assert math.isfinite(hi) and lo < rr < hi
    # every event in both groups: the b and d cells are zero
    rr, lo, hi, corrected = stats.risk_ratio(7, 7, 9, 9)
    assert corrected and rr == pytest.approx((7.5 / 8) / (9.5 / 10)) and lo < 1 < hi


def test_risk_ratio_vectorised_and_empty_groups() -> None:
    rr, lo, hi, corrected = stats.risk_ratio([18, 0, 0], [24, 10, 0], [17, 5, 2], [55, 10, 9])
    assert rr[0] == pytest.approx((18 / 24) / (17 / 55))
    assert corrected.tolist() == [False, True, True]
    assert math.isnan(rr[2]) and math.isnan(lo[2]) and math.isnan(hi[2])


@given(
    st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_risk_ratio_ci_contains_the_estimate(exposed: tuple[int, int], unexposed: tuple[int, int]) -> None:
    (a, n1), (c, n0) = exposed, unexposed
    rr, lo, hi, _ = stats.risk_ratio(a, n1, c, n0)
    assert 0 < lo <= rr <= hi < math.inf


# --------------------------------------------------------------------------- Fisher


def test_fisher_two_sided_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    tables = rng.integers(0, 30, size=(400, 4))
    tables[:40, 0] = 0
    tables[40:80, 1:3] = 0
    ours = stats.fisher_exact_two_sided(*tables.T)
    ref = [fisher_exact([[a, b], [c, d]]).pvalue for a, b, c, d in tables]
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12)


def test_fisher_one_sided_matches_scipy() -> None:
    rng = np.random.default_rng(8)
    tables = rng.integers(0, 40, size=(300, 4))
    greater, less = stats.fisher_exact_one_sided(*tables.T)
    ref_g = [fisher_exact([[a, b], [c, d]], alternative="greater").pvalue for a, b, c, d in tables]
    ref_l = [fisher_exact([[a, b], [c, d]], alternative="less").pvalue for a, b, c, d in tables]
    np.testing.assert_allclose(greater, ref_g, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(less, ref_l, rtol=1e-9, atol=1e-12)


def test_fisher_scalar_and_textbook_value() -> None:
    # Fisher's tea-tasting table: one-sided p = 17/70, two-sided 34/70.
    assert stats.fisher_exact_two_sided(3, 1, 1, 3) == pytest.approx(34 / 70)
    g, le = stats.fisher_exact_one_sided(3, 1, 1, 3)
    assert g == pytest.approx(17 / 70) and le == pytest.approx(69 / 70)
    with pytest.raises(ValueError):
        stats.fisher_exact_two_sided(-1, 2, 3, 4)


def test_fisher_min_attainable_is_the_most_extreme_table() -> None:
    # margins of [[3,1],[1,3]]: the most extreme "greater" table is [[4,0],[0,4]], p = 1/70.
    g, le = stats.fisher_min_attainable_one_sided(3, 1, 1, 3)
    assert g == pytest.approx(1 / 70) and le == pytest.approx(1 / 70)
    rng = np.random.default_rng(3)
    tables = rng.integers(0, 25, size=(200, 4))
    g, le = stats.fisher_min_attainable_one_sided(*tables.T)
    pg, pl = stats.fisher_exact_one_sided(*tables.T)
    assert np.all(g <= pg + 1e-12) and np.all(le <= pl + 1e-12)


# --------------------------------------------------------------------------- BH / Tarone


def test_bh_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    p = rng.random(40) ** 3
    np.testing.assert_allclose(stats.benjamini_hochberg(p), false_discovery_control(p), rtol=1e-12)


def test_bh_hand_example_and_nan() -> None:
    q = stats.benjamini_hochberg([0.01, 0.04, 0.03, np.nan, 0.5])
    # m = 4 tested: sorted p 0.01, 0.03, 0.04, 0.5 -> 0.04, 0.06, 0.0533, 0.5 -> monotone 0.04, 0.0533, 0.0533, 0.5
    assert q[0] == pytest.approx(0.04)
    assert q[1] == pytest.approx(0.04 * 4 / 3)
    assert q[2] == pytest.approx(0.04 * 4 / 3)
    assert math.isnan(q[3])
    assert q[4] == pytest.approx(0.5)


def test_weighted_bh() -> None:
    p = np.array([0.001, 0.01, 0.02, 0.3])
    np.testing.assert_allclose(stats.benjamini_hochberg(p, weights=[2, 2, 2, 2]), stats.benjamini_hochberg(p))
    # weights (3, 1, ...) rescale to mean 1; the first p is divided by its weight 2.0
    q = stats.benjamini_hochberg(p, weights=[3, 1, 1, 1])
    assert q[0] == pytest.approx(min(0.001 / 2.0 * 4, q[1]))
    with pytest.raises(ValueError):
        stats.benjamini_hochberg(p, weights=[-1, 1, 1, 1])


@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=60))
def test_bh_q_values_are_monotone_and_at_least_p(ps: list[float]) -> None:
    p = np.array(ps)
    q = stats.benjamini_hochberg(p)
    assert np.all(q >= p - 1e-15)
    assert np.all(q <= 1.0)
    order = np.argsort(p, kind="mergesort")
    assert np.all(np.diff(q[order]) >= -1e-15)


@given(
    st.lists(st.floats(1e-6, 1, allow_nan=False), min_size=1, max_size=40),
    st.floats(0.1, 10),
)
def test_weighted_bh_is_monotone_in_weighted_p(ps: list[float], w0: float) -> None:
    p = np.array(ps)
    w = np.ones_like(p)
    w[0] = w0
    q = stats.benjamini_hochberg(p, weights=w)
    wn = w * len(w) / w.sum()
    order = np.argsort(p / wn, kind="mergesort")
    assert np.all(np.diff(q[order]) >= -1e-15)
    assert np.all((q > 0) & (q <= 1))


def test_tarone_screen_drops_tests_that_cannot_reach_significance() -> None:
    # Four tests; two can never go below 0.02. With K = 2, alpha / K = 0.025 keeps exactly the other two.
    keep = stats.tarone_screen([1e-6, 1e-5, 0.02, 0.3], alpha=0.05)
    assert keep.tolist() == [True, True, True, False] or keep.tolist() == [True, True, False, False]
    keep = stats.tarone_screen([1e-6, 1e-5, 0.03, 0.3], alpha=0.05)
    assert keep.tolist() == [True, True, False, False]
    # every test able to reach anything: all kept
    assert stats.tarone_screen([1e-9] * 5).all()
    # NaN never kept
    assert stats.tarone_screen([np.nan, 1e-9]).tolist() == [False, True]


# --------------------------------------------------------------------------- logistic trend


def _mle(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    def nll(b: np.ndarray) -> float:
        eta = b[0] + b[1] * t
        return float(np.sum(np.logaddexp(0, eta) - y * eta))

    return optimize.minimize(nll, np.zeros(2), method="BFGS", options={"gtol": 1e-10}).x


def test_logistic_trend_matches_direct_maximum_likelihood() -> None:
    rng = np.random.default_rng(2)
    t = np.arange(200) / 7.0
    y = (rng.random(200) < 1 / (1 + np.exp(-(-1 + 0.05 * t)))).astype(float)
    fit = stats.logistic_trend(t, y)
    assert fit is not None
    b = _mle(t, y)
    assert fit.intercept == pytest.approx(b[0], abs=1e-4)
    assert fit.slope == pytest.approx(b[1], abs=1e-5)
    # Wald SE from the observed information
    p = 1 / (1 + np.exp(-(b[0] + b[1] * t)))
    X = np.column_stack([np.ones_like(t), t])
    cov = np.linalg.inv((X * (p * (1 - p))[:, None]).T @ X)
    assert fit.slope_se == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-4)
    est, lo, hi = fit.predict(np.array([0.0, 10.0]))
    assert np.all((lo <= est) & (est <= hi))


def test_logistic_trend_refuses_degenerate_data() -> None:
    t = np.arange(30, dtype=float)
    assert stats.logistic_trend(t, np.zeros(30)) is None
    assert stats.logistic_trend(t, np.ones(30)) is None
    assert stats.logistic_trend(np.ones(30), np.r_[np.zeros(15), np.ones(15)]) is None
    # complete separation: all early nights quiet, all late nights cramps
    assert stats.logistic_trend(t, (t >= 15).astype(float)) is None


@settings(max_examples=50, deadline=None)
@given(st.lists(st.booleans(), min_size=10, max_size=120))
def test_logistic_trend_band_contains_the_fit(ys: list[bool]) -> None:
    y = np.array(ys, dtype=float)
    t = np.arange(len(y)) / 7.0
    fit = stats.logistic_trend(t, y)
    if fit is None:
        return
    est, lo, hi = fit.predict(t)
    assert np.all((lo >= 0) & (lo <= est + 1e-12) & (est <= hi + 1e-12) & (hi <= 1))
