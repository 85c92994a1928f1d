"""Fit the city-specific gap of each method family to a region's published benchmark series.

For the families with a regional switch (``gso``: the GSO method and the OECD tiers; ``mic``), the
indicator is the method evaluated with national coefficients on the region's accounts and no
regional factor; its log ratio to the published shares of the years with accounts is the observed
gap (:mod:`grdp.digital.gap`). The innovation variance is estimated once for the region, pooled
over both families; the prior and the published-figure noise are stated in the module docstring of
:mod:`grdp.digital.gap`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from grdp.digital import gso, mic
from grdp.digital.account_arrays import AccountInputs
from grdp.digital.coefficients import coefficients
from grdp.digital.gap import GapModel, GapPosterior, estimate_q, prior_from_range
from grdp.digital.published import Benchmark
from grdp.digital.spine import Config, Params, evaluate

FAMILIES: dict[str, tuple[Config, str]] = {"gso": (gso.METHOD.config, "region.gso_intensity"),
                                           "mic": (mic.METHOD.config, "region.mic_allocation")}
"""Method family -> (its configuration, the coefficient whose range is the gap's prior)."""


@dataclass(frozen=True)
class GapFit:
    """The gap of one family for one region: model, posterior over the account years, observed log ratios."""

    family: str
    model: GapModel
    posterior: GapPosterior
    observed: tuple[int, ...]
    benchmark: np.ndarray
    """Published shares of the observed years (percent)."""
    z: np.ndarray
    """Observed log ratios at the point indicator."""

    @property
    def calibrated(self) -> bool:
        """Whether any published figure conditions the gap (otherwise the prior is all there is)."""
        return bool(self.observed)

    def point(self, years: tuple[int, ...]) -> np.ndarray:
        """Posterior mean of the gap in ``years`` (a subset of the account years), shape ``(1, years)``."""
        mean = self.posterior.mean(self.z)
        return mean[[self.posterior.years.index(y) for y in years]][None, :]


def indicator(config: Config, params: Params, inputs: AccountInputs, va: np.ndarray | None = None) -> np.ndarray:
    """The method's share with no regional factor (national coefficients on the region's accounts),
    shape ``(n, years)``."""
    return evaluate(replace(config, regional="none"), params, inputs, va).share()


def fit_gaps(inputs: AccountInputs, params: Params, benchmarks: dict[str, Benchmark], r: float) -> dict[str, GapFit]:
    """Fit the gap of every family (:data:`FAMILIES`) of a region.

    Parameters
    ----------
    inputs
        The region's account inputs.
    params
        Calibrated parameters (length-1 arrays).
    benchmarks
        Published series by family (``gso``, ``mic``), as selected at the model's as-of date.
    r
        Variance of the published-figure error (log scale).
    """
    coefs = coefficients()
    pieces = {}
    for family, (config, prior_name) in FAMILIES.items():
        c = coefs[prior_name]
        m0, p0 = prior_from_range(c.low, c.centre, c.high)
        bench = benchmarks.get(family)
        observed = tuple(y for y in (bench.years if bench is not None else []) if y in inputs.years)
        values = np.array([bench.value(y) for y in observed]) if bench is not None else np.zeros(0)
        point = indicator(config, params, inputs)[0]
        z = np.log(values) - np.log(point[[inputs.index(y) for y in observed]])
        pieces[family] = (observed, values, z, m0, p0)
    innovation = coefs["gap.innovation_sd"]
    p0_all = max(p0 for _, _, _, _, p0 in pieces.values())
    q, basis = estimate_q([(list(obs), z, m0) for obs, _, z, m0, _ in pieces.values()], p0_all, r,
                          (innovation.low, innovation.high))
    out = {}
    for family, (observed, values, z, m0, p0) in pieces.items():
        model = GapModel(q, p0, m0, r, basis)
        out[family] = GapFit(family, model, model.posterior(inputs.years, observed), observed, values, z)
    return out
