"""The city-specific gap: a random walk between the published benchmark and the model indicator.

The institution's published series is the **benchmark** ``B_t`` and the structural model evaluated
with national coefficients on the region's accounts is its **indicator** ``I_t``. Their log ratio
is modelled as a local-level (random walk plus noise) state-space model (Harvey 1989; Durbin and
Koopman 2012, ch. 2)::

    z_t = ln B_t - ln I_t = g_t + e_t,      e_t ~ N(0, r)        (published years only)
    g_t = g_{t-1} + eta_t,                  eta_t ~ N(0, q)      (every year)
    g_a ~ N(m0, p0)                         at the anchor year a (2022)

so the estimate of year t is ``I_t exp(g_t)``. The random walk runs both ways from the anchor,
``Cov(g_s, g_t) = p0 + q min(|s - a|, |t - a|)`` when s and t lie on the same side of a (else
``p0``). Conditioning on the published years gives the Kalman smoother's result in closed form,
``g | z ~ N(m0 + K (z - m0), C_gg - K C_gz')`` with ``K = C_gz (C_zz + r I)^-1``: between published
years the gap is interpolated, after the last one it is carried with a variance growing by q a
year. This is benchmark-to-indicator (BI) ratio extrapolation as in temporal disaggregation
(IMF Quarterly National Accounts Manual 2017, ch. 6; Denton 1971), with the BI ratio's
uncertainty stated.

* ``r`` is the error variance of each figure: the measurement model's
  (:func:`grdp.digital.figure_error.measurement_sd`: the measured error of published figures, from their revisions,
  and the figure's stated range, rounding and the margin of its rating, as its 90% range), or for a pair of bounds
  that published rankings put on a share (:mod:`grdp.digital.part_evidence`), the variance of a uniform on them in
  logs; ``r`` alone where no figure-specific error is given;
* ``p0`` and ``m0`` come from the stated range of the regional intensity (a uniform on
  ``[ln low, ln high]``: ``m0 = ln centre``, ``p0 = ((ln high - ln low) / sqrt 12)^2``); a region with
  no published figure keeps this prior: its estimate is *uncalibrated*;
* ``q`` is estimated from the region's own published series of every definition with at least two
  figures: its posterior mean under a uniform prior on ``sqrt(q)`` over the stated range of
  ``gap.innovation_sd`` (``[low, high]``, a grid of 201 points), with the likelihood
  ``z ~ N(m0, C_zz + r I)``. With two or three figures a series says little about q, and the
  maximum of the likelihood then often sits at zero, which gives intervals that do not cover; the
  posterior mean keeps what the series do not rule out. Without any series of two figures it is
  the prior mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ANCHOR_YEAR = 2022
"""Year at which the gap's prior ``N(m0, p0)`` is stated."""
GRID_POINTS = 201
"""Points of the grid of ``sqrt(q)`` over its stated range."""


