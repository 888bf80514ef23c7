"""Discrete Bonferroni (family-wise error with Fisher tests' attainable p-values) and the trigger
gatekeeping built on it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from crampcare.insights import stats
from crampcare.insights.analysis import _gatekept_adjusted


def _support(rows: list[list[float]]) -> np.ndarray:
    width = max(len(r) for r in rows)
    return np.array([sorted(r) + [np.inf] * (width - len(r)) for r in rows])


def test_attainable_p_values_contain_the_observed_ones_and_are_sorted() -> None:
    tables = [(3, 7, 1, 9), (0, 5, 4, 6), (12, 30, 20, 22), (5, 0, 0, 5)]
    a, b, c, d = (np.array(col) for col in zip(*tables, strict=True))
    g, le = stats.fisher_attainable_one_sided(a, b, c, d)
    for i, (ai, bi, ci, di) in enumerate(tables):
        pg = fisher_exact([[ai, bi], [ci, di]], alternative="greater")[1]
        pl = fisher_exact([[ai, bi], [ci, di]], alternative="less")[1]
        assert np.min(np.abs(g[i] - pg)) < 1e-12
        assert np.min(np.abs(le[i] - pl)) < 1e-12
        for row in (g[i], le[i]):
            finite = row[np.isfinite(row)]
            assert np.all(np.diff(finite) >= 0) and finite[-1] == pytest.approx(1.0)
            # one attainable value per support point of the (1,1) cell
            assert finite.size == min(ai + bi, ai + ci) - max(0, (ai + bi) - (bi + di)) + 1


def test_discrete_bonferroni_with_fine_supports_is_weighted_bonferroni() -> None:
    # Every p-value attainable: each test spends its whole threshold, as in plain Bonferroni.
    grid = list(np.linspace(0, 1, 100001)[1:])
    sup = _support([grid] * 4)
    p = np.array([0.001, 0.01, 0.02, 0.5])
    np.testing.assert_allclose(stats.discrete_bonferroni(p, sup), np.minimum(4 * p, 1), rtol=1e-4)
    w = np.array([3.0, 1.0, 1.0, 1.0])
    # weighted Bonferroni: p_i * sum(w) / w_i
    np.testing.assert_allclose(stats.discrete_bonferroni(p, sup, w), np.minimum(p * 6 / w, 1), atol=5e-5)


def test_discrete_bonferroni_charges_only_attainable_values() -> None:
    sup = _support([[0.001, 0.2, 1.0], [0.03, 1.0], [0.5, 1.0], [0.004, 0.04, 1.0]])
    p = np.array([0.001, 0.03, 0.5, 0.004])
    adj = stats.discrete_bonferroni(p, sup)
    # test 0 at 0.001: tests 0 and 3 could reach <= 0.001 only via 0.001 (test 0) -> 0.001
    assert adj[0] == pytest.approx(0.001)
    # test 3 at 0.004: 0.001 + 0.004
    assert adj[3] == pytest.approx(0.005)
    # test 1 at 0.03: 0.001 + 0.03 + 0.004
    assert adj[1] == pytest.approx(0.035)
    # plain Bonferroni would give 0.004, 0.12, 1, 0.016
    assert np.all(adj <= np.minimum(4 * p, 1) + 1e-12)
    assert np.all(adj >= p)
    # NaN and zero weight are outside the family and do not cost anything
    adj2 = stats.discrete_bonferroni(np.array([0.001, np.nan, 0.5, 0.004]), sup, [1, 1, 0, 1])
    assert np.isnan(adj2[1]) and np.isnan(adj2[2])
    assert adj2[3] == pytest.approx(0.005)
    assert np.isnan(stats.discrete_bonferroni([np.nan], np.zeros((1, 0)))).all()
    with pytest.raises(ValueError):
        stats.discrete_bonferroni(p, sup, [-1, 1, 1, 1])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(0, 8), st.integers(0, 8)),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.floats(0.1, 5.0), min_size=6, max_size=6),
)
def test_discrete_bonferroni_is_never_less_powerful_than_tarone_bonferroni(tables, ws) -> None:
    a, b, c, d = (np.array(col) for col in zip(*tables, strict=True))
    g, _ = stats.fisher_attainable_one_sided(a, b, c, d)
    pg, _ = stats.fisher_exact_one_sided(a, b, c, d)
    pg = np.atleast_1d(pg)
    w = np.array(ws[: len(tables)])
    adj = stats.discrete_bonferroni(pg, g, w)
    assert np.all(adj >= pg - 1e-12) and np.all(adj <= 1)
    # weighted Bonferroni over every test that can reach the threshold at all is never better
    gmin = g[:, 0]
    for i in range(len(tables)):
        t = pg[i] * w / w[i]
        family = gmin <= t * (1 + 1e-7)
        assert adj[i] <= min(1.0, float(np.sum(np.where(family, t, 0.0)))) + 1e-9


def test_discrete_bonferroni_keeps_family_wise_error_under_the_null() -> None:
    # 8 independent null factors against one outcome; small tables make Fisher very discrete.
    rng = np.random.default_rng(7)
    n, m, reps, alpha = 40, 8, 3000, 0.05
    errors = 0
    for _ in range(reps):
        y = rng.random(n) < 0.3
        x = rng.random((m, n)) < rng.uniform(0.1, 0.5, size=(m, 1))
        a = (x & y).sum(1)
        b = (x & ~y).sum(1)
        c = (~x & y).sum(1)
        d = (~x & ~y).sum(1)
        ok = (a + b >= 1) & (c + d >= 1)
        g, _ = stats.fisher_attainable_one_sided(a[ok], b[ok], c[ok], d[ok])
        pg, _ = stats.fisher_exact_one_sided(a[ok], b[ok], c[ok], d[ok])
        errors += bool(np.any(stats.discrete_bonferroni(np.atleast_1d(pg), g) < alpha))
    # bound alpha; allow Monte Carlo error (sd about 0.004)
    assert errors / reps <= alpha + 0.012


def test_gatekeeping_secondary_waits_for_every_primary() -> None:
    # Stacked as ("more" for factors A, B, tag), then ("fewer" for the same): lag 0, 0, 0.
    lag = np.array([0, 0, 0, 0, 0, 0])
    article = np.array([True, True, False, True, True, False])
    sup = _support([list(np.linspace(0, 1, 10001)[1:])] * 6)
    w = np.array([0.72, 0.72, 0.45, 0.18, 0.18, 0.45])
    # primary = A more, B more, tag more, tag fewer; secondary = A fewer, B fewer
    p = np.array([1e-4, 0.4, 0.3, 1e-5, 0.6, 0.7])
    q = _gatekept_adjusted(p, sup, w, lag, article)
    primary = np.array([True, True, True, False, False, True])
    q_primary = stats.discrete_bonferroni(np.where(primary, p, np.nan), sup, w)
    np.testing.assert_allclose(q[primary], q_primary[primary])
    # B's "more" is not rejected, so A's tiny "fewer" p cannot be either
    assert q[3] >= q[primary].max() and q[3] >= 0.05
    # every primary rejected: the secondary family is tested at the full level
    p2 = np.array([1e-4, 1e-4, 1e-4, 1e-5, 0.6, 1e-4])
    q2 = _gatekept_adjusted(p2, sup, w, lag, article)
    assert q2[primary].max() < 0.05 and q2[3] < 0.05 and q2[4] > 0.05
    # no primary hypothesis tested (only secondaries have counts): secondaries at the full level
    p3 = np.array([np.nan, np.nan, np.nan, 1e-4, 0.3, np.nan])
    q3 = _gatekept_adjusted(p3, sup, w, lag, article)
    assert q3[3] < 0.05 and np.isnan(q3[0])
