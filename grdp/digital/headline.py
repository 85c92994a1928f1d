"""The headline share of each definition and year: the published figure where one exists, else grdp's estimate.

:func:`share_table` is the one table the reports and the target assessment read. For a region,
boundary and vintage date it has one row per method (definition) and year, for every year from
2020 to the last year that **has ended** by the as-of date (a year has ended when ``as_of`` is on or
after its 31 December), with ``status``:

* ``published``: an institution published a figure for that region and year; it is the headline,
  with its release and rating, whatever grdp's model says (the model's value appears only in the
  reproduction table). ``lower`` and ``upper`` bound the published figure's own error, measured
  from the revisions of published figures (:mod:`grdp.digital.measured_errors`);
* ``estimate``: grdp's estimate, by the estimator the out-of-time validation chose for that region
  and definition (:mod:`grdp.digital.validation`), saying which published figure it is bridged from
  and what moves it; its interval is the model's Monte Carlo interval, or for a rival
  ``value x exp(+-z sigma sqrt(h))`` with sigma measured out of time. For a region without any
  published figure of the definition (Binh Duong, Ba Ria-Vung Tau), the model with the prior of the
  city-specific gap: labelled *uncalibrated*;
* ``not_supported``: no figure can be given, and ``reason`` says why (a component split that no
  data identify: the OECD narrow tier, whose platform block is separated from the sectoral block
  only by a red-rated split; or a year without sector accounts and without a published figure).

The merged city (``boundary="merged"``) is the sum of its parts (:mod:`grdp.digital.parts`), unless a
figure was published for the merged boundary, which is then its headline.
:func:`share_samples` returns the draws behind ``lower`` and ``upper``, for the target assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts import AccountsError
from grdp.digital import cache
from grdp.digital.calibration import CalibrationError
from grdp.digital.estimators import LABELS, Information, Point, lognormal, point
from grdp.digital.measured_errors import measure
from grdp.digital.methods import METHODS
from grdp.digital.model import DigitalModel, build
from grdp.digital.published import INSTITUTIONS, Benchmark, benchmark, describe, share_rows
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
COLUMNS = ["region", "boundary", "method", "year", "status", "value", "lower", "upper", "level", "basis",
           "bridged_from_year", "release", "rating", "source_id", "url", "reason"]
REGION_NAMES = {"hcmc": "HCMC", "binh_duong": "Binh Duong", "ba_ria_vung_tau": "Ba Ria-Vung Tau", "vn": "Vietnam"}
NOT_IDENTIFIED = {
    "oecd-narrow": ("the platform block is separated from MIC's sectoral block only by a red-rated provisional split "
                    "(Q3/2022) that the calibration does not reproduce; their posterior correlation is about -0.97, "
                    "so no data identify the platform component on its own"),
}


@dataclass
class Cell:
    """One method and year: status, headline value, the draws behind the interval, and provenance."""

    method: str
    year: int
    status: str
    value: float = float("nan")
    samples: np.ndarray | None = None
    basis: str = ""
    bridged_from_year: int | None = None
    release: str = ""
    rating: str = ""
    source_id: str = ""
    url: str = ""
    reason: str = ""


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
    return Cell(method, year, "published", float(row["value"]),
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
        return Cell(method, year, "not_supported", reason=ctx.no_account(year))
    basis = _uncalibrated_basis(method, ctx.region, ctx.model) if spec.published is not None else (
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
        return Cell(method, year, "estimate", value, draws, basis)
    return Cell(method, year, "estimate", found[0], found[1], basis)


def _estimated_cell(ctx: _Context, method: str, year: int, info: Information, order: list[str], reason: str) -> Cell:
    """A year without a published figure of a series that has some: the estimator chosen out of time."""
    found = ctx.model_point(method, year)
    p = point(info, year, order[0], found[0] if found is not None else None)
    if p is None:
        return Cell(method, year, "not_supported", reason=ctx.no_account(year))
    if p.estimator == "model" and found is not None:
        samples, sigma_basis = found[1], ""
    else:
        sigma, sigma_basis = ctx.validation.sigma[(method, p.estimator)]
        samples = lognormal(p.value, sigma * np.sqrt(max(p.horizon, 1.0)), ctx.draws, _rng(ctx.seed, method, year))
    basis = _rival_basis(method, ctx.region, p, info.benchmark, reason, sigma_basis)
    last = ctx.last_account
    if last is not None and year > last:
        basis += f"; {year} is after the last sector account ({last})"
    return Cell(method, year, "estimate", p.value, samples, basis, p.bridged_from_year)


def _cells(region: str, boundary: str, as_of: str, observations: pd.DataFrame, methods: list[str], draws: int,
           seed: int) -> dict[tuple[str, int], Cell]:
    years = ended_years(as_of)
    try:
        model: DigitalModel | None = build(region, boundary, as_of, observations)
        failure = ""
    except (AccountsError, CalibrationError) as exc:
        model, failure = None, " ".join(str(exc).split())
    account_years = [y for y in years if model is not None and y in model.accounts.years]
    sim = simulate_years(model, account_years, draws, seed) if model is not None and account_years else None
    ctx = _Context(region, boundary, as_of, draws, seed, model, failure, account_years, sim,
                   out_of_time(observations, as_of, VALIDATION_LEVEL, VALIDATION_DRAWS, seed))
    published_sd = (model.errors if model is not None else measure(observations, as_of)).sd["published"]
    cells: dict[tuple[str, int], Cell] = {}
    shares = share_rows(observations)
    for method in methods:
        bench = benchmark(shares, region, boundary, method, as_of)
        national = None if region == "vn" else benchmark(shares, "vn", "national", method, as_of)
        info = Information(bench, national, tuple(account_years))
        order, reason = ranking(ctx.validation.table, region, method)
        for year in years:
            row = bench.row(year)
            if row is not None:
                cells[(method, year)] = published_cell(method, year, row, published_sd, draws, seed, model)
            elif method in NOT_IDENTIFIED:
                cells[(method, year)] = Cell(method, year, "not_supported", reason=NOT_IDENTIFIED[method])
            elif METHODS[method].published is None or not len(bench):
                cells[(method, year)] = _unpublished_cell(ctx, method, year)
            else:
                cells[(method, year)] = _estimated_cell(ctx, method, year, info, order, reason)
    return cells


def cells(region: str, boundary: str, as_of: str | date, observations: pd.DataFrame | None = None,
          methods: list[str] | None = None, draws: int = DEFAULT_DRAWS, seed: int = 0) -> dict[tuple[str, int], Cell]:
    """Every method and year of the headline table with its draws (cached; see :func:`share_table`).

    The draws of a cell do not depend on which other methods are asked for, so every method is
    computed (once per run) and ``methods`` only selects.
    """
    obs = observations if observations is not None else src.load_observations()
    chosen = list(methods or METHODS)
    unknown = [m for m in chosen if m not in METHODS]
    if unknown:
        raise KeyError(f"unknown method(s) {', '.join(unknown)}; methods: {', '.join(METHODS)}")
    key = (region, boundary, str(as_of), cache.observations_key(obs), draws, seed)
    if boundary == "merged":
        from grdp.digital.parts import merged_cells

        found = cache.cached("headline", key, lambda: merged_cells(str(as_of), obs, list(METHODS), draws, seed))
    else:
        found = cache.cached("headline", key, lambda: _cells(region, boundary, str(as_of), obs, list(METHODS), draws,
                                                             seed))
    return {k: c for k, c in found.items() if k[0] in chosen}


def table(found: dict[tuple[str, int], Cell], region: str, boundary: str, level: float) -> pd.DataFrame:
    """The headline table of a set of cells (columns :data:`COLUMNS`)."""
    tail = 100 * (1 - level) / 2
    rows = []
    for (method, year), c in found.items():
        lower = upper = np.nan
        if c.samples is not None:
            lower, upper = np.percentile(c.samples, [tail, 100 - tail])
        rows.append({"region": region, "boundary": boundary, "method": method, "year": year, "status": c.status,
                     "value": c.value, "lower": lower, "upper": upper, "level": level, "basis": c.basis,
                     "bridged_from_year": c.bridged_from_year, "release": c.release, "rating": c.rating,
                     "source_id": c.source_id, "url": c.url, "reason": c.reason})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["bridged_from_year"] = out["bridged_from_year"].astype("Int64")
    return out.sort_values(["method", "year"], key=lambda s: s.map(list(METHODS).index) if s.name == "method" else s,
                           ignore_index=True)


def share_table(region: str, boundary: str, as_of: str | date, observations: pd.DataFrame | None = None,
                methods: list[str] | None = None, level: float = 0.9, draws: int = DEFAULT_DRAWS,
                seed: int = 0) -> pd.DataFrame:
    """The headline share of every method and year (module docstring).

    Parameters
    ----------
    region, boundary
        ``"hcmc"`` with ``"old"`` or ``"merged"``, ``"binh_duong"`` or ``"ba_ria_vung_tau"`` with
        ``"old"``, ``"vn"`` with ``"national"``.
    as_of
        The vintage's date: only releases published by then are used.
    observations
        The observations table (loaded from ``sources/`` when omitted).
    methods
        Methods (definitions) to include (default: all).
    level
        Central interval level.
    draws, seed
        Monte Carlo draws behind the intervals and their seed.

    Returns
    -------
    pandas.DataFrame
        One row per method and year, columns :data:`COLUMNS`: ``status`` (``published``,
        ``estimate``, ``not_supported``), ``value`` (percent of GRDP), ``lower``, ``upper``, ``level``,
        ``basis`` (plain English), ``bridged_from_year``, ``release``, ``rating``, ``source_id``,
        ``url`` (of a published figure), ``reason`` (of ``not_supported``).
    """
    return table(cells(region, boundary, as_of, observations, methods, draws, seed), region, boundary, level)


def share_samples(region: str, boundary: str, as_of: str | date, observations: pd.DataFrame | None, method: str,
                  year: int, draws: int = DEFAULT_DRAWS, seed: int = 0) -> np.ndarray:
    """The draws behind ``lower`` and ``upper`` of one row of :func:`share_table` (same arguments; the
    percentiles of these draws at the table's level are its ``lower`` and ``upper``).

    For a published figure they are the figure times its measured error; for an estimate, the
    model's Monte Carlo draws or the rival's draws ``value x exp(sigma sqrt(h) Z)``.

    Raises
    ------
    KeyError
        If the year is not in the table, or the row is ``not_supported`` (the reason is in the message).
    """
    found = cells(region, boundary, as_of, observations, None, draws, seed)
    if (method, year) not in found:
        raise KeyError(f"no headline row for {method} {year} as of {as_of}; years: "
                       f"{', '.join(map(str, sorted({y for _, y in found})))}")
    cell = found[(method, year)]
    if cell.samples is None:
        raise KeyError(f"{method} {year} is not supported: {cell.reason}")
    return cell.samples
