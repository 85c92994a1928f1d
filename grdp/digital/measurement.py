"""One measurement model of the digital-economy shares of the nation and the former city.

Every share grdp estimates for the nation (``vn``) or the former city (``hcmc``, ``old`` boundary) under the
three published definitions (GSO, MIC, HIDS) comes from one linear-Gaussian model in logs, fitted in each vintage
to every figure published by its as-of date. A published figure is a *measurement* of its cell; a year nobody
published is the model's estimate of that cell. There is no choice among estimators and no fallback chain, so a
small change of one input moves every estimate a little, never by a switch.

Latent states, for the years ``t = 0, ..., T-1`` from :data:`FIRST_YEAR` to the last
year that has ended (all in natural logs of percent of GRDP or GDP)::

    n_t  = n_{t-1} + w^n_t                national GSO-method share (random walk)
    a_t  = a_{t-1} + d_a + w^a_t          national ln(MIC / GSO): the definitions' link (random walk with drift)
    g_t  = g_{t-1} + d_g + w^g_t          the city's GSO-method intensity relative to the nation
    m_t  = m_{t-1} + w^m_t                the city's ln(MIC / GSO) beyond the nation's
    h_t  = h_{t-1} + w^h_t                the city's ln(HIDS / GSO)

with ``w^n, w^a ~ N(0, q_n^2)`` and ``w^g, w^m, w^h ~ N(0, q_c^2)``. The drifts are where the evidence puts the
trends: MIC's revenue-based scope widened against GSO's value added every year (the national MIC share rose
from 11.91 to 18.3% in 2021-2024 while GSO's moved from 12.87 to 13.17%), and the city's intensity relative to the
nation moves with its economy's structure; without the drift on ``a`` the national MIC trend would be read as a
trend of the GSO-method share wherever GSO's figures are few. The shares are::

    ln s(vn, gso) = n          ln s(hcmc, gso)  = n + g
    ln s(vn, mic) = n + a      ln s(hcmc, mic)  = n + g + a + m
                               ln s(hcmc, hids) = n + g + h

**Measurements.** Every current release of every publisher (the latest release of each publisher identity,
:func:`grdp.sources.publisher_identity`; a conflicting release of another publisher is a second measurement,
never averaged away) of an annual total share is ``ln y = ln s + e``, ``e ~ N(0, sigma_i^2)`` with

    sigma_i^2 = sigma_pub^2 + (-ln(1 - r_i) / z_0.95)^2,  r_i = (0.5 10^-d_i + m_i y_i) / y_i

``sigma_pub`` the error of published figures measured from their revisions (:mod:`grdp.digital.measured_errors`)
and ``r_i`` the relative half-width of the figure's stated range (rounding to the two decimals the sources store,
``d_i = 2``, plus :data:`RATING_MARGIN`: 1% green, 5% amber, 10% red). The stated range is the figure's 90%
range: its wider side in logs, ``-ln(1 - r_i)``, is ``z_0.95 = 1.645`` standard deviations, so a red figure's
90% interval reaches at least 10% below and above it, and a figure may lie outside its stated range (a rounded
figure of unclear scope can be further off than its rating says). The rounding is not read from each value, so
that no error jumps on a rounding edge. **The structural model** of the city's sector
accounts (national coefficients on the city's accounts, without a city-specific gap,
:meth:`grdp.digital.model.DigitalModel.blocks`) enters as an *indicator* of each city cell with an account::

    ln I(hcmc, f, t) = ln s(hcmc, f, t) + b_f + u_t,   u_t ~ N(0, sigma_I^2)

with a constant bias ``b_f`` per definition: the indicator carries the year-to-year movement of the city's
structure, not its level. The nation's structural model is calibrated to the national figures, so it is not an
indicator of them.

**Priors** (stated, not estimated): ``n_0 ~ N(ln 10, 1)``; ``a_0, g_0, m_0, h_0, b_f ~ N(0, 1)`` (a factor ``e``
either way); drifts ``d_a, d_g ~ N(0, 0.1^2)`` (10% a year); ``q_n`` and ``q_c`` uniform over the stated range of
``gap.innovation_sd`` (``grdp/data/digital_coefficients.csv``, 1% to 10% a year) and ``sigma_I`` uniform over
:data:`INDICATOR_SD_RANGE`, each on the midpoints of :data:`GRID_POINTS` equal bins. For each grid point the
posterior of the states is Gaussian (the model is linear in the innovations ``u``: ``y = B u + e``, so
``u | y ~ N(S (V0^-1 u0 + B' R^-1 y), S)``, ``S = (V0^-1 + B' R^-1 B)^-1``); the grid points are weighted by their
marginal likelihood ``y ~ N(B u0, B V0 B' + R)`` times the prior. Draws are a mixture over the grid, each draw
assigned to a grid point by a fixed systematic rule, so that a small change of the data moves the draws a little.

References
----------
Durbin, J. and Koopman, S. J. (2012), *Time Series Analysis by State Space Methods*, 2nd ed., Oxford UP,
chapters 2-4 (local level and local linear trend models, missing observations).
Gneiting, T. and Raftery, A. E. (2007), "Strictly proper scoring rules, prediction, and estimation", *JASA*
102(477), 359-378 (the interval score and CRPS of :mod:`grdp.digital.validation`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import product

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.digital.coefficients import coefficients
from grdp.digital.figure_error import measurement_sd
from grdp.digital.model import DigitalModel
from grdp.digital.registry import METHODS

FIRST_YEAR = 2020
"""First year of the states and of the headline table (the first year any institution published a share for HCMC)."""
FAMILIES = ("gso", "mic", "hids")
"""The published definitions the model covers."""
NATIONAL = ("gso", "mic")
"""The definitions published for the nation (no institution publishes a national HIDS-method share)."""
REGIONS = {"vn": "national", "hcmc": "old"}
"""The regions the model covers, with their boundary."""
INDICATOR_SD_RANGE = (0.02, 0.20)
"""Prior range of the structural indicator's yearly error ``sigma_I`` (relative): from the national coefficients'
precision (2%) to the largest yearly gap move the published city series show (about 15%), rounded up."""
GRID_POINTS = 4
"""Grid points per hyperparameter (midpoints of equal bins of its prior range)."""
LEVEL_PRIOR = (float(np.log(10.0)), 1.0)
RATIO_PRIOR_SD = 1.0
DRIFT_PRIOR_SD = 0.10


def ended_years(as_of: str | date) -> list[int]:
    """Years from :data:`FIRST_YEAR` to the last one that has ended by ``as_of`` (on or after its 31 December)."""
    when = date.fromisoformat(str(as_of))
    last = when.year if (when.month, when.day) == (12, 31) else when.year - 1
    return list(range(FIRST_YEAR, last + 1))


@dataclass(frozen=True)
class Measurement:
    """One published figure as a measurement of its cell."""

    region: str
    method: str
    year: int
    value: float
    sd: float
    """Standard deviation of its log error (module docstring)."""
    rating: str
    release: str
    publisher: str


def measurements(releases: src.Releases, sigma_published: float, years: list[int]) -> list[Measurement]:
    """Every current release of every publisher of an annual total share of the covered regions and definitions.

    A publisher's latest release of a figure supersedes its earlier ones; releases of different publishers are
    all kept.
    """
    known = releases.known
    variables = {METHODS[f].published: f for f in FAMILIES}
    rows = known[known["variable"].isin(list(variables)) & (known["industry"] == "TOTAL")
                 & (known["frequency"] == "A") & (known["unit"] == "percent")
                 & known["region"].isin(list(REGIONS)) & known["period"].isin([str(y) for y in years])]
    rows = rows[[REGIONS[r] == b for r, b in zip(rows["region"], rows["boundary"])]]
    if rows.empty:
        return []
    rows = rows.assign(_publisher=rows["publisher"].map(src.publisher_identity))
    latest = rows.groupby(["region", "variable", "period", "_publisher"])["release_date"].transform("max")
    rows = rows[rows["release_date"] == latest].drop_duplicates(["region", "variable", "period", "_publisher",
                                                                 "value"])
    rows = rows.sort_values(["region", "variable", "period", "release_date", "source_id"], kind="stable")
    return [Measurement(r.region, variables[r.variable], int(r.period), float(r.value),
                        measurement_sd(float(r.value), r.rating, sigma_published), r.rating,
                        r.release_date.date().isoformat(), r.publisher)
            for r in rows.itertuples()]


def indicator(model: DigitalModel) -> dict[tuple[str, int], float]:
    """The structural model's share of each covered definition and account year of the model's region (percent),
    national coefficients on its accounts without a city-specific gap."""
    zero = {family: np.zeros(len(model.accounts.years)) for family in model.gaps}
    out = {}
    for family in FAMILIES:
        blocks = model.blocks(METHODS[family].config, gaps=zero)
        shares = 100 * blocks.numerator()[0] / model.accounts.grdp
        for year, share in zip(model.accounts.years, shares):
            if np.isfinite(share) and share > 0:
                out[(family, int(year))] = float(share)
    return out


# --- the linear model in the innovations --------------------------------------------------------------------


@dataclass
class _Layout:
    """Where each innovation sits in ``u`` and how each latent share is a linear combination of ``u``."""

    years: list[int]
    city: bool
    names: list[str] = field(default_factory=list)
    mean: list[float] = field(default_factory=list)
    scale: list[str | float] = field(default_factory=list)  # a prior sd, or the name of a grid hyperparameter
    walks: dict[str, np.ndarray] = field(default_factory=dict)  # component -> (T x dim u) matrix

    def _add(self, name: str, mean: float, scale: str | float) -> int:
        self.names.append(name)
        self.mean.append(mean)
        self.scale.append(scale)
        return len(self.names) - 1

    def build(self) -> _Layout:
        t = len(self.years)
        specs = [("n", LEVEL_PRIOR, False, "q_n"), ("a", (0.0, RATIO_PRIOR_SD), True, "q_n")]
        if self.city:
            specs += [("g", (0.0, RATIO_PRIOR_SD), True, "q_c"), ("m", (0.0, RATIO_PRIOR_SD), False, "q_c"),
                      ("h", (0.0, RATIO_PRIOR_SD), False, "q_c")]
        columns: dict[str, list[tuple[int, np.ndarray]]] = {}
        for name, (mean, sd), drift, q in specs:
            entries = [(self._add(f"{name}_0", mean, sd), np.ones(t))]
            if drift:
                entries.append((self._add(f"{name}_drift", 0.0, DRIFT_PRIOR_SD), np.arange(t, dtype=float)))
            for k in range(1, t):
                entries.append((self._add(f"{name}_w{k}", 0.0, q), (np.arange(t) >= k).astype(float)))
            columns[name] = entries
        if self.city:
            for family in FAMILIES:
                self._add(f"b_{family}", 0.0, RATIO_PRIOR_SD)
        dim = len(self.names)
        for name, entries in columns.items():
            matrix = np.zeros((t, dim))
            for index, path in entries:
                matrix[:, index] = path
            self.walks[name] = matrix
        return self

    def share(self, region: str, family: str) -> np.ndarray:
        """``(T x dim u)``: the log share of a region and definition in every year."""
        parts = {("vn", "gso"): "n", ("vn", "mic"): "n a", ("hcmc", "gso"): "n g", ("hcmc", "mic"): "n g a m",
                 ("hcmc", "hids"): "n g h"}[(region, family)]
        return np.sum([self.walks[p] for p in parts.split()], axis=0)

    def row(self, region: str, family: str, year: int) -> np.ndarray:
        return self.share(region, family)[self.years.index(year)]

    def bias(self, family: str) -> np.ndarray:
        out = np.zeros(len(self.names))
        out[self.names.index(f"b_{family}")] = 1.0
        return out


def _grid(low: float, high: float) -> np.ndarray:
    edges = np.linspace(low, high, GRID_POINTS + 1)
    return (edges[:-1] + edges[1:]) / 2


@dataclass
class MeasurementFit:
    """The fitted model of one region (and the nation): a Gaussian posterior of ``u`` per grid point, and the
    grid points' posterior weights."""

    region: str
    years: list[int]
    layout: _Layout
    measurements: list[Measurement]
    indicator: dict[tuple[str, int], float]
    grid: list[dict[str, float]]
    weights: np.ndarray
    means: np.ndarray  # (K x dim)
    factors: np.ndarray  # (K x dim x dim): Cholesky factors of the posterior covariances

    def families(self, region: str) -> tuple[str, ...]:
        return NATIONAL if region == "vn" else FAMILIES

    def log_mean(self, region: str, family: str, year: int) -> float:
        """Posterior mean of the log share (the mixture's)."""
        return float(self.weights @ (self.means @ self.layout.row(region, family, year)))

    def point(self, region: str, family: str, year: int) -> float:
        """The estimate: ``exp`` of the posterior mean of the log share (percent)."""
        return float(np.exp(self.log_mean(region, family, year)))

    def draws(self, region: str, family: str, year: int, n: int, seed: int, noise_sd: float = 0.0) -> np.ndarray:
        """``n`` posterior draws of the share (percent); with ``noise_sd``, of a new measurement of it (its log error
        added). Every call with the same ``n`` and ``seed`` uses the same normal variates and grid assignment."""
        rng = np.random.default_rng([seed, 7919])
        z = rng.standard_normal((n, self.means.shape[1]))
        extra = rng.standard_normal(n)
        component = np.searchsorted(np.cumsum(self.weights), (np.arange(n) + 0.5) / n)
        component = np.minimum(component, len(self.weights) - 1)
        row = self.layout.row(region, family, year)
        mean = self.means @ row  # (K,)
        spread = np.einsum("kij,i->kj", self.factors, row)  # row' L_k: (K x dim)
        values = mean[component] + np.einsum("nj,nj->n", z, spread[component]) + noise_sd * extra
        return np.exp(values)


