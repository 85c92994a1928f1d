"""Numerical estimators for temporal disaggregation (used by :func:`grdp.quarterly.td`).

Every estimator works on a :class:`Problem`: ``n_l`` low-frequency values ``y_l``, an
``n x k`` high-frequency indicator matrix ``X`` and the conversion matrix

.. math:: C = [\\,0_{n_l \\times b} \\;|\\; I_{n_l} \\otimes w' \\;|\\; 0_{n_l \\times f}\\,],

where ``w`` holds the ``fr`` conversion weights (sum: ones, average: ``1/fr``, first/last: a
unit vector) and ``b``/``f`` count the high-frequency periods before/after the low-frequency
sample (back- and forecasts). Each estimator returns a :class:`Fit` whose ``values`` satisfy
``C @ values == y_l``.

Regression-based methods (Chow and Lin 1971; Fernández 1981; Litterman 1983) assume
``y = X beta + u`` with ``Cov(u) = sigma^2 Q(rho)`` and compute the BLUE

.. math::

    \\hat\\beta = (X_l' V^{-1} X_l)^{-1} X_l' V^{-1} y_l, \\qquad
    \\hat y = X\\hat\\beta + Q C' V^{-1} (y_l - X_l \\hat\\beta),

with ``X_l = C X`` and ``V = C Q C'``. ``rho`` is either fixed or chosen by maximising the
profile log-likelihood (Bournay and Laroque 1979) or minimising the weighted residual sum of
squares (ECOTRIM, Barcellan 2003; Quilis) over ``(-0.999, 0.999)`` with Brent's bounded
minimiser, and then truncated from below at ``truncated_rho``, as in R's tempdisagg
(Sax and Steiner 2013). Denton (1971) and Denton-Cholette (Cholette 1984) methods adjust one
indicator by a quadratic penalty on its (relative) differences under the constraint
``C y = y_l``.

References
----------
Barcellan, R. (2003). ECOTRIM: a program for temporal disaggregation of time series. Eurostat.
Bournay, J. and Laroque, G. (1979). Réflexions sur la méthode d'élaboration des comptes
trimestriels. Annales de l'INSEE, 36, 3-30.
Cholette, P. A. (1984). Adjusting sub-annual series to yearly benchmarks. Survey
Methodology, 10(1), 35-49.
Chow, G. C. and Lin, A. (1971). Best linear unbiased interpolation, distribution, and
extrapolation of time series by related series. Review of Economics and Statistics, 53(4).
Denton, F. T. (1971). Adjustment of monthly or quarterly series to annual totals. Journal of
the American Statistical Association, 66(333), 99-102.
Fernández, R. B. (1981). A methodological note on the estimation of time series. Review of
Economics and Statistics, 63(3), 471-476.
Litterman, R. B. (1983). A random walk, Markov model for the distribution of time series.
Journal of Business and Economic Statistics, 1(2), 169-173.
Quilis, E. M. (2004). A MATLAB library of temporal disaggregation methods. Instituto
Nacional de Estadística, Madrid.
Sax, C. and Steiner, P. (2013). Temporal disaggregation of time series. The R Journal, 5(2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import linalg, optimize
from scipy.linalg import lapack

RHO_BOUNDS = (-0.999, 0.999)
"""Search interval for rho, as in tempdisagg."""

CONVERSIONS = ("sum", "average", "first", "last")


def conversion_weights(conversion: str, fr: int) -> np.ndarray:
    """Weights ``w`` linking the ``fr`` high-frequency values of one period to its value."""
    if conversion == "sum":
        return np.ones(fr)
    if conversion == "average":
        return np.full(fr, 1.0 / fr)
    weights = np.zeros(fr)
    if conversion == "first":
        weights[0] = 1.0
    elif conversion == "last":
        weights[-1] = 1.0
    else:
        raise ValueError(f"unknown conversion {conversion!r}; choose one of {', '.join(CONVERSIONS)}")
    return weights


@dataclass(frozen=True)
class Problem:
    """A disaggregation problem in matrix form.

    Parameters
    ----------
    y : ndarray, shape (n_l,)
        Low-frequency values.
    X : ndarray, shape (n, k)
        High-frequency indicators (a column of ones for an intercept).
    weights : ndarray, shape (fr,)
        Conversion weights ``w``.
    offset : int
        Number ``b`` of high-frequency periods before the first low-frequency period.
    """

    y: np.ndarray
    X: np.ndarray
    weights: np.ndarray
    offset: int

    @property
    def n_l(self) -> int:
        return self.y.shape[0]

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def fr(self) -> int:
        return self.weights.shape[0]

    def aggregate(self, values: np.ndarray) -> np.ndarray:
        """Return ``C @ values`` for a vector or matrix with ``n`` rows."""
        block = values[self.offset : self.offset + self.fr * self.n_l]
        block = block.reshape((self.n_l, self.fr) + values.shape[1:])
        return np.tensordot(self.weights, block, axes=(0, 1))

    def matrix(self) -> np.ndarray:
        """Return the dense conversion matrix ``C`` (``n_l x n``)."""
        C = np.zeros((self.n_l, self.n))
        start = self.offset
        C[:, start : start + self.fr * self.n_l] = np.kron(np.eye(self.n_l), self.weights)
        return C


@dataclass(frozen=True)
class Fit:
    """Numerical output of one estimator (see :class:`grdp.quarterly.TdResult`)."""

    values: np.ndarray
    preliminary: np.ndarray
    coefficients: np.ndarray
    standard_errors: np.ndarray
    rho: float | None = None
    rho_truncated: bool = False
    loglik: float | None = None


# --------------------------------------------------------------------------- GLS core


@dataclass(frozen=True)
class _Gls:
    beta: np.ndarray
    rss: float
    loglik: float
    chol: np.ndarray  # lower Cholesky factor of V
    r: np.ndarray  # R of the QR decomposition of the whitened X_l


def _gls(y: np.ndarray, X: np.ndarray, V: np.ndarray) -> _Gls:
    """GLS of ``y`` on ``X`` with covariance ``V``: Cholesky whitening, then one QR.

    The R factor of the whitened ``[X | y]`` holds ``R_X`` (top left), ``Q' y`` (top right) and
    ``sqrt(rss)`` (bottom right). Raw LAPACK calls keep the per-call overhead low, as this runs
    for every rho the optimiser tries.
    """
    chol, info = lapack.dpotrf(V, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError("the aggregated covariance matrix is not positive definite")
    whitened, _ = lapack.dtrtrs(chol, np.column_stack([X, y]), lower=1)
    k = X.shape[1]
    r = np.triu(lapack.dgeqrf(whitened)[0][: k + 1])
    beta, _ = lapack.dtrtrs(r[:k, :k], r[:k, k])
    rss = float(r[k, k] ** 2)
    m = y.shape[0]
    loglik = -0.5 * m * (1.0 + np.log(2.0 * np.pi) + np.log(rss / m)) - np.log(np.diag(chol)).sum()
    return _Gls(beta, rss, float(loglik), chol, r[:k, :k])


class _Criterion(Protocol):
    """Aggregated covariance ``V(rho)`` on which rho is estimated."""

    def aggregated(self, rho: float) -> np.ndarray:
        """Return ``V = C Q C'``."""

    def derivative(self, rho: float) -> np.ndarray:
        """Return ``dV / drho``."""


