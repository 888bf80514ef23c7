"""Pure numeric helpers for insights: proportions, risk ratios, exact tests, FDR, trends.

Everything here takes and returns plain numbers or numpy arrays, is vectorised where a diary's
analysis calls it many times, and has no knowledge of records. The formulas are the textbook
ones (each function names its method) so they can be checked against scipy or by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, gammaln

Z95 = 1.959963984540054  # two-sided 95 % normal quantile

__all__ = [
    "Z95",
    "LogisticTrend",
    "benjamini_hochberg",
    "discrete_bonferroni",
    "fisher_attainable_one_sided",
    "fisher_exact_one_sided",
    "fisher_min_attainable_one_sided",
    "fisher_exact_two_sided",
    "logistic_trend",
    "risk_ratio",
    "tarone_screen",
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


def _hypergeom_grid(a, b, c, d):
    """Support grid and log-pmf of the (1,1) cell given the margins, one row per table."""
    a, b, c, d = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=np.int64)) for x in (a, b, c, d)))
    if np.any((a < 0) | (b < 0) | (c < 0) | (d < 0)):
        raise ValueError("table counts must be non-negative")
    n1 = a + b  # row 1 total
    k = a + c  # column 1 total
    n = a + b + c + d
    lo = np.maximum(0, n1 + k - n)
    hi = np.minimum(n1, k)
    width = int((hi - lo).max()) + 1 if a.size else 1
    x = lo[:, None] + np.arange(width)[None, :]
    valid = x <= hi[:, None]
    xv = np.where(valid, x, lo[:, None]).astype(float)
    kk, nn, n11 = k[:, None].astype(float), n[:, None].astype(float), n1[:, None].astype(float)
    logpmf = _lchoose(kk, xv) + _lchoose(nn - kk, n11 - xv) - _lchoose(nn, n11)
    return a, x, valid, logpmf


def fisher_exact_two_sided(a, b, c, d) -> np.ndarray | float:
    """Two-sided Fisher exact test p-values for 2x2 tables ``[[a, b], [c, d]]``, vectorised.

    Uses the minimum-likelihood definition (sum of the probabilities of all tables with the same
    margins that are no more likely than the observed one, with scipy's relative tolerance 1e-7),
    which is what :func:`scipy.stats.fisher_exact` computes. All tables are evaluated in one numpy
    pass over a padded grid of their supports, so dozens of tests cost about as much as one.
    """
    scalar = all(np.ndim(v) == 0 for v in (a, b, c, d))
    a, x, valid, logpmf = _hypergeom_grid(a, b, c, d)
    obs = np.take_along_axis(logpmf, (a - x[:, 0])[:, None], axis=1)[:, 0]
    # Same tolerance as scipy: tables with pmf <= pmf(observed) * (1 + 1e-7) count as extreme.
    extreme = valid & (logpmf <= obs[:, None] + math.log1p(1e-7))
    p = np.clip(np.where(extreme, np.exp(logpmf), 0.0).sum(axis=1), 0.0, 1.0)
    return float(p[0]) if scalar else p


def fisher_exact_one_sided(a, b, c, d):
    """One-sided Fisher exact p-values for 2x2 tables ``[[a, b], [c, d]]``, vectorised.

    Returns ``(p_greater, p_less)``: P(X >= a) and P(X <= a) for the (1,1) cell under the
    hypergeometric null, i.e. evidence that row 1 has a *higher* / *lower* event rate than row 2.
    Matches ``scipy.stats.fisher_exact(..., alternative="greater" / "less")``.
    """
    scalar = all(np.ndim(v) == 0 for v in (a, b, c, d))
    a, x, valid, logpmf = _hypergeom_grid(a, b, c, d)
    pmf = np.where(valid, np.exp(logpmf), 0.0)
    greater = np.clip(np.where(x >= a[:, None], pmf, 0.0).sum(axis=1), 0.0, 1.0)
    less = np.clip(np.where(x <= a[:, None], pmf, 0.0).sum(axis=1), 0.0, 1.0)
    if scalar:
        return float(greater[0]), float(less[0])
    return greater, less


def fisher_min_attainable_one_sided(a, b, c, d):
    """The smallest one-sided Fisher p-values the margins of each table allow.

    Returns ``(min_greater, min_less)``: the probability of the single most extreme table in each
    direction. A test whose minimum exceeds its significance threshold cannot be significant
    whatever the data inside the margins (the basis of Tarone's screening).
    """
    scalar = all(np.ndim(v) == 0 for v in (a, b, c, d))
    a, b, c, d = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (a, b, c, d))
    n1, k = a + b, a + c
    n = n1 + c + d
    lo = np.maximum(0.0, n1 + k - n)
    hi = np.minimum(n1, k)
    base = _lchoose(n, n1)
    g = np.exp(_lchoose(k, hi) + _lchoose(n - k, n1 - hi) - base)
    le = np.exp(_lchoose(k, lo) + _lchoose(n - k, n1 - lo) - base)
    if scalar:
        return float(g[0]), float(le[0])
    return g, le


def fisher_attainable_one_sided(a, b, c, d):
    """Every one-sided Fisher p-value the margins of each table allow, sorted ascending per row.

    Returns ``(greater, less)``, two ``(tables, width)`` arrays: row i holds the attainable values
    of P(X >= x) (resp. P(X <= x)) over the support of the (1,1) cell of table i, padded with
    ``inf``. Under the null (given the margins) a one-sided p-value is at most t with probability
    exactly the largest attainable value <= t, which :func:`discrete_bonferroni` uses.
    """
    _, x, valid, logpmf = _hypergeom_grid(a, b, c, d)
    pmf = np.where(valid, np.exp(logpmf), 0.0)
    greater = np.minimum(np.cumsum(pmf[:, ::-1], axis=1)[:, ::-1], 1.0)
    less = np.minimum(np.cumsum(pmf, axis=1), 1.0)
    greater = np.sort(np.where(valid, greater, np.inf), axis=1)
    less = np.sort(np.where(valid, less, np.inf), axis=1)
    return greater, less


def discrete_bonferroni(p_values, support, weights=None) -> np.ndarray:
    """Adjusted p-values of the weighted discrete Bonferroni procedure (family-wise error).

    ``support[i]`` lists the p-values test i can attain under its null (ascending, padded with
    ``inf``), so P(p_i <= t) = F_i(t), the largest attainable value <= t (Tarone 1990; Westfall &
    Wolfinger 1997; Gutman & Hochberg 2007). With weights ``w``, test i is rejected at level alpha
    when p_i <= c * w_i for the largest c with sum_j F_j(c * w_j) <= alpha; by the Bonferroni
    inequality this keeps the chance of any false rejection at or below alpha under any
    dependence. A test whose attainable values are all large costs nothing (this subsumes Tarone's
    screen), and a test that can only reach, say, 0.001 or 0.01 costs 0.001 at a threshold of 0.005.

    Returns ``adj_i = sum_j F_j(p_i * w_j / w_i)`` capped at 1: test i is rejected at level alpha
    exactly when ``adj_i <= alpha``. Never below ``p_i``. NaN p-values (and zero weights) are left
    out of the family and get NaN.
    """
    p = np.asarray(p_values, dtype=float)
    w = np.ones(p.shape) if weights is None else np.asarray(weights, dtype=float)
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p) & (w > 0)
    if not ok.any():
        return out
    sup = np.asarray(support, dtype=float).reshape(p.size, -1)
    idx = np.nonzero(ok)[0]
    # Thresholds at which each test i would just be rejected, seen from every test j.
    t = (p[idx] / w[idx])[:, None] * w[idx][None, :] * (1.0 + 1e-7)
    total = np.zeros(idx.size)
    for col, j in enumerate(idx):
        pos = np.searchsorted(sup[j], t[:, col], side="right") - 1
        total += np.where(pos >= 0, sup[j][np.maximum(pos, 0)], 0.0)
    out[idx] = np.minimum(np.maximum(total, p[idx]), 1.0)
    return out


def tarone_screen(p_min, weights=None, alpha: float = 0.05) -> np.ndarray:
    """Tarone's screen for discrete tests, as used before BH by Gilbert (2005).

    ``p_min`` are the smallest p-values each test could reach given its margins. With weights
    ``v`` scaled to mean 1, returns the set S(K) = {i : p_min_i <= alpha * v_i / K} for the smallest
    K with |S(K)| <= K. Tests outside S cannot reach significance at the level K tests would get,
    so leaving them out of the multiple-testing family loses nothing and raises the power of the
    rest. NaN entries are never kept.
    """
    pm = np.asarray(p_min, dtype=float)
    ok = ~np.isnan(pm)
    keep = np.zeros(pm.shape, dtype=bool)
    m = int(ok.sum())
    if m == 0:
        return keep
    v = np.ones(m) if weights is None else np.asarray(weights, dtype=float)[ok]
    v = v / v.mean()
    # K* is the smallest K with #{p_min_i <= alpha v_i / K} <= K. #{...} is the number of i with
    # K <= alpha v_i / p_min_i, so sort those ratios and scan.
    with np.errstate(divide="ignore"):
        cap = np.where(pm[ok] > 0, alpha * v / pm[ok], np.inf)
    chosen = m
    for K in range(1, m + 1):
        if int((cap >= K).sum()) <= K:
            chosen = K
            break
    sub = cap >= chosen
    idx = np.nonzero(ok)[0]
    keep[idx[sub]] = True
    return keep


def benjamini_hochberg(p_values, weights=None) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) controlling the false discovery rate.

    With ``weights`` (non-negative, rescaled to average 1), this is the weighted procedure of
    Genovese, Roeder and Wasserman (2006): each p is divided by its weight before the step-up,
    which still controls the FDR and lets primary hypotheses carry more of the error budget.
    NaN p-values are ignored (their q is NaN). Returned q-values are monotone in the (weighted)
    p-values, never below the raw p-value when weights are equal, and capped at 1.
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    if weights is not None:
        w = np.asarray(weights, dtype=float)[ok]
        if np.any(w < 0) or w.sum() <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        w = w * (m / w.sum())
        with np.errstate(divide="ignore"):
            pv = np.where(w > 0, pv / w, np.inf)
    order = np.argsort(pv, kind="mergesort")
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[ok] = out
    return q


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
