"""The headline cells of one region on its own accounts: the published figure where one exists, else grdp's
estimate, for every method and year (:mod:`grdp.digital.headline` states the rule and adds the merged city, the sum
of its parts in :mod:`grdp.digital.parts`).

grdp's estimate of a region and definition the measurement model covers (the nation and the former city under the
GSO, MIC and HIDS definitions) is that model's (:mod:`grdp.digital.measurement`); of any other (Binh Duong, Ba
Ria-Vung Tau, the OECD tiers, the nation's HIDS-method share) the structural model on the region's accounts with the
prior of the city-specific gap: *uncalibrated* or *not validated*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts import AccountsError
from grdp.base import estimate_kinds as kinds
from grdp.base import run_cache
from grdp.digital import figure_error, measurement
from grdp.digital.coefficient_calibration import CalibrationError
from grdp.digital.measured_errors import measure
from grdp.digital.model import DigitalModel, build
from grdp.digital.published import INSTITUTIONS, Benchmark, benchmark, describe, share_rows
from grdp.digital.registry import METHODS
from grdp.digital.uncertainty import YearsSimulation, simulate_years

DEFAULT_DRAWS = 20_000
"""Draws behind the intervals (the notebooks' default, so that a run computes them once)."""
VALIDATION_DRAWS = 1_000
"""Monte Carlo draws of the model at each out-of-time check."""
REGION_NAMES = {"hcmc": "HCMC", "binh_duong": "Binh Duong", "ba_ria_vung_tau": "Ba Ria-Vung Tau", "vn": "Vietnam"}
NOT_IDENTIFIED = {
    "oecd-narrow": ("the platform block is separated from MIC's sectoral block only by a red-rated provisional split "
                    "(Q3/2022) that the calibration does not reproduce; their posterior correlation is about -0.97, "
                    "so no data identify the platform component on its own"),
}


@dataclass
class Cell:
    """One method and year: the kind of figure (:mod:`grdp.base.estimate_kinds`), headline value, the draws behind
    the interval, and provenance."""

    method: str
    year: int
    kind: str
    value: float = float("nan")
    samples: np.ndarray | None = None
    basis: str = ""
    bridged_from_year: int | None = None
    release: str = ""
    rating: str = ""
    source_id: str = ""
    url: str = ""
    reason: str = ""

    @property
    def status(self) -> str:
        """``published``, ``estimate`` or ``not_supported``: the status of the cell's kind."""
        return kinds.status_of(self.kind)


def _name(region: str) -> str:
    return REGION_NAMES.get(region, region)


def published_cell(method: str, year: int, row: pd.Series, sigma: float, draws: int, seed: int,
                   model: DigitalModel | None) -> Cell:
    """A published figure as the headline: its value, release and rating, and draws of its own error.

    The error is the measurement model's (:func:`grdp.digital.figure_error.measurement_sd`): the error of published
    figures measured from their revisions (``sigma``) and the figure's stated range (its rounding and the margin of
    its rating, :func:`grdp.digital.figure_error.relative_margin`) taken as its 90% range, log-normal:
    ``v exp(s Z)``, ``s = sqrt(sigma^2 + (-ln(1 - r) / z_0.95)^2)``.
    """
    note = ""
    if model is not None and year not in model.accounts.years:
        note = f"; no sector account for {year}: shown, not fitted"
    value, rating = float(row["value"]), str(row["rating"])
    margin = figure_error.relative_margin(value, rating)
    rng = _rng(seed, method, year)
    spread = figure_error.measurement_sd(value, rating, sigma)
    samples = value * np.exp(spread * rng.standard_normal(draws))
    return Cell(method, year, kinds.PUBLISHED, value, samples,
                describe(row, method) + f"; range: its stated range ({100 * margin:.1f}%: rounding and the margin of "
                f"a {rating} rating) as its 90% range and the error of published figures ({100 * sigma:.1f}%, from "
                f"their revisions){note}", None, str(row["release"]), rating, str(row["source_id"]), str(row["url"]))


def _gap_kind(method: str, model: DigitalModel) -> str:
    """``calibrated`` where the region's own evidence conditions the method's gap, else ``uncalibrated``."""
    fit = model.gaps.get(METHODS[method].config.regional)
    return kinds.CALIBRATED if fit is not None and fit.calibrated else kinds.UNCALIBRATED


def _uncalibrated_basis(method: str, region: str, model: DigitalModel) -> str:
    family = METHODS[method].config.regional
    fit = model.gaps.get(family)
    if fit is not None and fit.calibrated:
        return (f"grdp estimate: national coefficients on {_name(region)}'s sector accounts times its city-specific "
                f"gap, conditioned on its own evidence ({'; '.join(fit.evidence)})")
    if family in model.gaps:
        return (f"grdp estimate, uncalibrated: no {INSTITUTIONS.get(method, method)}-method figure is published for "
                f"{_name(region)}; national coefficients on its sector accounts times the prior of the city-specific "
                f"gap (stated range of the regional intensity)")
    return (f"grdp estimate, uncalibrated: no {INSTITUTIONS.get(method, method)} figure is published for "
            f"{_name(region)}; the method's scope on its sector accounts with the stated range of its coefficients")


def _rng(seed: int, method: str, year: int) -> np.random.Generator:
    """A generator of its own for every cell, so a cell's draws do not depend on which others are made."""
    return np.random.default_rng([seed, list(METHODS).index(method), year])


@dataclass
class _Context:
    """What every cell of one region's table needs: the structural model and its simulation."""

    region: str
    boundary: str
    as_of: str
    draws: int
    seed: int
    model: DigitalModel | None
    failure: str
    account_years: list[int]
    sim: YearsSimulation | None

    @property
    def last_account(self) -> int | None:
        return max(self.model.accounts.years) if self.model is not None else None

    def no_account(self, year: int) -> str:
        return (f"no sector account for {_name(self.region)} ({self.boundary} boundary) in {year}"
                + (f": {self.failure}" if self.failure else f" (last: {self.last_account})"))

    def model_point(self, method: str, year: int) -> tuple[float, np.ndarray] | None:
        if self.sim is None or year not in self.account_years:
            return None
        column = self.account_years.index(year)
        return float(self.sim.point[method]["total"][column]), self.sim.samples[method]["total"][:, column]


def _unpublished_cell(ctx: _Context, method: str, year: int) -> Cell:
    """A method no institution publishes, or a region without any figure of the method: the model."""
    spec = METHODS[method]
    found = ctx.model_point(method, year)
    last = ctx.last_account
    if ctx.model is None or (found is None and not (last is not None and year > last and last in ctx.account_years)):
        return Cell(method, year, kinds.NOT_SUPPORTED, reason=ctx.no_account(year))
    kind = _gap_kind(method, ctx.model) if spec.published is not None else kinds.NOT_VALIDATED
    basis = _uncalibrated_basis(method, ctx.region, ctx.model) if kind != kinds.NOT_VALIDATED else (
        f"grdp model, not validated: no institution publishes the {spec.title}; the tier on "
        f"{_name(ctx.region)}'s sector accounts times the GSO-method "
        f"{'national' if ctx.region == 'vn' else 'city-specific'} gap")
    if found is None:
        assert last is not None
        value, draws = ctx.model_point(method, last) or (np.nan, np.zeros(0))
        q = next(iter(ctx.model.gaps.values())).model.q if ctx.model.gaps else 0.0
        draws = draws * np.exp(np.sqrt(q * (year - last)) * _rng(ctx.seed, method, year).standard_normal(len(draws)))
        basis += (f"; {year} is after the last sector account ({last}): the {last} estimate carried, its "
                  f"interval widened by the gap's yearly innovation ({100 * np.sqrt(q):.1f}% a year)")
        return Cell(method, year, kind, value, draws, basis)
    return Cell(method, year, kind, found[0], found[1], basis)


def _measured_cell(ctx: _Context, fitted: measurement.MeasurementFit, method: str, year: int,
                  bench: Benchmark) -> Cell:
    """A year without a published figure, of a region and definition the measurement model covers."""
    region = ctx.region
    counted = sum(1 for m in fitted.measurements if m.region == region and m.method == method)
    nearest = min(bench.years, key=lambda y: (abs(y - year), y)) if len(bench) else None
    rests = (f"{counted} published {INSTITUTIONS.get(method, method)} figure(s) of {_name(region)}"
             + (f", the nearest {nearest} ({bench.value(nearest):.2f})" if nearest is not None else "")
             + f", {len(fitted.measurements) - counted} other published figure(s) of "
             + ("the nation" if region == "vn" else "the nation and the city under the other definitions"))
    if region != "vn":
        rests += (f", and the structural indicator of the city's sector accounts ({len(fitted.indicator)} "
                  "definition-years)")
    basis = (f"grdp estimate: the measurement model (latent shares in logs as random walks, every published figure a "
             f"measurement of its cell; grdp.digital.measurement), resting on {rests}")
    last = ctx.last_account
    if last is not None and year > last:
        basis += f"; {year} is after the last sector account ({last})"
    samples = fitted.draws(region, method, year, ctx.draws, ctx.seed)
    return Cell(method, year, kinds.MODEL, fitted.point(region, method, year), samples, basis, nearest)


def _cells(region: str, boundary: str, releases: src.Releases, methods: list[str], draws: int,
           seed: int) -> dict[tuple[str, int], Cell]:
    as_of = str(releases.as_of)
    years = measurement.ended_years(as_of)
    try:
        model: DigitalModel | None = build(region, boundary, releases)
        failure = ""
    except (AccountsError, CalibrationError) as exc:
        model, failure = None, " ".join(str(exc).split())
    account_years = [y for y in years if model is not None and y in model.accounts.years]
    sim = simulate_years(model, account_years, draws, seed) if model is not None and account_years else None
    ctx = _Context(region, boundary, as_of, draws, seed, model, failure, account_years, sim)
    published_sd = (model.errors if model is not None else measure(releases)).sd["published"]
    covered = measurement.REGIONS.get(region) == boundary
    fitted = (measurement.fit(region, releases, years, published_sd, model if region != "vn" else None)
              if covered else None)
    cells: dict[tuple[str, int], Cell] = {}
    shares = share_rows(releases)
    for method in methods:
        bench = benchmark(shares, region, boundary, method)
        for year in years:
            row = bench.row(year)
            if row is not None:
                cells[(method, year)] = published_cell(method, year, row, published_sd, draws, seed, model)
            elif method in NOT_IDENTIFIED:
                cells[(method, year)] = Cell(method, year, kinds.NOT_SUPPORTED, reason=NOT_IDENTIFIED[method])
            elif fitted is not None and method in fitted.families(region):
                cells[(method, year)] = _measured_cell(ctx, fitted, method, year, bench)
            else:
                cells[(method, year)] = _unpublished_cell(ctx, method, year)
    return cells


def region_cells(region: str, boundary: str, releases: src.Releases, methods: list[str],
                 draws: int = DEFAULT_DRAWS, seed: int = 0) -> dict[tuple[str, int], Cell]:
    """Every method and year of one region's headline cells with their draws, cached once per run.

    The draws of a cell do not depend on which other methods are asked for, so every method is computed
    and ``methods`` (known method names) only selects.
    """
    key = (region, boundary, releases.as_of, releases.key, draws, seed)
    found = run_cache.cached("headline", key, lambda: _cells(region, boundary, releases, list(METHODS), draws, seed))
    return {k: c for k, c in found.items() if k[0] in methods}
