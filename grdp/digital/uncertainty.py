"""Monte Carlo uncertainty of every method's share and components, vectorised over draws.

Each draw takes

* every calibrated parameter from the Laplace approximation of its stage's calibration
  (multivariate normal truncated to the parameters' ranges, see :mod:`grdp.digital.calibration`);
  stages are drawn independently (the dependence of regional on national parameters is ignored,
  which widens rather than narrows the intervals);
* every parameter that no published figure calibrates from a triangular distribution over its range
  (low, centre, high), e.g. the OECD-ICT share of division 26;
* the region's account cells of the year: an imputed cell is multiplied by ``exp(s z - s^2 / 2)``,
  ``z`` standard normal, ``s`` = ``accounts.imputed_cell_sd`` (``accounts.derived_cell_sd`` for a cell
  derived from a published share; published cells are fixed), and the imputed cells of each broad
  sector (A, B-F, G-U) are then rescaled so their sum is unchanged (published margins then hold up
  to the small noise of the derived cells).

Every method is evaluated on the same draws, so differences between methods are consistent. Intervals
are percentiles of the draws. The generator is ``numpy.random.default_rng(seed)``, so a seed gives the
same draws byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from grdp.digital.coefficients import coefficients
from grdp.digital.inputs import AccountInputs
from grdp.digital.methods import METHODS
from grdp.digital.model import DigitalModel
from grdp.digital.spine import Params, evaluate

CHUNK = 25_000
"""Draws evaluated at once (bounds memory at about 50 MB whatever the number of draws)."""


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


def draw_accounts(inputs: AccountInputs, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` versions of a one-year account's value added, shape ``(n, 1, sections)``."""
    coefs = coefficients()
    sd = np.select([inputs.quality[0] == "imputed", inputs.quality[0] == "derived"],
                   [coefs["accounts.imputed_cell_sd"].centre, coefs["accounts.derived_cell_sd"].centre], 0.0)
    va = inputs.va[0] * np.exp(sd * rng.standard_normal((n, len(inputs.sections))) - sd ** 2 / 2)
    imputed = inputs.quality[0] == "imputed"
    groups = np.array(inputs.broad_group())
    for group in np.unique(groups):
        cells = imputed & (groups == group)
        if cells.any():
            va[:, cells] *= inputs.va[0, cells].sum() / va[:, cells].sum(axis=1, keepdims=True)
    return va[:, None, :]


def _quantities(model: DigitalModel, inputs: AccountInputs, params: Params, va: np.ndarray | None,
                methods: list[str]) -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for name in methods:
        spec = METHODS[name]
        blocks = evaluate(spec.config, params, inputs, va)
        grdp = blocks.denominator[:, 0]
        values = {"total": blocks.share()[:, 0]}
        for block, label in spec.components.items():
            values[label] = 100 * getattr(blocks, block)[:, 0].sum(axis=1) / grdp
        out[name] = values
    return out


def simulate(model: DigitalModel, year: int, draws: int = 100_000, seed: int = 0,
             methods: list[str] | None = None) -> Simulation:
    """Simulate every method's share and components for one year of the model's region.

    Parameters
    ----------
    model
        A calibrated model.
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
    """
    methods = list(methods or METHODS)
    inputs = model.accounts.only(year)
    rng = np.random.default_rng(seed)
    point = {m: {k: float(v[0]) for k, v in q.items()}
             for m, q in _quantities(model, inputs, model.calibration.arrays(), None, methods).items()}
    parts: list[dict[str, dict[str, np.ndarray]]] = []
    for start in range(0, draws, CHUNK):
        n = min(CHUNK, draws - start)
        params = draw_parameters(model, n, rng)
        va = None if inputs.region == "vn" else draw_accounts(inputs, n, rng)
        parts.append(_quantities(model, inputs, params, va, methods))
    samples = {m: {k: np.concatenate([p[m][k] for p in parts]) for k in point[m]} for m in methods}
    return Simulation(model.region, year, draws, seed, point, samples)
