"""Monte Carlo uncertainty of every method's share and components, vectorised over draws.

Each draw takes

* every calibrated parameter from the Laplace approximation of its stage's calibration
  (multivariate normal truncated to the parameters' ranges, see :mod:`grdp.digital.coefficient_calibration`);
  stages are drawn independently (the dependence of the HIDS stage on the national stages is
  ignored, which widens rather than narrows the intervals);
* every parameter that no published figure calibrates from a triangular distribution over its range
  (low, centre, high), e.g. the OECD-ICT share of division 26;
* the region's accounts, with errors *measured* out of period (:mod:`grdp.digital.measured_errors`):

  - an imputed broad-sector margin (A, BTF, GTT interpolated or carried between published years)
    is multiplied by ``exp(s_margin z - s_margin^2 / 2)``, independently each year, and the imputed
    margins of the year are rescaled so that the sections still add up to GRDP;
  - an imputed section cell is multiplied by ``exp(s z - s^2 / 2)`` with ``s`` the measured error of
    its class (``lq``: with a location quotient; ``national``: without one) and **one z per cell for
    every year** (the error of a quotient or of the national structure persists from year to
    year); a cell derived from a published share gets the rounding error
    ``accounts.derived_cell_sd``; published cells are fixed;
  - the imputed cells of each broad sector are then rescaled so the sector keeps its (drawn) margin;

* the city-specific gap of each method family **re-estimated in every draw**: the draw's indicator
  (the method with national coefficients on the draw's accounts) is divided into the published
  shares, and the gap is drawn from its posterior given those log ratios
  (:class:`grdp.digital.gap.GapPosterior`). A persistent error of the accounts therefore moves the
  indicator and the gap in opposite directions and cancels in the years with a published figure,
  where the interval is the published figure's own error; after the last one it carries forward.

A proportional error of GRDP leaves every share unchanged (the numerator is built from the same
GRDP); it matters for the bn VND levels and for the weights of the merged city's parts
(:mod:`grdp.digital.parts`).

Every method is evaluated on the same draws, so differences between methods are consistent. Intervals
are percentiles of the draws. The generator is ``numpy.random.default_rng(seed)``, so a seed gives the
same draws byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from grdp.base import run_cache
from grdp.digital.account_arrays import BROAD_GROUPS, AccountInputs
from grdp.digital.coefficients import coefficients
from grdp.digital.measured_errors import ErrorSizes
from grdp.digital.model import DigitalModel
from grdp.digital.regional_gap import indicator
from grdp.digital.registry import METHODS
from grdp.digital.spine import Params, evaluate

CHUNK = 25_000
"""Draws evaluated at once (bounds memory whatever the number of draws)."""
SIMULATED_FROM = 2020
"""First account year the Monte Carlo covers: the first year with a published digital-economy share
(every gap's benchmark is in these years)."""


@dataclass
class Simulation:
    """Draws of every method's share and components for one region and year."""

    region: str
    year: int
    draws: int
    seed: int
    point: dict[str, dict[str, float]]
    """Method -> ``total`` and each component -> point estimate (percent of GRDP)."""
    samples: dict[str, dict[str, np.ndarray]]
    """Method -> ``total`` and each component -> draws (percent of GRDP)."""

    def intervals(self, level: float = 0.9) -> pd.DataFrame:
        """Return point estimate and the central ``level`` percentile interval of every quantity.

        Returns
        -------
        pandas.DataFrame
            Columns ``method, component, point, lower, upper, level`` (percent of GRDP).
        """
        tail = 100 * (1 - level) / 2
        rows = []
        for method, quantities in self.samples.items():
            for name, draws in quantities.items():
                lower, upper = np.percentile(draws, [tail, 100 - tail])
                rows.append({"method": method, "component": name, "point": self.point[method][name],
                             "lower": lower, "upper": upper, "level": level})
        return pd.DataFrame(rows)


@dataclass
class YearsSimulation:
    """Draws of every method's share, components, numerator and denominator for several years.

    ``samples[method][quantity]`` has shape ``(draws, years)``; quantities are ``total`` and each
    component (percent of GRDP), ``numerator`` (bn VND) and ``denominator`` (GRDP, bn VND).
    """

    region: str
    boundary: str
    years: tuple[int, ...]
    draws: int
    seed: int
    point: dict[str, dict[str, np.ndarray]]
    samples: dict[str, dict[str, np.ndarray]]

    def year(self, year: int) -> Simulation:
        """The simulation of one year."""
        i = self.years.index(year)

        def shares(quantities: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            return {k: v[..., i] for k, v in quantities.items() if k not in ("numerator", "denominator")}

        return Simulation(self.region, year, self.draws, self.seed,
                          {m: {k: float(v) for k, v in shares(q).items()} for m, q in self.point.items()},
                          {m: shares(q) for m, q in self.samples.items()})


def draw_parameters(model: DigitalModel, n: int, rng: np.random.Generator) -> Params:
    """Draw ``n`` sets of parameters (see the module docstring)."""
    coefs = coefficients()
    params: Params = {}
    for fit in model.calibration.stages.values():
        values = fit.draw(n, rng)
        for i, name in enumerate(fit.names):
            params[name] = values[:, i]
    for name, c in coefs.items():
        if name not in params:
            params[name] = rng.triangular(c.low, c.centre, c.high, size=n) if c.high > c.low else np.full(n, c.low)
    return params


def draw_accounts(inputs: AccountInputs, n: int, rng: np.random.Generator,
                  errors: ErrorSizes | None = None) -> np.ndarray:
    """Draw ``n`` versions of the accounts' value added, shape ``(n, years, sections)``.

    ``errors`` gives the class sizes (measured); without it the stated centres of
    ``accounts.imputed_cell_sd`` and ``accounts.derived_cell_sd`` are used for every imputed cell
    and margin.
    """
    coefs = coefficients()
    fallback = coefs["accounts.imputed_cell_sd"].centre
    sizes = errors.sd if errors is not None else {"lq": fallback, "national": fallback, "margin": fallback}
    years, sections = inputs.va.shape
    groups = np.array([BROAD_GROUPS.index(g) for g in inputs.broad_group()])
    imputed = np.isin(inputs.error_class, ("lq", "national"))
    cell_sd = np.select([inputs.error_class == "lq", inputs.error_class == "national", inputs.error_class == "derived"],
                        [sizes["lq"], sizes["national"], coefs["accounts.derived_cell_sd"].centre], 0.0)
    base = np.broadcast_to(inputs.va, (n, years, sections))
    totals = np.stack([base[:, :, groups == g].sum(axis=2) for g in range(len(BROAD_GROUPS))], axis=2)
    movable = inputs.margin_imputed & np.stack([imputed[:, groups == g].any(axis=1)
                                                for g in range(len(BROAD_GROUPS))], axis=1)
    s_margin = sizes["margin"]
    factor = np.exp(s_margin * rng.standard_normal((n, years, len(BROAD_GROUPS))) - s_margin ** 2 / 2)
    drawn = np.where(movable, totals * factor, totals)
    kept = (totals * movable).sum(axis=2, keepdims=True)
    moved = (drawn * movable).sum(axis=2, keepdims=True)
    drawn = np.where(movable, drawn * np.divide(kept, moved, out=np.ones_like(kept), where=moved > 0), totals)
    z = rng.standard_normal((n, 1, sections))  # one error per cell, the same every year
    va = base * np.exp(cell_sd * z - cell_sd ** 2 / 2)
    for g in range(len(BROAD_GROUPS)):
        cols = groups == g
        fixed = (va[:, :, cols] * ~imputed[:, cols]).sum(axis=2)
        free = (va[:, :, cols] * imputed[:, cols]).sum(axis=2)
        scale = np.divide(np.maximum(drawn[:, :, g] - fixed, 0.0), free, out=np.ones_like(free), where=free > 0)
        va[:, :, cols] = np.where(imputed[:, cols], va[:, :, cols] * scale[:, :, None], va[:, :, cols])
    return va


def draw_gaps(model: DigitalModel, params: Params, va: np.ndarray | None, rng: np.random.Generator,
              n: int, inputs: AccountInputs | None = None) -> dict[str, np.ndarray]:
    """Draw each family's log gap over the account years of ``inputs`` (default: all the model's),
    re-estimated on the draw's indicator (``va`` is the draws' value added of those years)."""
    out = {}
    inputs = inputs if inputs is not None else model.accounts
    for family, fit in model.gaps.items():
        spec = METHODS[family]
        if fit.observed:
            level = indicator(spec.config, params, inputs, va)
            rows = [inputs.index(y) for y in fit.observed]
            z = np.log(fit.benchmark)[None, :] - np.log(level[:, rows])
        else:
            z = np.zeros((n, 0))
        drawn = fit.posterior.draw(z, rng)
        out[family] = drawn[:, [fit.posterior.years.index(y) for y in inputs.years]]
    return out


def _quantities(inputs: AccountInputs, params: Params, va: np.ndarray | None, gaps: dict[str, np.ndarray],
                methods: list[str]) -> dict[str, dict[str, np.ndarray]]:
    """Every quantity of ``methods`` in every year of ``inputs`` (the blocks are summed in place, not copied)."""
    out = {}
    for name in methods:
        spec = METHODS[name]
        blocks = evaluate(spec.config, params, inputs, va, gaps=gaps)
        grdp = np.broadcast_to(blocks.denominator, blocks.numerator().shape)
        values = {"total": blocks.share()}
        for block, label in spec.components.items():
            values[label] = 100 * getattr(blocks, block).sum(axis=2) / grdp
        values["numerator"] = blocks.numerator()
        values["denominator"] = np.array(grdp)
        out[name] = values
    return out


def simulate_years(model: DigitalModel, years: list[int] | tuple[int, ...] | None = None, draws: int = 100_000,
                   seed: int = 0, methods: list[str] | None = None, only: bool = False) -> YearsSimulation:
    """Simulate every method's share, components, numerator and denominator in several years at once.

    The draws of different years share their parameters, their persistent cell errors and their gap
    (see the module docstring), so differences and sums across years are consistent.

    Parameters
    ----------
    model
        A built model.
    years
        Account years of the region (default: all).
    draws, seed
        Number of draws and the seed of ``numpy.random.default_rng``.
    methods
        Methods to return (default: all).
    only
        Evaluate only ``methods`` (faster, not cached). By default every method is simulated once and
        cached for the run (:mod:`grdp.base.run_cache`); the draws of a method do not depend on which
        others are evaluated with it.

    Returns
    -------
    YearsSimulation
    """
    methods = list(methods or METHODS)
    simulated = _simulated(model)
    years = tuple(years) if years is not None else simulated.years
    for year in years:
        if year not in simulated.years:
            model.accounts.index(year)  # names the years with accounts
            raise KeyError(f"the Monte Carlo covers the account years from {SIMULATED_FROM} "
                           f"({', '.join(map(str, simulated.years))}), not {year}")
    columns = [simulated.index(y) for y in years]
    if only:
        full = _simulate_all(model, draws, seed, methods)
    elif model.source_key:
        key = (model.region, model.boundary, model.as_of, model.source_key, draws, seed)
        full = run_cache.cached("simulation", key, lambda: _simulate_all(model, draws, seed))
    else:
        full = _simulate_all(model, draws, seed)
    return YearsSimulation(model.region, model.boundary, years, draws, seed,
                           {m: {k: v[columns] for k, v in full.point[m].items()} for m in methods},
                           {m: {k: v[:, columns] for k, v in full.samples[m].items()} for m in methods})


def _simulate_all(model: DigitalModel, draws: int, seed: int, methods: list[str] | None = None) -> YearsSimulation:
    """Every method (or ``methods``) in every account year (the draws do not depend on which are kept)."""
    methods = list(methods or METHODS)
    inputs = _simulated(model)
    rng = np.random.default_rng(seed)
    point = _quantities(inputs, model.calibration.arrays(), None, model.gap_points(inputs.years), methods)
    point = {m: {k: v[0] for k, v in q.items()} for m, q in point.items()}
    parts: list[dict[str, dict[str, np.ndarray]]] = []
    for start in range(0, draws, CHUNK):
        n = min(CHUNK, draws - start)
        params = draw_parameters(model, n, rng)
        va = None if inputs.region == "vn" else draw_accounts(inputs, n, rng, model.errors)
        gaps = draw_gaps(model, params, va, rng, n, inputs)
        parts.append(_quantities(inputs, params, va, gaps, methods))
    samples = {m: {k: np.concatenate([p[m][k] for p in parts]) for k in point[m]} for m in methods}
    return YearsSimulation(model.region, model.boundary, inputs.years, draws, seed, point, samples)


def _simulated(model: DigitalModel) -> AccountInputs:
    """The account years the Monte Carlo covers (from :data:`SIMULATED_FROM`)."""
    return model.accounts.subset([y for y in model.accounts.years if y >= SIMULATED_FROM])


def simulate(model: DigitalModel, year: int, draws: int = 100_000, seed: int = 0,
             methods: list[str] | None = None) -> Simulation:
    """Simulate every method's share and components for one year of the model's region.

    The gaps are re-estimated in every draw on all the region's account years (see the module
    docstring); only ``year`` is returned.

    Parameters
    ----------
    model
        A built model.
    year
        A year of the region's accounts.
    draws
        Number of Monte Carlo draws.
    seed
        Seed of the random generator.
    methods
        Methods to simulate (default: all).

    Returns
    -------
    Simulation

    Raises
    ------
    KeyError
        For a year without accounts (naming the years available).
    """
    model.accounts.index(year)
    return simulate_years(model, [year], draws, seed, methods).year(year)
