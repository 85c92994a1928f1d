r"""Random walks observed with known measurement error: the ``naive`` and ``drift`` models fitted to estimates.

The history a projection is fitted to is itself estimated: a published figure carries the error its rating states,
a year nobody published is a model's estimate with Monte Carlo draws, and the estimates of several years share
errors (the draws are joint across years). This module fits the random walk and the random walk with drift to such
a history, taking the errors as *known*, so that the forecast's variance includes what the history leaves uncertain
about the level and the drift.

The model (``t_1 < ... < t_n`` the observed years, gaps allowed, ``T = t_n``; ``z`` on the model's scale, the
log-odds of a share)

.. math::

    z_i = x_{t_i} + e_i, \qquad e \sim N(0, H),

    x_t = x_{t-1} + \mu + w_t, \qquad w_t \sim N(0, \sigma^2),

a local level model (``mu = 0``, ``naive``) or a local level with a fixed drift (``drift``) observed with a known
error covariance ``H`` (Harvey 1989, ch. 2-3; Durbin and Koopman 2012, ch. 2), estimated by the caller from the
joint draws of the history. The level is diffuse, so only the increments ``d_i = z_{i+1} - z_i`` over ``k_i =
t_{i+1} - t_i`` years carry information about ``sigma^2`` and ``mu``:

.. math::

    d = \mu k + v, \qquad v \sim N(0, \Omega), \qquad \Omega(\sigma^2) = \sigma^2 \operatorname{diag}(k) + D H D',

``D`` the ``(n - 1) x n`` difference matrix (the measurement errors make the increments an MA(1)-like, correlated
series). With flat priors on the level and on ``mu`` the marginal likelihood of ``sigma^2`` is the restricted
likelihood (Harville 1974), and its prior is Jeffreys' prior of that likelihood,

.. math::

    p(\sigma^2 \mid d) \propto |\Omega|^{-1/2} |k' \Omega^{-1} k|^{-1/2}
    \exp\{-\tfrac12 (d - k \hat\mu)' \Omega^{-1} (d - k \hat\mu)\} \,
    \sqrt{\tfrac12 \operatorname{tr}\{(P K)^2\}},

    \hat\mu = \frac{k' \Omega^{-1} d}{k' \Omega^{-1} k}, \qquad
    P = \Omega^{-1} - \frac{\Omega^{-1} k k' \Omega^{-1}}{k' \Omega^{-1} k}, \qquad K = \operatorname{diag}(k)

(for the ``naive`` model without the factor ``|k' Omega^-1 k|^-1/2``, with ``mu_hat = 0`` and ``P = Omega^-1``),
evaluated on :data:`GRID_POINTS` points equally spaced in ``log sigma^2``. Given ``sigma^2``:

.. math::

    \mu \mid d \sim N(\hat\mu, (k' \Omega^{-1} k)^{-1}), \qquad
    e_n \mid \mu, d \sim N(c' \Omega^{-1} (d - k \mu), H_{nn} - c' \Omega^{-1} c), \qquad c = D H_{\cdot n},

and the level of the last year is ``x_T = z_n - e_n``. A path draws ``sigma^2`` from the grid posterior, then ``mu``
and ``x_T``, and runs ``x_{T+h} = x_{T+h-1} + mu + sigma eps_h``.

**Exact histories.** With ``H = 0`` the level is the last value, ``Omega = sigma^2 K``, Jeffreys' prior is
``1 / sigma^2`` and the posterior is that of the exact-data random walks of :mod:`grdp.forecast.models`,
``sigma^2 ~ nu s^2 / chi^2_nu`` with ``nu`` the number of increments (minus one with a drift) and
``mu ~ N(mu_hat, sigma^2 / sum k)``, up to the grid. With measurement error the prior stays finite at
``sigma^2 = 0`` (where ``1 / sigma^2`` would make the posterior improper whenever the errors alone could explain
the increments), and the fan's coverage of a simulated walk is close to nominal, conservative where the errors
dwarf the walk's own steps (Berger, De Oliveira and Sanso 2001 on such priors for variance parameters).

References
----------
Harvey, A. C. (1989), *Forecasting, Structural Time Series Models and the Kalman Filter*, Cambridge UP.
Durbin, J. and Koopman, S. J. (2012), *Time Series Analysis by State Space Methods*, 2nd ed., Oxford UP,
chapters 2 (local level model) and 5 (diffuse initialisation).
Berger, J. O., De Oliveira, V. and Sanso, B. (2001), "Objective Bayesian analysis of spatially correlated data",
*JASA* 96(456), 1361-1374.
Harville, D. A. (1974), "Bayesian inference for variance components using only error contrasts", *Biometrika*
61(2), 383-385 (the restricted likelihood as the marginal likelihood under flat priors on the mean parameters).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID_POINTS = 200
"""Points of the grid in ``log sigma^2``."""
GRID_DECADES = (6.0, 4.0)
"""The grid spans from ``10^-6`` to ``10^4`` times the larger of the increments' mean square ``mean(d^2 / k)`` and
their mean measurement-error variance (1 for a constant exact series, whose posterior then sits at the grid's
bottom: a walk that does not move)."""


@dataclass(frozen=True)
class WalkPosterior:
    """The posterior of a random walk observed with known error, on a grid of ``sigma^2`` (module docstring).

    Attributes
    ----------
    variance
        The grid of ``sigma^2``, shape ``(G,)``.
    weight
        Posterior probability of each grid point.
    drift_mean, drift_var
        ``mu | sigma^2, d``: mean and variance by grid point (zeros for the ``naive`` model).
    error_mean, error_slope, error_var
        ``e_n | mu, sigma^2, d ~ N(error_mean + error_slope mu, error_var)`` by grid point.
    last
        The last value ``z_n``.
    """

    variance: np.ndarray
    weight: np.ndarray
    drift_mean: np.ndarray
    drift_var: np.ndarray
    error_mean: np.ndarray
    error_slope: np.ndarray
    error_var: np.ndarray
    last: float

    def level_mean(self) -> float:
        """Posterior mean of the last year's level ``x_T``."""
        return float(self.last - self.weight @ (self.error_mean + self.error_slope * self.drift_mean))

    def drift(self) -> float:
        """Posterior mean of the drift ``mu``."""
        return float(self.weight @ self.drift_mean)

    def sigma(self) -> float:
        """Posterior median of ``sigma``."""
        cumulative = np.cumsum(self.weight)
        return float(np.sqrt(self.variance[min(int(np.searchsorted(cumulative, 0.5)), len(cumulative) - 1)]))

    def point(self, horizon: int) -> np.ndarray:
        """Posterior mean path ``E x_{T+h} = E x_T + h E mu``, ``h = 1..horizon``."""
        return self.level_mean() + self.drift() * np.arange(1, horizon + 1)

    def paths(self, normals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Paths ``(R, H)`` driven by the standard normals ``normals`` (the innovations); ``sigma^2``, ``mu`` and
        ``x_T`` are drawn with ``rng``."""
        reps, horizon = normals.shape
        grid = rng.choice(len(self.weight), size=reps, p=self.weight)
        mu = self.drift_mean[grid] + np.sqrt(self.drift_var[grid]) * rng.standard_normal(reps)
        error = (self.error_mean[grid] + self.error_slope[grid] * mu
                 + np.sqrt(self.error_var[grid]) * rng.standard_normal(reps))
        steps = np.arange(1, horizon + 1)
        return ((self.last - error)[:, None] + mu[:, None] * steps
                + np.sqrt(self.variance[grid])[:, None] * np.cumsum(normals, axis=1))


def fit(t: np.ndarray, z: np.ndarray, error_cov: np.ndarray, drift: bool) -> WalkPosterior:
    """Fit a random walk (with drift when ``drift``) observed with known error covariance (module docstring).

    Parameters
    ----------
    t
        Observed years, increasing (gaps allowed), shape ``(n,)``.
    z
        Values on the model's scale, shape ``(n,)``.
    error_cov
        Known covariance ``H`` of their measurement errors, shape ``(n, n)``; zeros for exact values.
    drift
        Whether the walk has a drift.

    Returns
    -------
    WalkPosterior

    Raises
    ------
    ValueError
        If the shapes disagree, the years do not increase, ``H`` is not symmetric positive semi-definite, or there
        are too few increments (one for the ``naive`` model, two with a drift).
    """
    t, z, cov = np.asarray(t, dtype=float), np.asarray(z, dtype=float), np.asarray(error_cov, dtype=float)
    n = len(z)
    if t.shape != (n,) or cov.shape != (n, n):
        raise ValueError(f"{n} values need {n} years and an {n} x {n} error covariance, not {t.shape} and {cov.shape}")
    if np.any(np.diff(t) <= 0):
        raise ValueError("the years must increase")
    if not np.allclose(cov, cov.T) or np.linalg.eigvalsh(cov).min() < -1e-10 * max(1.0, np.abs(cov).max()):
        raise ValueError("the error covariance must be symmetric positive semi-definite")
    if n - 1 < (2 if drift else 1):
        raise ValueError(f"{n} values are too few for a random walk{' with drift' if drift else ''}")
    k = np.diff(t)
    d = np.diff(z)
    diff = np.eye(n)[1:] - np.eye(n)[:-1]
    noise = diff @ cov @ diff.T
    c = diff @ cov[:, -1]
    spread = max(float(np.mean(d ** 2 / k)), float(np.mean(np.diag(noise)))) or 1.0
    variance = np.geomspace(spread * 10 ** -GRID_DECADES[0], spread * 10 ** GRID_DECADES[1], GRID_POINTS)
    omega = variance[:, None, None] * np.diag(k)[None] + noise[None]
    inverse = np.linalg.inv(omega)
    _, logdet = np.linalg.slogdet(omega)
    if drift:
        info = np.einsum("i,gij,j->g", k, inverse, k)
        drift_mean = np.einsum("i,gij,j->g", k, inverse, d) / info
        drift_var = 1 / info
        logdet = logdet + np.log(info)
        solved = inverse @ k
        projection = inverse - np.einsum("gi,gj->gij", solved, solved) / info[:, None, None]
    else:
        drift_mean = drift_var = np.zeros(GRID_POINTS)
        projection = inverse
    resid = d[None, :] - drift_mean[:, None] * k[None, :]
    quad = np.einsum("gi,gij,gj->g", resid, inverse, resid)
    scaled = projection * k[None, None, :]  # P K
    jeffreys = 0.5 * np.log(np.einsum("gij,gji->g", scaled, scaled))
    # grid points equally spaced in log sigma^2: the density in sigma^2 times sigma^2
    log_post = -0.5 * (logdet + quad) + jeffreys + np.log(variance)
    weight = np.exp(log_post - log_post.max())
    weight /= weight.sum()
    gain = np.einsum("gij,j->gi", inverse, c)  # Omega^-1 c by grid point
    error_mean = np.einsum("gi,i->g", gain, d)
    error_slope = -np.einsum("gi,i->g", gain, k)
    error_var = np.clip(cov[-1, -1] - np.einsum("gi,i->g", gain, c), 0.0, None)
    return WalkPosterior(variance, weight, drift_mean, drift_var, error_mean, error_slope, error_var, float(z[-1]))
