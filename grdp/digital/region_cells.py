"""The headline cells of one region on its own accounts: the published figure where one exists, else grdp's
estimate, for every method and year (:mod:`grdp.digital.headline` states the rule and adds the merged city, the sum
of its parts in :mod:`grdp.digital.parts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts import AccountsError
from grdp.base import estimate_kinds as kinds
from grdp.base import run_cache
from grdp.digital.coefficient_calibration import CalibrationError
from grdp.digital.estimators import LABELS, Information, Point, lognormal, point
from grdp.digital.measured_errors import measure
from grdp.digital.model import DigitalModel, build
from grdp.digital.published import INSTITUTIONS, Benchmark, benchmark, describe, share_rows
from grdp.digital.registry import METHODS
from grdp.digital.uncertainty import YearsSimulation, simulate_years
from grdp.digital.validation import Validation, out_of_time, ranking

FIRST_YEAR = 2020
"""First year of the headline table (the first year any institution published a share for HCMC)."""
DEFAULT_DRAWS = 20_000
"""Draws behind the intervals (the notebooks' default, so that a run computes them once)."""
VALIDATION_DRAWS = 1_000
"""Monte Carlo draws of the model at each out-of-time check."""
VALIDATION_LEVEL = 0.9
"""Level of the validation's coverage; the choice of estimator and the rivals' sigma do not depend on it."""
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


def ended_years(as_of: str | date) -> list[int]:
    """Years from :data:`FIRST_YEAR` to the last one that has ended by ``as_of`` (on or after its 31 December)."""
    when = date.fromisoformat(str(as_of))
    last = when.year if (when.month, when.day) == (12, 31) else when.year - 1
    return list(range(FIRST_YEAR, last + 1))


def _name(region: str) -> str:
    return REGION_NAMES.get(region, region)


def published_cell(method: str, year: int, row: pd.Series, sigma: float, draws: int, seed: int,
                   model: DigitalModel | None) -> Cell:
    """A published figure as the headline: its value, release and rating, and draws of its own error."""
    note = ""
    if model is not None and year not in model.accounts.years:
        note = f"; no sector account for {year}: shown, not fitted"
    return Cell(method, year, kinds.PUBLISHED, float(row["value"]),
                lognormal(float(row["value"]), sigma, draws, _rng(seed, method, year)),
                describe(row, method) + f"; range: the error of published figures ({100 * sigma:.1f}%, from their "
                f"revisions){note}", None, str(row["release"]), str(row["rating"]), str(row["source_id"]),
                str(row["url"]))


def _uncalibrated_basis(method: str, region: str, model: DigitalModel) -> str:
    family = METHODS[method].config.regional
    if family in model.gaps:
        return (f"grdp estimate, uncalibrated: no {INSTITUTIONS.get(method, method)}-method figure is published for "
                f"{_name(region)}; national coefficients on its sector accounts times the prior of the city-specific "
                f"gap (stated range of the regional intensity)")
    return (f"grdp estimate, uncalibrated: no {INSTITUTIONS.get(method, method)} figure is published for "
            f"{_name(region)}; the method's scope on its sector accounts with the stated range of its coefficients")


def _rival_basis(method: str, region: str, p: Point, bench: Benchmark, reason: str, sigma_basis: str) -> str:
    source = p.bridged_from_year
    figure = f"{INSTITUTIONS.get(method, method)}'s {source} {_name(region)} figure {bench.value(source):.2f}"
    if p.estimator == "model":
        text = (f"grdp estimate: {figure} moved by the indicator (the model's share with national coefficients on "
                f"the city's accounts) {source}->{p.year}, times the city-specific gap carried as a random walk")
    elif p.estimator == "carried":
        text = f"grdp estimate: {figure} carried to {p.year}"
    elif p.estimator == "line":
        text = f"grdp estimate: {p.detail}, at {p.year} (nearest published: {figure})"
    else:
        text = f"grdp estimate: {figure} moved with the national figure of the same institution: {p.detail}"
    text += f"; {LABELS[p.asked]} is chosen out of time ({reason})"
    if p.fell_back:
        text += f"; it cannot be computed for {p.year}, so {LABELS[p.estimator]} is used"
    if p.estimator != "model":
        text += f"; interval: {sigma_basis}, over {p.horizon:g} year(s)"
    return text


def _rng(seed: int, method: str, year: int) -> np.random.Generator:
    """A generator of its own for every cell, so a cell's draws do not depend on which others are made."""
    return np.random.default_rng([seed, list(METHODS).index(method), year])


@dataclass
class _Context:
    """What every cell of one region's table needs: the model, its simulation and the validation."""

    region: str
    boundary: str
    as_of: str
    draws: int
    seed: int
    model: DigitalModel | None
    failure: str
    account_years: list[int]
    sim: YearsSimulation | None
    validation: Validation

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
    kind = kinds.UNCALIBRATED if spec.published is not None else kinds.NOT_VALIDATED
    basis = _uncalibrated_basis(method, ctx.region, ctx.model) if kind == kinds.UNCALIBRATED else (
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


def _estimated_cell(ctx: _Context, method: str, year: int, info: Information, order: list[str], reason: str) -> Cell:
    """A year without a published figure of a series that has some: the estimator chosen out of time."""
    found = ctx.model_point(method, year)
    p = point(info, year, order[0], found[0] if found is not None else None)
    if p is None:
        return Cell(method, year, kinds.NOT_SUPPORTED, reason=ctx.no_account(year))
    if p.estimator == "model" and found is not None:
        samples, sigma_basis = found[1], ""
    else:
        sigma, sigma_basis = ctx.validation.sigma[(method, p.estimator)]
        samples = lognormal(p.value, sigma * np.sqrt(max(p.horizon, 1.0)), ctx.draws, _rng(ctx.seed, method, year))
    basis = _rival_basis(method, ctx.region, p, info.benchmark, reason, sigma_basis)
    last = ctx.last_account
    if last is not None and year > last:
        basis += f"; {year} is after the last sector account ({last})"
    return Cell(method, year, p.estimator, p.value, samples, basis, p.bridged_from_year)


def _cells(region: str, boundary: str, releases: src.Releases, methods: list[str], draws: int,
           seed: int) -> dict[tuple[str, int], Cell]:
    as_of = str(releases.as_of)
    years = ended_years(as_of)
    try:
        model: DigitalModel | None = build(region, boundary, releases)
        failure = ""
    except (AccountsError, CalibrationError) as exc:
        model, failure = None, " ".join(str(exc).split())
    account_years = [y for y in years if model is not None and y in model.accounts.years]
    sim = simulate_years(model, account_years, draws, seed) if model is not None and account_years else None
    ctx = _Context(region, boundary, as_of, draws, seed, model, failure, account_years, sim,
                   out_of_time(releases, VALIDATION_LEVEL, VALIDATION_DRAWS, seed))
    published_sd = (model.errors if model is not None else measure(releases)).sd["published"]
    cells: dict[tuple[str, int], Cell] = {}
    shares = share_rows(releases)
    for method in methods:
        bench = benchmark(shares, region, boundary, method)
        national = None if region == "vn" else benchmark(shares, "vn", "national", method)
        info = Information(bench, national, tuple(account_years))
        order, reason = ranking(ctx.validation.table, region, method)
        for year in years:
            row = bench.row(year)
            if row is not None:
                cells[(method, year)] = published_cell(method, year, row, published_sd, draws, seed, model)
            elif method in NOT_IDENTIFIED:
                cells[(method, year)] = Cell(method, year, kinds.NOT_SUPPORTED, reason=NOT_IDENTIFIED[method])
            elif METHODS[method].published is None or not len(bench):
                cells[(method, year)] = _unpublished_cell(ctx, method, year)
            else:
                cells[(method, year)] = _estimated_cell(ctx, method, year, info, order, reason)
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