@dataclass(frozen=True)
class GapPosterior:
    """The gap's posterior over a set of years, as a linear function of the observed log ratios.

    ``g = mean0 + gain @ (z - m0)`` in expectation, covariance ``cov``; ``z`` holds the observed log
    ratios of ``observed`` (a subset of ``years``) in that order.
    """

    years: tuple[int, ...]
    observed: tuple[int, ...]
    m0: float
    gain: np.ndarray
    cov: np.ndarray

    def mean(self, z: np.ndarray) -> np.ndarray:
        """Posterior mean, shape ``(..., years)`` for ``z`` of shape ``(..., observed)``."""
        z = np.asarray(z, dtype=float)
        if not self.observed:
            return np.full(z.shape[:-1] + (len(self.years),), self.m0)
        return self.m0 + (z - self.m0) @ self.gain.T

    def sd(self) -> np.ndarray:
        """Posterior standard deviation by year."""
        return np.sqrt(np.clip(np.diag(self.cov), 0.0, None))

    def draw(self, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw gaps given ``z`` of shape ``(n, observed)`` (one draw per row), shape ``(n, years)``."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        jitter = 1e-12 * np.eye(len(self.years))
        root = np.linalg.cholesky(self.cov + jitter)
        return self.mean(z) + rng.standard_normal((z.shape[0], len(self.years))) @ root.T


@dataclass(frozen=True)
class GapModel:
    """Random walk of the gap: innovation variance ``q`` per year, prior ``N(m0, p0)`` at the anchor,
    published-figure noise ``r``."""

    q: float
    p0: float
    m0: float
    r: float
    q_basis: str = ""

    def prior_cov(self, years: np.ndarray) -> np.ndarray:
        """``Cov(g_s, g_t)`` of the two-sided random walk (module docstring)."""
        offset = np.asarray(years, dtype=float) - ANCHOR_YEAR
        same_side = np.sign(offset)[:, None] * np.sign(offset)[None, :] > 0
        shared = np.minimum(np.abs(offset)[:, None], np.abs(offset)[None, :])
        return self.p0 + self.q * np.where(same_side, shared, 0.0)

    def noise(self, observed: list[int] | tuple[int, ...], variances: np.ndarray | None) -> np.ndarray:
        """The error covariance of the observed log ratios: ``variances`` (one per observed year) or ``r`` each."""
        if variances is None:
            return self.r * np.eye(len(observed))
        return np.diag(np.asarray(variances, dtype=float))

    def posterior(self, years: list[int] | tuple[int, ...], observed: list[int] | tuple[int, ...],
                  variances: np.ndarray | None = None) -> GapPosterior:
        """Condition on published years ``observed`` (each must be in ``years`` or is added), each with its error
        variance (``variances``, default ``r``)."""
        years = tuple(sorted(set(years) | set(observed)))
        cov = self.prior_cov(np.array(years))
        index = [years.index(y) for y in observed]
        if not index:
            return GapPosterior(years, (), self.m0, np.zeros((len(years), 0)), cov)
        c_gz = cov[:, index]
        c_zz = cov[np.ix_(index, index)] + self.noise(observed, variances)
        gain = np.linalg.solve(c_zz, c_gz.T).T
        return GapPosterior(years, tuple(observed), self.m0, gain, cov - gain @ c_gz.T)

    def log_likelihood(self, observed: list[int], z: np.ndarray, variances: np.ndarray | None = None) -> float:
        """Log density of the observed log ratios under the model, each with its error variance (default ``r``)."""
        cov = self.prior_cov(np.array(observed)) + self.noise(observed, variances)
        sign, logdet = np.linalg.slogdet(cov)
        resid = np.asarray(z, dtype=float) - self.m0
        return float(-0.5 * (logdet + resid @ np.linalg.solve(cov, resid) + len(observed) * np.log(2 * np.pi)))


def estimate_q(series: list[tuple[list[int], np.ndarray, float, np.ndarray | None]], p0: float, r: float,
               sd_range: tuple[float, float]) -> tuple[float, str]:
    """Posterior mean of the innovation variance, pooled over series ``(years, z, m0, variances)`` with two or
    more figures (``variances`` the figures' error variances, or ``None`` for ``r`` each), under a uniform prior on
    ``sqrt(q)`` over ``sd_range`` (module docstring).

    Returns
    -------
    (q, basis)
    """
    grid = np.linspace(sd_range[0], sd_range[1], GRID_POINTS)
    usable = [(years, z, m0, v) for years, z, m0, v in series if len(years) >= 2]
    if not usable:
        q = float(np.mean(grid ** 2))
        return q, (f"no published series with two figures: prior mean over the stated range of gap.innovation_sd, "
                   f"{100 * np.sqrt(q):.1f}% a year")
    loglik = np.array([sum(GapModel(sd ** 2, p0, m0, r).log_likelihood(years, z, v) for years, z, m0, v in usable)
                       for sd in grid])
    weight = np.exp(loglik - loglik.max())
    q = float(np.sum(weight * grid ** 2) / np.sum(weight))
    figures = sum(len(years) for years, _, _, _ in usable)
    return q, (f"posterior mean over {len(usable)} published series ({figures} figures): "
               f"{100 * np.sqrt(q):.1f}% a year (maximum likelihood at {100 * grid[int(np.argmax(loglik))]:.1f}%)")


def prior_from_range(low: float, centre: float, high: float) -> tuple[float, float]:
    """``(m0, p0)`` of a gap whose factor ``exp(g)`` is uniform on the log range (module docstring)."""
    return float(np.log(centre)), float(((np.log(high) - np.log(low)) / np.sqrt(12)) ** 2)