class _Covariance(_Criterion, Protocol):
    """Residual covariance ``Q(rho)`` of a regression method, seen through ``C``."""

    def times_ct(self, rho: float) -> np.ndarray:
        """Return ``Q C'``."""


class _Ar1:
    """Stationary AR(1): ``Q = [rho^|i-j|] / (1 - rho^2)``; ``C Q C'`` is Toeplitz."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        fr, n_l = problem.fr, problem.n_l
        i = np.arange(fr)
        self._lags = np.abs(fr * np.arange(n_l)[:, None, None] + i[None, None, :] - i[None, :, None])
        self._ww = np.outer(problem.weights, problem.weights)

    def aggregated(self, rho: float) -> np.ndarray:
        gamma = (rho**self._lags * self._ww).sum(axis=(1, 2)) / (1.0 - rho**2)
        return linalg.toeplitz(gamma)

    def derivative(self, rho: float) -> np.ndarray:
        s = 1.0 - rho**2
        d_pow = self._lags * rho ** np.maximum(self._lags - 1, 0)
        d_gamma = ((d_pow / s + 2.0 * rho * rho**self._lags / s**2) * self._ww).sum(axis=(1, 2))
        return linalg.toeplitz(d_gamma)

    def times_ct(self, rho: float) -> np.ndarray:
        p = self.problem
        cols = p.offset + p.fr * np.arange(p.n_l)[:, None] + np.arange(p.fr)[None, :]
        lags = np.abs(np.arange(p.n)[:, None, None] - cols[None, :, :])
        return (rho**lags) @ p.weights / (1.0 - rho**2)


class _RandomWalkAr1:
    """Random walk with AR(1) increments: ``Q = (D' H' H D)^{-1}``, started at zero.

    ``D = I - S`` and ``H = I - rho S`` (``S``: lag matrix), so ``L = H D`` is lower
    triangular with bands ``(1, -(1 + rho), rho)`` and ``C Q C' = M' M`` with
    ``M = L^{-T} C'``, computed by banded solves in ``O(n n_l)``.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self._ct = problem.matrix().T

    def _m(self, rho: float) -> np.ndarray:
        upper = np.zeros((3, self.problem.n))  # L' in banded storage for solve_banded((0, 2))
        upper[0, 2:] = rho
        upper[1, 1:] = -(1.0 + rho)
        upper[2] = 1.0
        return linalg.solve_banded((0, 2), upper, self._ct, check_finite=False)

    def aggregated(self, rho: float) -> np.ndarray:
        m = self._m(rho)
        return m.T @ m

    def derivative(self, rho: float) -> np.ndarray:
        # dV = -(N' M + M' N) with N = (dL/drho) Q C' and dL/drho = -S (I - S)
        m, q_ct = self._m(rho), self.times_ct(rho)
        n_mat = np.zeros_like(q_ct)
        n_mat[1:] -= q_ct[:-1]
        n_mat[2:] += q_ct[:-2]
        cross = n_mat.T @ m
        return -(cross + cross.T)

    def times_ct(self, rho: float) -> np.ndarray:
        lower = np.zeros((3, self.problem.n))  # L in banded storage for solve_banded((2, 0))
        lower[0] = 1.0
        lower[1, :-1] = -(1.0 + rho)
        lower[2, :-2] = rho
        return linalg.solve_banded((2, 0), lower, self._m(rho), check_finite=False)


