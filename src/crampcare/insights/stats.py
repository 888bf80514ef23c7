"""Pure numeric helpers for insights: proportions, risk ratios, permutation tests, trends.

Everything here takes and returns plain numbers or numpy arrays, is vectorised where a diary's
analysis calls it many times, and has no knowledge of records. The formulas are the textbook
ones (each function names its method) so they can be checked against scipy or by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, gammaln, ndtr

Z95 = 1.959963984540054  # two-sided 95 % normal quantile

__all__ = [
    "Z95",
    "LogisticTrend",
    "EXACT_MAX_DRAWS",
    "StratifiedSumNull",
    "autocorrelation_inflation",
    "block_permutations",
    "lag1_autocorrelation",
    "lag1_autocorrelations",
    "logistic_trend",
    "power_weights",
    "risk_ratio",
    "westfall_young",
    "wilson_interval",
]


def wilson_interval(successes, trials, z: float = Z95):
    """Wilson score interval for a binomial proportion.

    Works on scalars or arrays. Returns ``(estimate, low, high)``; where ``trials`` is 0 all three
    are NaN. Bounds always lie in [0, 1] and bracket the estimate.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        z2 = z * z
        denom = 1.0 + z2 / n
        centre = (p + z2 / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
        # Rounding can put a bound a hair past the estimate when p is 0 or 1.
        low = np.minimum(low, p)
        high = np.maximum(high, p)
    if p.ndim == 0:
        return float(p), float(low), float(high)
    return p, low, high


def risk_ratio(a, n1, c, n0, z: float = Z95):
    """Risk ratio (a/n1) / (c/n0) with a 95 % CI by the log (Katz) method.

    ``a`` events among ``n1`` exposed, ``c`` events among ``n0`` unexposed. When any of the four
    cells (a, n1-a, c, n0-c) is zero, 0.5 is added to every cell (Haldane-Anscombe correction), so
    the estimate and interval stay finite; the corrected estimate is returned so that the interval
    always contains it. Returns ``(rr, low, high, corrected)`` (arrays or scalars). Rows with
    ``n1 == 0`` or ``n0 == 0`` give NaN.
    """
    a = np.asarray(a, dtype=float)
    n1 = np.asarray(n1, dtype=float)
    c = np.asarray(c, dtype=float)
    n0 = np.asarray(n0, dtype=float)
    b = n1 - a
    d = n0 - c
    corrected = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    adj = np.where(corrected, 0.5, 0.0)
    a2, c2 = a + adj, c + adj
    n12, n02 = n1 + 2 * adj, n0 + 2 * adj
    with np.errstate(invalid="ignore", divide="ignore"):
        log_rr = np.log(a2 / n12) - np.log(c2 / n02)
        se = np.sqrt(1.0 / a2 - 1.0 / n12 + 1.0 / c2 - 1.0 / n02)
        empty = (n1 <= 0) | (n0 <= 0)
        log_rr = np.where(empty, np.nan, log_rr)
        se = np.where(empty, np.nan, se)
        rr = np.exp(log_rr)
        low = np.exp(log_rr - z * se)
        high = np.exp(log_rr + z * se)
    if rr.ndim == 0:
        return float(rr), float(low), float(high), bool(corrected)
    return rr, low, high, corrected


def _lchoose(top, bottom):
    return gammaln(top + 1.0) - gammaln(bottom + 1.0) - gammaln(top - bottom + 1.0)


def block_permutations(y: np.ndarray, block: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` copies of the 0/1 series ``y`` with its observed values shuffled within blocks.

    ``y`` holds 1, 0 or -1 (missing); ``block`` gives each position's block number. Missing
    positions stay missing (0 in the output, and callers never count them); each observed value
    moves only to another observed position of the same block. Returns a ``(count, n)`` float32
    array (exact for counts below 2**24; half the memory traffic of float64 over a long diary).

    How: each block's observed values are laid out in one row of a grid, padded with -1 to the
    longest block, and every row of every copy is shuffled in place (``Generator.permuted``, a
    Fisher-Yates shuffle per row, linear time). The values in the order they then come, padding
    skipped, are a uniform random order of the block's values, because a uniform shuffle of values
    and padding restricted to the values is uniform; they go back to the block's observed
    positions in turn. This replaced sorting random keys (the same distribution, about 2.5 times
    the time over a 10-year diary).
    """
    out = np.zeros((count, y.size), dtype=np.float32)
    obs = np.nonzero(y >= 0)[0]
    if obs.size == 0 or count <= 0:
        return out
    positions = obs[np.argsort(block[obs], kind="stable")]  # grouped by block, in date order within
    blocks, slot = np.unique(block[positions], return_inverse=True)
    per_block = np.bincount(slot, minlength=blocks.size)
    starts = np.concatenate([[0], np.cumsum(per_block)[:-1]])
    grid = np.full((blocks.size, int(per_block.max())), -1, dtype=np.int8)
    grid[slot, np.arange(positions.size) - starts[slot]] = y[positions]
    shuffled = rng.permuted(np.broadcast_to(grid, (count, *grid.shape)), axis=-1)
    out[:, positions] = shuffled[shuffled >= 0].reshape(count, positions.size)
    return out


def lag1_autocorrelation(values: np.ndarray, observed: np.ndarray, block: np.ndarray) -> float:
    """:func:`lag1_autocorrelations` of one series."""
    return float(lag1_autocorrelations(np.asarray(values)[:, None], np.asarray(observed)[:, None], block)[0])


def lag1_autocorrelations(values: np.ndarray, observed: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Lag-1 autocorrelation of each column about its block means, corrected for small-sample bias.

    ``values`` and ``observed`` are ``(n, k)``: one series per column, all on the positions whose
    block numbers ``block`` gives. Pairs of neighbouring positions count only when both are
    observed and in the same block. The sample value r is biased towards zero in short series, by
    about (1 + 3 rho) / L for series of length L about their mean (Kendall 1954; Marriott & Pope
    1954); the corrected value (L r + 1) / (L - 3), with L the average block length, is returned
    clipped to [0, 0.98] (negative values would only shrink the variance inflation, which is
    floored at 1 anyway). A column with fewer than 4 observed positions, no spread or no pairs
    gives 0. All columns are done at once: a long diary has a few dozen tests.
    """
    v = np.asarray(values, dtype=float)
    ok = np.asarray(observed, dtype=bool)
    n, k = v.shape
    nb = int(block.max()) + 1 if n else 1
    # Per (block, column) sums by one bincount over flattened (block, column) bins.
    bins = (block[:, None] * k + np.arange(k)[None, :]).ravel()
    counts = np.bincount(bins, weights=ok.ravel(), minlength=nb * k).reshape(nb, k)
    sums = np.bincount(bins, weights=np.where(ok, v, 0.0).ravel(), minlength=nb * k).reshape(nb, k)
    means = sums / np.maximum(counts, 1)
    d = np.where(ok, v - means[block], 0.0)
    pairs = ok[1:] & ok[:-1] & (block[1:] == block[:-1])[:, None]
    n_obs = ok.sum(axis=0)
    n_pairs = pairs.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        den = (d * d).sum(axis=0) / n_obs
        r = np.where(pairs, d[1:] * d[:-1], 0.0).sum(axis=0) / n_pairs / den
        length = n_obs / np.maximum((counts > 0).sum(axis=0), 1)
        corrected = np.clip((length * r + 1) / (length - 3), 0.0, 0.98)
    usable = (n_obs >= 4) & (den > 0) & (n_pairs > 0) & (length > 4)
    return np.where(usable, corrected, 0.0)


def autocorrelation_inflation(r_x: float, r_y: float) -> float:
    """How much autocorrelation in both series widens the null spread of a cross-product sum.

    For two independent series with lag-1 autocorrelations r_x and r_y (first-order Markov or
    AR(1)), the variance of sum x_t y_t is that under independent days times
    sum_k (r_x r_y)^|k| = (1 + r_x r_y) / (1 - r_x r_y) (Bartlett 1935; the "effective sample
    size" of Clifford, Richardson & Hemon 1989 and Dutilleul 1993). Never below 1.
    """
    rho = float(np.clip(r_x * r_y, 0.0, 0.99))
    return (1.0 + rho) / (1.0 - rho)


def _hypergeom_pmf(population, successes, draws, width: int) -> np.ndarray:
    """pmf over 0..width-1 of hypergeometric draws, one row per (population, successes, draws)."""
    N = np.asarray(population, dtype=float)[..., None]
    K = np.asarray(successes, dtype=float)[..., None]
    n = np.asarray(draws, dtype=float)[..., None]
    x = np.arange(width, dtype=float)
    ok = (x <= np.minimum(K, n)) & (x >= np.maximum(0.0, n + K - N))
    xs = np.where(ok, x, 0.0)
    with np.errstate(invalid="ignore"):
        logp = _lchoose(K, xs) + _lchoose(N - K, n - xs) - _lchoose(N, n)
    return np.where(ok, np.exp(logp), 0.0)


#: Tests with more draws than this (nights after days with the factor) use the normal
#: approximation with a continuity correction: their sum then spans many nights, where it is
#: accurate, and the exact convolution would cost more than the whole rest of the analysis.
EXACT_MAX_DRAWS = 256


class StratifiedSumNull:
    """Null distribution of a sum of independent hypergeometric counts, one per block.

    ``population``, ``successes`` and ``draws`` are ``(tests, blocks)`` arrays: in block b of test
    i, ``draws`` positions are picked at random among ``population``, of which ``successes`` are
    hits. This is the distribution of the number of cramp nights after days with a factor when the
    nights are shuffled within blocks, i.e. the exact stratified (Mantel-Haenszel type) test of
    Zelen (1971) and Mehta, Patel & Gray (1985), one-sided. Exact by FFT convolution when a test
    has at most :data:`EXACT_MAX_DRAWS` draws, else normal with a continuity correction.
    """

    def __init__(self, population, successes, draws) -> None:
        N = np.asarray(population, dtype=float)
        K = np.asarray(successes, dtype=float)
        n = np.asarray(draws, dtype=float)
        share = np.where(N > 0, K / np.maximum(N, 1), 0.0)
        self.mean = (n * share).sum(axis=1)
        self.var = np.where(N > 1, n * share * (1 - share) * (N - n) / np.maximum(N - 1, 1), 0.0).sum(axis=1)
        total = n.sum(axis=1)
        self.exact = total <= EXACT_MAX_DRAWS
        width = int(total[self.exact].max()) + 2 if self.exact.any() else 2
        # upper[i, s] = P(S_i >= s) and lower[i, s + 1] = P(S_i <= s) for s = 0 .. width - 2.
        self.upper = np.zeros((N.shape[0], width))
        self.lower = np.zeros((N.shape[0], width))
        if self.exact.any():
            pmf = _stratified_pmf(N[self.exact], K[self.exact], n[self.exact], width - 1)
            self.upper[self.exact, : width - 1] = np.minimum(np.cumsum(pmf[:, ::-1], axis=1)[:, ::-1], 1.0)
            self.lower[self.exact, 1:] = np.minimum(np.cumsum(pmf, axis=1), 1.0)
        self._sd = np.sqrt(np.maximum(self.var, 1e-12))

    def p_more(self, values) -> np.ndarray:
        """P(S >= value) per test; ``values`` has the tests on its last axis (any real numbers)."""
        v = np.asarray(values, dtype=float)
        s = np.clip(np.ceil(v - 1e-9), 0, self.upper.shape[1] - 1).astype(np.int64)
        exact = _lookup(self.upper, s)
        return np.where(self.exact, exact, ndtr(-(v - 0.5 - self.mean) / self._sd))

    def p_fewer(self, values) -> np.ndarray:
        """P(S <= value) per test."""
        v = np.asarray(values, dtype=float)
        s = np.clip(np.floor(v + 1e-9) + 1, 0, self.lower.shape[1] - 1).astype(np.int64)
        exact = _lookup(self.lower, s)
        return np.where(self.exact, exact, ndtr((v + 0.5 - self.mean) / self._sd))


def _lookup(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """table[i, index[..., i]] for every test i on the last axis of ``index``."""
    return table[np.arange(table.shape[0]), index]


def _stratified_pmf(population: np.ndarray, successes: np.ndarray, draws: np.ndarray, width: int) -> np.ndarray:
    """Exact pmf over 0..width-1 of each row's sum of block hypergeometrics (FFT convolution)."""
    per_block = _hypergeom_pmf(population, successes, draws, int(draws.max()) + 1 if draws.size else 1)
    size = 1 << max(1, (width - 1).bit_length())
    spectrum = np.prod(np.fft.rfft(per_block, n=size, axis=-1), axis=1)
    pmf = np.clip(np.fft.irfft(spectrum, n=size, axis=-1)[:, :width], 0.0, None)
    return pmf / pmf.sum(axis=1, keepdims=True)


def power_weights(effect_z, level: float, floor: float = 0.2) -> np.ndarray:
    """Weights (mean 1) that spend a family-wise error budget where the tests can find something.

    ``effect_z`` is each test's expected z-value under a reference effect. The optimal weights for
    a weighted Bonferroni procedure with these effects (Roeder & Wasserman 2009; Rubin, Dudoit &
    van der Laan 2006) are w_i = (m / level) * P(Z > z_i / 2 + c / z_i), with c chosen so that they
    average 1: a test with no hope of reaching significance gets almost nothing. A share ``floor``
    of the budget is spread evenly so that no test is left out entirely.
    """
    z = np.maximum(np.asarray(effect_z, dtype=float), 1e-6)
    m = z.size
    if m == 0:
        return z.copy()

    def mean_weight(c: float) -> float:
        return float((m / level * ndtr(-(z / 2 + c / z))).mean())

    lo, hi = -50.0, 50.0
    for _ in range(50):  # mean_weight falls as c grows: bisect for mean 1 (to ~1e-13; w is renormalised)
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mean_weight(mid) > 1 else (lo, mid)
    w = m / level * ndtr(-(z / 2 + hi / z))
    w = w / w.mean()
    return floor + (1 - floor) * w


def westfall_young(p_observed: np.ndarray, p_null: np.ndarray, weights=None) -> np.ndarray:
    """Westfall-Young step-down min-p adjusted p-values (family-wise error, any dependence).

    ``p_observed`` (m,) are the tests' p-values; ``p_null`` (B, m) the same tests' p-values in B
    data sets drawn under the complete null (here: shuffled nights), which carry the tests' joint
    dependence and discreteness. Test j (in order of increasing p) is rejected at level alpha when
    fewer than alpha of the null data sets have a smaller minimum p among the tests not yet
    rejected (Westfall & Young 1993, algorithm 2.8). With ``weights`` (positive), p_i / w_i takes
    the place of p_i (weighted min-p; Westfall, Kropf & Finos 2004). The observed data count as one
    of the null data sets, so an adjusted p is never below 1 / (B + 1). Returns adjusted p-values,
    monotone in the (weighted) raw ones.
    """
    p = np.asarray(p_observed, dtype=float)
    m = p.size
    if m == 0:
        return p.copy()
    w = np.ones(m) if weights is None else np.asarray(weights, dtype=float)
    p = p / w
    null = np.vstack([p[None, :], np.asarray(p_null, dtype=float).reshape(-1, m) / w[None, :]])
    order = np.argsort(p, kind="stable")
    successive_min = np.minimum.accumulate(null[:, order][:, ::-1], axis=1)[:, ::-1]
    adj = (successive_min <= p[order][None, :] * (1 + 1e-9)).mean(axis=0)
    adj = np.maximum.accumulate(adj)
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    return out


@dataclass(frozen=True)
class LogisticTrend:
    """Logistic regression of a 0/1 outcome on time: logit p(t) = intercept + slope * t."""

    intercept: float
    slope: float
    cov: np.ndarray  # 2x2 covariance of (intercept, slope)
    converged: bool

    @property
    def slope_se(self) -> float:
        return float(math.sqrt(max(self.cov[1, 1], 0.0)))

    def slope_ci(self, z: float = Z95) -> tuple[float, float]:
        return self.slope - z * self.slope_se, self.slope + z * self.slope_se

    def predict(self, t, z: float = Z95):
        """Fitted probability at times ``t`` with a pointwise CI (delta method on the logit)."""
        t = np.asarray(t, dtype=float)
        eta = self.intercept + self.slope * t
        var = self.cov[0, 0] + 2 * t * self.cov[0, 1] + t * t * self.cov[1, 1]
        se = np.sqrt(np.maximum(var, 0.0))
        return _expit(eta), _expit(eta - z * se), _expit(eta + z * se)


def _expit(x):
    return expit(x)


def logistic_trend(t, y, *, max_iter: int = 50, tol: float = 1e-10) -> LogisticTrend | None:
    """Fit logit P(y=1) = b0 + b1*t by maximum likelihood (IRLS with step halving).

    Returns None when the fit is not identifiable: fewer than 3 observations, no spread in ``t``,
    all outcomes equal, or separation (the estimates run off to infinity). The covariance is the
    inverse Fisher information, giving the usual Wald intervals.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    if t.size < 3 or np.ptp(t) == 0 or y.min() == y.max():
        return None
    X = np.column_stack([np.ones_like(t), t])
    pbar = y.mean()
    beta = np.array([math.log(pbar / (1 - pbar)), 0.0])

    def loglik(bt):
        eta = X @ bt
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    ll = loglik(beta)
    converged = False
    for _ in range(max_iter):
        eta = X @ beta
        p = _expit(eta)
        w = p * (1 - p)
        grad = X.T @ (y - p)
        info = (X * w[:, None]).T @ X
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            return None
        scale = 1.0
        while True:
            cand = beta + scale * step
            ll_new = loglik(cand)
            if ll_new >= ll - 1e-12 or scale < 1e-6:
                break
            scale /= 2
        beta, ll_old, ll = cand, ll, ll_new
        if abs(ll - ll_old) < tol * (abs(ll) + 1.0) and np.max(np.abs(scale * step)) < 1e-6:
            converged = True
            break
    if not converged or not np.all(np.isfinite(beta)):
        return None
    p = _expit(X @ beta)
    info = (X * (p * (1 - p))[:, None]).T @ X
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return None
    # Separation shows up as fitted probabilities pinned at 0/1 and a huge variance.
    if not np.all(np.isfinite(cov)) or cov[1, 1] <= 0 or abs(beta[1]) * np.ptp(t) > 30:
        return None
    return LogisticTrend(float(beta[0]), float(beta[1]), cov, True)
