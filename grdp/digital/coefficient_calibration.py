"""Calibration of the coefficients to published figures, nationally first, then regionally.

Each stage is a penalised least-squares problem (a maximum a posteriori estimate with Gaussian
priors truncated to the stated ranges)::

    minimise_theta  sum_k r_k(theta)^2 + sum_p ((theta_p - c_p) / h_p)^2
    subject to      low_p <= theta_p <= high_p

with ``r_k = (model_k(theta) - published_k) / tol_k`` for every fitted target k (for a lower bound,
only a model value below the bound counts), ``c_p`` the centre and ``h_p`` the half-width of the
range of parameter p (``grdp/data/digital_coefficients.csv``), and ``tol_k`` the tolerance of the
target (``grdp/data/calibration_targets.csv``; 0.05 pp for shares published to two decimals: the
miss a model of section-level accounts can be expected to reach, not the rounding).
The prior term is weak: it matters only where the published figures do not identify a parameter.

Stages:

1. **national GSO**: core shares ``w_C, w_G, w_J, w_S``, core drift ``g_K``, digitalisation
   coefficients ``d_A, d_D, d_G, d_industry, d_services`` and drift ``g_D``, against GSO's national
   totals, core and digitalised shares, broad-sector split and composition
   (``scipy.optimize.least_squares``, trust-region reflective, bounds as above);
2. **national MIC** (GSO stage fixed): ``b, pi, sigma, g_M`` against MIC's national totals and
   components;
3. **regional HIDS** (national stages fixed): HIDS's ``h`` against HIDS's value added; with no
   published figure to fit it stays at the centre of its range.

The region's GSO- and MIC-method shares are not fitted by a parameter: they are the benchmarks of
the city-specific gap (:mod:`grdp.digital.gap`), a year-by-year random walk between the published
share and the model with national coefficients.

The prior scale is ``h_p / sqrt(3)``, the standard deviation of a uniform distribution over the
range, and the bounds are hard (``scipy.optimize.least_squares``, trust-region reflective).

Uncertainty (used by :mod:`grdp.digital.uncertainty`) is the Laplace approximation of this posterior:
``theta ~ N(theta_hat, (J_d' J_d / s^2 + J_p' J_p)^-1)`` truncated to the ranges, with ``J_d`` and
``J_p`` the Jacobians of the standardised target and prior residuals at the optimum and
``s^2 = max(1, chi2 / max(1, m - k))`` inflating the data part when the m fitted targets are missed
by more than their tolerances given k free parameters. Draws outside the ranges are rejected whole
(not clipped one parameter at a time), so accepted draws keep the correlations the published figures
impose, for example a higher core share of C with a lower one of J.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from grdp.digital import gso, hids, mic
from grdp.digital.account_arrays import AccountInputs
from grdp.digital.calibration_targets import Target, model_value, residual
from grdp.digital.coefficients import coefficients
from grdp.digital.spine import Config, Params, evaluate

NATIONAL_GSO = ("gso.core_share.C", "gso.core_share.G", "gso.core_share.J", "gso.core_share.S", "gso.core_growth",
                "gso.digitalisation.A", "gso.digitalisation.D", "gso.digitalisation.G",
                "gso.digitalisation.industry", "gso.digitalisation.services", "gso.digitalisation_growth")
NATIONAL_MIC = ("mic.ict_basis", "mic.platform_rate", "mic.sectoral_rate", "mic.growth")
STAGES = (("national GSO", "vn", NATIONAL_GSO, gso.METHOD.config, "gso."),
          ("national MIC", "vn", NATIONAL_MIC, mic.METHOD.config, "mic."),
          ("regional HIDS", "region", ("hids.breadth",), hids.METHOD.config, "hids.numerator"))
"""Stage name, where its figures come from, its free parameters, the configuration they enter and the
target quantities (prefix) fitted; run in this order, each with the earlier ones fixed."""


MAX_ROUNDS = 200
"""Rounds of proposals before :meth:`StageFit.draw` gives up on rejection sampling."""


class CalibrationError(RuntimeError):
    """Raised when draws cannot be made inside the parameter ranges."""


@dataclass
class StageFit:
    """The result of one calibration stage, with the Laplace covariance of its parameters."""

    stage: str
    names: tuple[str, ...]
    values: np.ndarray
    low: np.ndarray
    high: np.ndarray
    covariance: np.ndarray
    targets: list[Target]
    chi2: float
    scale: float
    success: bool
    message: str

    def sd(self) -> np.ndarray:
        """Standard deviations of the parameters (before truncation to the ranges)."""
        return np.sqrt(np.diag(self.covariance))

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n`` parameter sets, shape ``(n, k)``, from the truncated Laplace approximation.

        Raises
        ------
        CalibrationError
            If fewer than ``n`` draws fall inside the ranges after :data:`MAX_ROUNDS` rounds.
        """
        kept: list[np.ndarray] = []
        count = 0
        for _ in range(MAX_ROUNDS):
            proposal = rng.multivariate_normal(self.values, self.covariance, size=2 * n, method="eigh")
            inside = proposal[np.all((proposal >= self.low) & (proposal <= self.high), axis=1)]
            kept.append(inside)
            count += len(inside)
            if count >= n:
                return np.concatenate(kept)[:n]
        raise CalibrationError(f"stage {self.stage}: only {count} of {MAX_ROUNDS * 2 * n} draws fell inside the "
                               "parameter ranges; the calibration is at odds with the ranges")