class _Correlation:
    """ECOTRIM's scaling of an AR(1) covariance: ``C R C' = (1 - rho^2) C Q C'``."""

    def __init__(self, cov: _Ar1) -> None:
        self._cov = cov

    def aggregated(self, rho: float) -> np.ndarray:
        return (1.0 - rho**2) * self._cov.aggregated(rho)

    def derivative(self, rho: float) -> np.ndarray:
        return (1.0 - rho**2) * self._cov.derivative(rho) - 2.0 * rho * self._cov.aggregated(rho)


def _estimate_rho(problem: Problem, cov: _Criterion, maxlog: bool, sign_free: bool) -> float:
    """Optimise the profile criterion over ``RHO_BOUNDS``.

    scipy's bounded Brent minimiser (the algorithm of R's ``optimize``) locates the optimum of
    ``-loglik`` (``maxlog``) or ``rss``; the result is then refined to the root of the analytic
    derivative, because the profile criterion is flat to rounding noise (~1e-13) within about
    1e-7 of its optimum, so function values alone do not pin rho down to 1e-7. With
    ``sign_free`` (the criterion is even in rho) the non-negative root is returned.
    """
    X_l = problem.aggregate(problem.X)
    m = problem.n_l

    def objective(rho: float) -> float:
        gls = _gls(problem.y, X_l, cov.aggregated(rho))
        return -gls.loglik if maxlog else gls.rss

    def slope(rho: float) -> float:
        gls = _gls(problem.y, X_l, cov.aggregated(rho))
        d_v = cov.derivative(rho)
        a = linalg.cho_solve((gls.chol, True), problem.y - X_l @ gls.beta, check_finite=False)
        quad = a @ d_v @ a  # d rss / d rho = -quad (envelope theorem)
        if not maxlog:
            return -quad
        trace = np.trace(linalg.cho_solve((gls.chol, True), d_v, check_finite=False))
        return -(0.5 * m * quad / gls.rss - 0.5 * trace)

    res = optimize.minimize_scalar(
        objective, bounds=RHO_BOUNDS, method="bounded", options={"xatol": 1e-6}
    )
    rho = float(res.x)
    for step in (1e-6, 1e-4, 1e-2):
        lo, hi = max(rho - step, RHO_BOUNDS[0]), min(rho + step, RHO_BOUNDS[1])
        if slope(lo) < 0.0 < slope(hi):
            rho = optimize.brentq(slope, lo, hi, xtol=1e-15)
            break
    return abs(rho) if sign_free else rho


