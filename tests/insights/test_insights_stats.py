"""Numeric helpers against scipy and hand-computed values, plus property tests."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------- stratified exact test


def test_one_block_exact_test_is_fishers() -> None:
    # One block: the shuffled-nights test of "more cramps" is Fisher's one-sided exact test.
    from scipy.stats import fisher_exact  # scipy.stats and scipy.optimize: 0.6 s of imports, not at collection

    rng = np.random.default_rng(8)
    tables = rng.integers(0, 40, size=(200, 4))
    a, b, c, d = tables.T
    null = stats.StratifiedSumNull((a + b + c + d)[:, None], (a + c)[:, None], (a + b)[:, None])
    ref_g = [fisher_exact([[ai, bi], [ci, di]], alternative="greater").pvalue for ai, bi, ci, di in tables]
    ref_l = [fisher_exact([[ai, bi], [ci, di]], alternative="less").pvalue for ai, bi, ci, di in tables]
    exact = null.exact
    assert exact.all()
    np.testing.assert_allclose(null.p_more(a.astype(float)), ref_g, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(null.p_fewer(a.astype(float)), ref_l, rtol=1e-7, atol=1e-12)


def test_stratified_sum_is_the_convolution_of_its_blocks() -> None:
    # Two blocks: P(S >= s) by brute force over both hypergeometrics.
    from scipy.stats import hypergeom

    pop, hits, draws = np.array([[20, 15]]), np.array([[6, 9]]), np.array([[5, 4]])
    null = stats.StratifiedSumNull(pop, hits, draws)
    p1 = hypergeom(20, 6, 5).pmf(np.arange(6))
    p2 = hypergeom(15, 9, 4).pmf(np.arange(5))
    total = np.convolve(p1, p2)
    for s in range(10):
        assert null.p_more(np.array([float(s)]))[0] == pytest.approx(total[s:].sum(), abs=1e-12)
        assert null.p_fewer(np.array([float(s)]))[0] == pytest.approx(total[: s + 1].sum(), abs=1e-12)
    assert null.mean[0] == pytest.approx(5 * 6 / 20 + 4 * 9 / 15)


def test_large_tests_use_a_normal_approximation_close_to_exact() -> None:
    pop = np.full((1, 20), 28)
    hits = np.full((1, 20), 9)
    draws = np.full((1, 20), 14)  # 280 draws: over the exact limit
    null = stats.StratifiedSumNull(pop, hits, draws)
    assert not null.exact[0]
    small = stats.StratifiedSumNull(pop[:, :18], hits[:, :18], draws[:, :18])
    assert small.exact[0]
    # the same shape of question on both sides of the limit: normal tail within 0.01 of exact
    z = 2.0
    v_small = small.mean + z * np.sqrt(small.var)
    v_big = null.mean + z * np.sqrt(null.var)
    assert abs(small.p_more(v_small)[0] - null.p_more(v_big)[0]) < 0.01


# --------------------------------------------------------------------------- spells and permutations


def test_block_permutations_keep_missing_nights_and_block_totals() -> None:
    rng = np.random.default_rng(1)
    y = (rng.random(90) < 0.3).astype(np.int8)
    y[[3, 40, 41, 77]] = -1
    block = np.arange(90) // 28
    out = stats.block_permutations(y, block, 50, np.random.default_rng(2))
    assert np.all(out[:, y < 0] == 0)
    for b in range(block.max() + 1):
        inb = (block == b) & (y >= 0)
        assert np.all(out[:, inb].sum(axis=1) == y[inb].sum())
    assert not np.all(out == np.where(y < 0, 0, y))  # something moved


def test_lag1_autocorrelation_recovers_persistence() -> None:
    rng = np.random.default_rng(4)
    n = 20000
    keep = rng.random(n) < 0.7
    fresh = rng.random(n) < 0.3
    x = np.empty(n)
    x[0] = fresh[0]
    for t in range(1, n):
        x[t] = x[t - 1] if keep[t] else fresh[t]
    block = np.arange(n) // 28
    r = stats.lag1_autocorrelation(x, np.ones(n, bool), block)
    # Bias-corrected despite 28-day blocks: close to the truth, and if anything above it (which
    # widens the null spread, the safe side).
    assert 0.69 <= r <= 0.77
    iid = (rng.random(n) < 0.3).astype(float)
    assert stats.lag1_autocorrelation(iid, np.ones(n, bool), block) < 0.03


def test_inflation_is_bartletts_factor() -> None:
    assert stats.autocorrelation_inflation(0.0, 0.9) == 1.0
    assert stats.autocorrelation_inflation(0.8, 0.5) == pytest.approx(1.4 / 0.6)


def test_westfall_young_by_hand_and_bounds() -> None:
    # null p-values of two tests in 4 shuffles; observed (0.01, 0.2)
    null = np.array([[0.5, 0.005], [0.3, 0.4], [0.02, 0.9], [0.6, 0.7]])
    adj = stats.westfall_young(np.array([0.01, 0.2]), null)
    # first step: min over both tests per row (incl. observed row 0.01): 0.01, 0.005, 0.3, 0.02, 0.6 -> 2 of 5 <= 0.01
    assert adj[0] == pytest.approx(2 / 5)
    # second step: only test 2: 0.2, 0.005, 0.4, 0.9, 0.7 -> 2 of 5 <= 0.2; monotone with the first
    assert adj[1] == pytest.approx(2 / 5)
    rng = np.random.default_rng(0)
    p = rng.random(6)
    adj = stats.westfall_young(p, rng.random((300, 6)))
    assert np.all(adj >= p) and np.all(adj <= 1)
    assert np.all(np.diff(adj[np.argsort(p)]) >= 0)


# --------------------------------------------------------------------------- logistic trend


def _mle(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy import optimize

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


def test_lag1_autocorrelations_equal_each_column_done_by_hand() -> None:
    rng = np.random.default_rng(8)
    n, k = 120, 5
    values = (rng.random((n, k)) < 0.4).astype(float)
    values[:, 2] = np.repeat(rng.random(n // 6) < 0.4, 6)  # one column in six-day spells
    observed = rng.random((n, k)) > 0.1
    observed[:, 4] = False
    observed[:3, 4] = True  # too few observed: 0
    block = np.arange(n) // 28
    got = stats.lag1_autocorrelations(values, observed, block)
    for j in range(k):
        ok, v = observed[:, j], values[:, j]
        expected = 0.0
        if ok.sum() >= 4:
            means = {b: v[ok & (block == b)].mean() for b in np.unique(block[ok])}
            d = np.array([v[i] - means[block[i]] if ok[i] else 0.0 for i in range(n)])
            pairs = [i for i in range(1, n) if ok[i] and ok[i - 1] and block[i] == block[i - 1]]
            r = np.mean([d[i] * d[i - 1] for i in pairs]) / np.mean(d[ok] ** 2)
            length = ok.sum() / len(means)
            expected = float(np.clip((length * r + 1) / (length - 3), 0.0, 0.98))
        assert got[j] == pytest.approx(expected, abs=1e-12)
        assert stats.lag1_autocorrelation(v, ok, block) == pytest.approx(expected, abs=1e-12)
    assert got[2] > 0.5 and got[4] == 0.0