@dataclass
class Calibration:
    """Calibrated parameters (centres of the ranges where nothing was calibrated) and the stages."""

    params: dict[str, float]
    stages: dict[str, StageFit] = field(default_factory=dict)

    def arrays(self) -> Params:
        """Return the parameters as length-1 arrays, the form :func:`grdp.digital.spine.evaluate` takes."""
        return {k: np.array([v]) for k, v in self.params.items()}

    def table(self) -> pd.DataFrame:
        """Return one row per parameter: value, standard deviation, range, basis and stage."""
        coefs = coefficients()
        sd: dict[str, float] = {}
        stage_of: dict[str, str] = {}
        for fit in self.stages.values():
            if fit.targets:
                for name, value in zip(fit.names, fit.sd()):
                    sd[name], stage_of[name] = float(value), fit.stage
        rows = []
        for name, value in self.params.items():
            c = coefs[name]
            rows.append({"parameter": name, "value": value, "sd": sd.get(name, np.nan),
                         "low": c.low, "centre": c.centre, "high": c.high, "basis": c.basis,
                         "calibrated_in": stage_of.get(name, "prior of the city-specific gap (grdp.digital.gap)"
                                                       if c.stage == "gap" else "not calibrated (centre of range)"),
                         "at_bound": bool(np.isclose(value, c.low) or np.isclose(value, c.high))})
        return pd.DataFrame(rows)


def _fitted(targets: list[Target], region: str, prefix: str) -> list[Target]:
    return [t for t in targets if t.fit and t.region == region and t.quantity.startswith(prefix)]


def _scale(chi2: float, m: int, k: int) -> float:
    return max(1.0, chi2 / max(1, m - k))


def _least_squares(stage: str, names: tuple[str, ...], params: dict[str, float], config: Config,
                   targets: list[Target], inputs: AccountInputs) -> StageFit:
    coefs = [coefficients()[n] for n in names]
    centre = np.array([c.centre for c in coefs])
    prior_sd = np.array([c.half_width for c in coefs]) / np.sqrt(3)
    lower, upper = np.array([c.low for c in coefs]), np.array([c.high for c in coefs])
    if not targets:
        return StageFit(stage, names, centre, lower, upper, np.diag(prior_sd ** 2), [], 0.0, 1.0, True,
                        "no published figure to calibrate on: centre of the stated range")

    def arrays(theta: np.ndarray) -> Params:
        merged = {k: np.array([v]) for k, v in params.items()}
        merged.update({n: np.array([v]) for n, v in zip(names, theta)})
        return merged

    def target_residuals(theta: np.ndarray) -> np.ndarray:
        blocks = evaluate(config, arrays(theta), inputs)
        return np.array([residual(t, model_value(t, blocks, inputs))[0] for t in targets])

    def residuals(theta: np.ndarray) -> np.ndarray:
        return np.concatenate([target_residuals(theta), (theta - centre) / prior_sd])

    start = np.clip(centre, lower + 1e-9 * (upper - lower), upper - 1e-9 * (upper - lower))
    result = least_squares(residuals, start, bounds=(lower, upper), method="trf", x_scale=prior_sd,
                           xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=4000)
    chi2 = float(np.sum(target_residuals(result.x) ** 2))
    scale = _scale(chi2, len(targets), len(names))
    data, prior = result.jac[:len(targets)], result.jac[len(targets):]
    covariance = np.linalg.pinv(data.T @ data / scale + prior.T @ prior)
    return StageFit(stage, names, result.x, lower, upper, covariance, targets, chi2, scale, bool(result.success),
                    result.message)


def calibrate(inputs: dict[str, AccountInputs], targets: list[Target], region: str,
              exclude_year: tuple[str, int] | None = None) -> Calibration:
    """Calibrate every stage.

    Parameters
    ----------
    inputs
        Account inputs of ``"vn"`` and of ``region``.
    targets
        Published figures from :func:`grdp.digital.calibration_targets.published_targets`.
    region
        The region whose regional parameters are calibrated (``"vn"``: regional stage skipped).
    exclude_year
        ``(region, year)``: leave out every fitted figure of that region covering that year
        (held-out evaluation).

    Returns
    -------
    Calibration
    """
    if exclude_year is not None:
        where, year = exclude_year
        targets = [replace(t, fit=False) if t.region == where and t.covers(year) else t for t in targets]
    params = {name: c.centre for name, c in coefficients().items()}
    result = Calibration(params)
    for stage, source, names, config, prefix in STAGES:
        if source == "region" and region == "vn":
            continue
        where = "vn" if source == "vn" else region
        fit = _least_squares(stage, names, params, config, _fitted(targets, where, prefix), inputs[where])
        params.update(zip(names, map(float, fit.values)))
        result.stages[stage] = fit
    return result