def _regression(problem: Problem, cov: _Covariance, rho: float, truncated: bool = False) -> Fit:
    """Final GLS fit and distribution of the low-frequency residuals for a given rho."""
    X_l = problem.aggregate(problem.X)
    gls = _gls(problem.y, X_l, cov.aggregated(rho))
    preliminary = problem.X @ gls.beta
    resid_l = problem.y - problem.aggregate(preliminary)
    weights = linalg.cho_solve((gls.chol, True), resid_l, check_finite=False)
    values = preliminary + cov.times_ct(rho) @ weights
    m, k = X_l.shape
    r_inv = linalg.solve_triangular(gls.r, np.eye(k), check_finite=False)
    se = np.sqrt(gls.rss / (m - k) * (r_inv**2).sum(axis=1))
    return Fit(values, preliminary, gls.beta, se, rho, truncated, gls.loglik)


def _estimated(
    problem: Problem,
    cov: _Covariance,
    criterion_cov: _Criterion,
    maxlog: bool,
    truncated_rho: float,
    sign_free: bool = False,
) -> Fit:
    """Estimate rho on ``criterion_cov``, truncate it at ``truncated_rho``, fit with ``cov``."""
    rho = _estimate_rho(problem, criterion_cov, maxlog, sign_free)
    if rho < truncated_rho:
        return _regression(problem, cov, float(truncated_rho), truncated=True)
    return _regression(problem, cov, rho)


# --------------------------------------------------------------------------- methods


def chow_lin(problem: Problem, criterion: str, truncated_rho: float, fixed_rho: float) -> Fit:
    """Chow and Lin (1971): AR(1) residuals at high frequency.

    ``u_t = rho u_{t-1} + e_t`` (stationary), so ``Q = [rho^|i-j|] / (1 - rho^2)``.
    ``criterion`` selects rho:

    - ``"maxlog"`` (Bournay and Laroque 1979): maximise the profile log-likelihood
      ``-m/2 (1 + log 2 pi + log(rss/m)) - log|V|/2`` with ``rss = u_l' V^{-1} u_l``;
    - ``"minrss-ecotrim"`` (ECOTRIM, Barcellan 2003): minimise ``u_l' (C R C')^{-1} u_l`` with the
      correlation matrix ``R = [rho^|i-j|]``;
    - ``"minrss-quilis"`` (Quilis 2004): minimise ``u_l' (C Q C')^{-1} u_l``;
    - ``"fixed"``: ``rho = fixed_rho``.

    Estimated rho is searched in (-0.999, 0.999) and set to ``truncated_rho`` if below it
    (tempdisagg's default 0; Sax and Steiner 2013). For ``first``/``last`` conversions with an
    even frequency ratio, ``C Q C'`` depends on ``rho^fr`` only, so the criterion cannot tell
    ``rho`` from ``-rho``; the non-negative root is taken (which R's optimiser also returns for
    the reference case, where the choice is otherwise decided by rounding).
    """
    cov = _Ar1(problem)
    if criterion == "fixed":
        return _regression(problem, cov, fixed_rho)
    sign_free = np.count_nonzero(problem.weights) == 1 and problem.fr % 2 == 0
    criterion_cov = _Correlation(cov) if criterion == "minrss-ecotrim" else cov
    return _estimated(problem, cov, criterion_cov, criterion == "maxlog", truncated_rho, sign_free)


