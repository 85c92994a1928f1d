"""Fit the city-specific gap of each method family to a region's own evidence.

For the families with a regional switch (``gso``: the GSO method and the OECD tiers; ``mic``), the
indicator is the method evaluated with national coefficients on the region's accounts and no
regional factor; its log ratio to the region's published shares of the years with accounts is the observed
gap (:mod:`grdp.digital.gap`), each figure with its own error (:func:`grdp.digital.figure_error.measurement_sd`).
Where published rankings bound a share the region has no figure for (:mod:`grdp.digital.part_evidence`), the
bounds are one more observation: the mean of the log share uniform on them, with its variance.
The innovation variance is estimated once for the region, pooled over both families.

**A family without evidence of its own takes its prior from the other family's.** The indicator's error on a
region's accounts comes mostly from the national coefficients that both definitions share (for a province, how much
of its manufacturing is electronics); MIC's revenue-based scope adds revenue booked at head offices. So where one
family is observed and the other is not, the unobserved family's gap at the anchor year is the observed family's
posterior there times a link ``exp(l)``, ``l`` uniform on the stated range of ``region.gso_mic_gap_ratio``
(``grdp/data/digital_coefficients.csv``, derived from the former city, the one region with both definitions
published)::

    g_other(a) ~ N(mean_g(a), var_g(a) + var_l)

Without any evidence the prior of the coefficient file is all there is (an *uncalibrated* estimate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from grdp.digital import gso, mic
from grdp.digital.account_arrays import AccountInputs
from grdp.digital.coefficients import Coefficient, coefficients
from grdp.digital.figure_error import measurement_sd
from grdp.digital.gap import ANCHOR_YEAR, GapModel, GapPosterior, estimate_q, prior_from_range
from grdp.digital.part_evidence import ShareBounds
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
    evidence: tuple[str, ...] = ()
    """The region's own evidence behind the gap, in words: its published figures, the bounds published rankings put
    on its share, or the other family's evidence its prior is linked to; empty where the prior is all there is."""

    @property
    def calibrated(self) -> bool:
        """Whether any evidence of the region's own conditions the gap (otherwise the prior is all there is)."""
        return bool(self.evidence)

    def point(self, years: tuple[int, ...]) -> np.ndarray:
        """Posterior mean of the gap in ``years`` (a subset of the account years), shape ``(1, years)``."""
        mean = self.posterior.mean(self.z)
        return mean[[self.posterior.years.index(y) for y in years]][None, :]


class _Observed(NamedTuple):
    """One family's evidence before the fit: observed years, values, error variances of their logs, log ratios to
    the indicator, the prior ``N(m0, p0)`` and the evidence in words."""

    years: tuple[int, ...]
    values: np.ndarray
    variances: np.ndarray
    z: np.ndarray
    m0: float
    p0: float
    evidence: tuple[str, ...]


def indicator(config: Config, params: Params, inputs: AccountInputs, va: np.ndarray | None = None) -> np.ndarray:
    """The method's share with no regional factor (national coefficients on the region's accounts),
    shape ``(n, years)``."""
    return evaluate(replace(config, regional="none"), params, inputs, va).share()


def fit_gaps(inputs: AccountInputs, params: Params, benchmarks: dict[str, Benchmark], r: float,
             bounds: dict[str, list[ShareBounds]] | None = None) -> dict[str, GapFit]:
    """Fit the gap of every family (:data:`FAMILIES`) of a region (module docstring).

    Parameters
    ----------
    inputs
        The region's account inputs.
    params
        Calibrated parameters (length-1 arrays).
    benchmarks
        Published series by family (``gso``, ``mic``), as selected at the model's as-of date.
    r
        Variance of the published-figure error measured from revisions (log scale).
    bounds
        Bounds that published rankings put on the region's share, by family (years with a published figure of the
        family are left to the figure).
    """
    coefs = coefficients()
    bounds = bounds or {}
    pieces: dict[str, _Observed] = {}
    for family, (config, prior_name) in FAMILIES.items():
        c = coefs[prior_name]
        m0, p0 = prior_from_range(c.low, c.centre, c.high)
        bench = benchmarks.get(family)
        figures: dict[int, tuple[float, float, str]] = {}  # year -> (value, error variance of its log, in words)
        rows = [bench.row(y) for y in bench.years] if bench is not None else []
        for row in rows:
            if row is None or int(row["year"]) not in inputs.years:
                continue
            year, value, rating = int(row["year"]), float(row["value"]), str(row["rating"])
            figures[year] = (value, measurement_sd(value, rating, np.sqrt(r)) ** 2,
                             f"{value:.2f}% published for {year} ({row['publisher']}, {row['release']}, {rating})")
        for b in bounds.get(family, []):
            if b.year in inputs.years and b.year not in figures:
                figures[b.year] = (float(np.exp(b.log_mean)), b.log_variance + r,
                                   f"{b.year} between {b.low:.2f}% and {b.high:.2f}%: {b.evidence}")
        observed = tuple(sorted(figures))
        values = np.array([figures[y][0] for y in observed])
        variances = np.array([figures[y][1] for y in observed])
        point = indicator(config, params, inputs)[0]
        z = np.log(values) - np.log(point[[inputs.index(y) for y in observed]])
        pieces[family] = _Observed(observed, values, variances, z, m0, p0, tuple(figures[y][2] for y in observed))
    innovation = coefs["gap.innovation_sd"]
    p0_all = max(piece.p0 for piece in pieces.values())
    q, basis = estimate_q([(list(p.years), p.z, p.m0, p.variances) for p in pieces.values()], p0_all, r,
                          (innovation.low, innovation.high))
    out = {}
    for family, p in pieces.items():
        model = GapModel(q, p.p0, p.m0, r, basis)
        out[family] = GapFit(family, model, model.posterior(inputs.years, p.years, p.variances), p.years, p.values,
                             p.z, p.evidence)
    return _linked(out, inputs, coefs["region.gso_mic_gap_ratio"])


def _linked(fits: dict[str, GapFit], inputs: AccountInputs, link: Coefficient) -> dict[str, GapFit]:
    """Give a family without evidence the prior of the other family's posterior at the anchor (module docstring)."""
    m_link, p_link = prior_from_range(link.low, link.centre, link.high)
    out = dict(fits)
    for family, fit in fits.items():
        others = [f for f in fits.values() if f.family != family and f.observed]
        if fit.observed or len(others) != 1:
            continue
        other = others[0]
        anchor = other.posterior.years.index(ANCHOR_YEAR) if ANCHOR_YEAR in other.posterior.years else None
        if anchor is None:
            continue
        mean = float(other.posterior.mean(other.z)[anchor]) + m_link
        variance = float(other.posterior.cov[anchor, anchor]) + p_link
        model = GapModel(fit.model.q, variance, mean, fit.model.r, fit.model.q_basis)
        evidence = (f"no {family.upper()}-method figure: the gap's prior is the {other.family.upper()}-method gap of "
                    f"{ANCHOR_YEAR} ({np.exp(mean - m_link):.2f} times national intensity, from "
                    f"{'; '.join(other.evidence)}) times the link of the two definitions' gaps "
                    f"(region.gso_mic_gap_ratio, {link.low:.2f} to {link.high:.2f})",)
        out[family] = GapFit(family, model, model.posterior(inputs.years, ()), (), np.zeros(0), np.zeros(0), evidence)
    return out