def fit(region: str, releases: src.Releases, years: list[int], sigma_published: float,
        model: DigitalModel | None) -> MeasurementFit:
    """Fit the measurement model of ``region`` (``"vn"`` or ``"hcmc"``, old boundary) on the releases of a view.

    Parameters
    ----------
    region
        ``"vn"`` (the nation alone) or ``"hcmc"`` (the former city, with the nation).
    releases
        The as-of view: every figure it knows is a measurement.
    years
        The years of the latent states (from the first year to the last that has ended).
    sigma_published
        The measured error of published figures (:mod:`grdp.digital.measured_errors`).
    model
        The region's structural model, for its indicator (``None`` for the nation, or where it cannot be built).

    Returns
    -------
    MeasurementFit
    """
    if region not in REGIONS:
        raise ValueError(f"the measurement model covers {', '.join(REGIONS)}, not {region!r}")
    layout = _Layout(list(years), region != "vn").build()
    found = [m for m in measurements(releases, sigma_published, years) if m.region in ("vn", region)]
    ind = indicator(model) if model is not None and region != "vn" else {}
    ind = {k: v for k, v in ind.items() if k[1] in years}
    rows, values, sds, is_indicator = [], [], [], []
    for m in found:
        rows.append(layout.row(m.region, m.method, m.year))
        values.append(np.log(m.value))
        sds.append(m.sd)
        is_indicator.append(False)
    for (family, year), value in sorted(ind.items()):
        rows.append(layout.row(region, family, year) + layout.bias(family))
        values.append(np.log(value))
        sds.append(np.nan)
        is_indicator.append(True)
    b = np.array(rows).reshape(len(rows), len(layout.names))
    y = np.array(values, dtype=float)
    flags = np.array(is_indicator, dtype=bool)
    innovation = coefficients()["gap.innovation_sd"]
    q_grid = _grid(innovation.low, innovation.high)
    i_grid = _grid(*INDICATOR_SD_RANGE) if flags.any() else np.array([np.nan])
    q_n_grid = q_grid
    q_c_grid = q_grid if region != "vn" else np.array([np.nan])
    u0 = np.array(layout.mean)
    grid, logs, means, factors = [], [], [], []
    for q_n, q_c, s_i in product(q_n_grid, q_c_grid, i_grid):
        hyper = {"q_n": float(q_n), "q_c": float(q_c), "sigma_I": float(s_i)}
        v0 = np.array([float(s) if not isinstance(s, str) else hyper[s] for s in layout.scale]) ** 2
        r = np.where(flags, s_i, np.array(sds, dtype=float)) ** 2 if len(y) else np.zeros(0)
        mean, cov, loglik = _posterior(b, y, r, u0, v0)
        grid.append(hyper)
        logs.append(loglik)
        means.append(mean)
        factors.append(np.linalg.cholesky(cov + 1e-12 * np.eye(len(u0))))
    logs_arr = np.array(logs)
    weights = np.exp(logs_arr - logs_arr.max())
    weights /= weights.sum()
    return MeasurementFit(region, list(years), layout, found, ind, grid, weights, np.array(means), np.array(factors))


def _posterior(b: np.ndarray, y: np.ndarray, r: np.ndarray, u0: np.ndarray,
               v0: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Gaussian posterior of ``u`` (mean, covariance) and the log marginal likelihood of ``y``."""
    if len(y) == 0:
        return u0.copy(), np.diag(v0), 0.0
    precision = np.diag(1 / v0) + b.T @ (b / r[:, None])
    cov = np.linalg.inv(precision)
    cov = (cov + cov.T) / 2
    mean = cov @ (u0 / v0 + b.T @ (y / r))
    predictive = b @ (v0[:, None] * b.T) + np.diag(r)
    resid = y - b @ u0
    sign, logdet = np.linalg.slogdet(predictive)
    loglik = -0.5 * (logdet + resid @ np.linalg.solve(predictive, resid) + len(y) * np.log(2 * np.pi))
    return mean, cov, float(loglik)


def summary(fit_: MeasurementFit) -> pd.DataFrame:
    """The posterior weight of each grid point of the hyperparameters (``q_n, q_c, sigma_I, weight``)."""
    return pd.DataFrame([{**g, "weight": w} for g, w in zip(fit_.grid, fit_.weights)])