def litterman(problem: Problem, criterion: str, truncated_rho: float, fixed_rho: float) -> Fit:
    """Litterman (1983): random walk residuals with AR(1) increments.

    ``u_t = u_{t-1} + v_t``, ``v_t = rho v_{t-1} + e_t``, started at ``u_0 = v_0 = 0``, so
    ``Q = (D' H' H D)^{-1}`` with ``D = I - S``, ``H = I - rho S``. rho is chosen by
    ``criterion``: ``"maxlog"`` (profile likelihood, Bournay and Laroque 1979), ``"minrss"``
    (``u_l' (C Q C')^{-1} u_l``, as Quilis 2004) or ``"fixed"`` (``fixed_rho``); estimated rho is
    truncated from below at ``truncated_rho`` as in Sax and Steiner (2013).
    """
    cov = _RandomWalkAr1(problem)
    if criterion == "fixed":
        return _regression(problem, cov, fixed_rho)
    return _estimated(problem, cov, cov, criterion == "maxlog", truncated_rho)


def fernandez(problem: Problem) -> Fit:
    """Fernández (1981): random walk residuals, ``u_t = u_{t-1} + e_t`` with ``u_0 = 0``.

    ``Q = (D' D)^{-1}`` with the first-difference matrix ``D = I - S``; Litterman with rho = 0.
    """
    return _regression(problem, _RandomWalkAr1(problem), 0.0)


def ols(problem: Problem) -> Fit:
    """Ordinary least squares on the aggregated data, ``Q = I`` (Chow-Lin with rho = 0).

    The low-frequency residuals are spread by ``C' (C C')^{-1}``, i.e. evenly for sum and
    average conversions and entirely onto the observed period for first/last.
    """
    return _regression(problem, _Ar1(problem), 0.0)


def _difference_penalty(x: np.ndarray, h: int, criterion: str) -> np.ndarray:
    """``D_0 = Delta^h W`` with ``Delta = I - S`` and ``W = diag(mean(x)/x)`` if proportional."""
    n = x.shape[0]
    delta = np.eye(n) - np.eye(n, k=-1)
    d0 = np.linalg.matrix_power(delta, h)
    if criterion == "proportional":
        d0 = d0 * (x.mean() / x)[None, :]
    return d0


def denton_cholette(problem: Problem, criterion: str, h: int) -> Fit:
    """Denton-Cholette: Denton (1971) as modified by Cholette (1984).

    Minimises ``(y - x)' D_1' D_1 (y - x)`` subject to ``C y = y_l``, where ``D_1`` is
    ``Delta^h W`` without its first ``h`` rows (no initial condition, so no transient at the
    start), ``W = diag(mean(x) / x)`` for the proportional criterion and ``I`` for the
    additive one. The solution solves the bordered system
    ``[[A, C'], [C, 0]] [y; lambda] = [A x; y_l]`` with ``A = D_1' D_1``.
    """
    x = problem.X[:, 0]
    d1 = _difference_penalty(x, h, criterion)[h:]
    A = d1.T @ d1
    C = problem.matrix()
    n_l = problem.n_l
    lhs = np.block([[A, C.T], [C, np.zeros((n_l, n_l))]])
    rhs = np.concatenate([A @ x, problem.y])
    values = linalg.solve(lhs, rhs, assume_a="sym", check_finite=False)[: problem.n]
    return Fit(values, x, np.empty(0), np.empty(0))


def denton(problem: Problem, criterion: str, h: int) -> Fit:
    """Original Denton (1971) method with the initial condition ``y_0 = x_0``.

    ``y = x + Q C' (C Q C')^{-1} (y_l - C x)`` with ``Q = (D_0' D_0)^{-1}``,
    ``D_0 = Delta^h W`` (square, lower triangular) and ``W`` as in :func:`denton_cholette`.
    """
    x = problem.X[:, 0]
    d0 = _difference_penalty(x, h, criterion)
    m = linalg.solve_triangular(d0.T, problem.matrix().T, lower=False, check_finite=False)
    q_ct = linalg.solve_triangular(d0, m, lower=True, check_finite=False)
    resid_l = problem.y - problem.aggregate(x)
    values = x + q_ct @ linalg.solve(m.T @ m, resid_l, assume_a="pos", check_finite=False)
    return Fit(values, x, np.empty(0), np.empty(0))


def uniform(problem: Problem) -> Fit:
    """Uniform distribution: additive Denton (1971) with ``h = 0``, ``y = x + C'(C C')^{-1}(y_l - C x)``.

    With no indicator (a constant) each sub-period gets an equal share of its period's value.
    """
    return denton(problem, "additive", 0)
