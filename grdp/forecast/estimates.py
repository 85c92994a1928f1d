"""The estimates the target assessment starts from: one adapter onto the digital-economy estimates table.

The assessment reads, for each method, the table of ended years of :func:`load_estimates` (one row per method
and year): ``region, boundary, method, year, status`` (``published``, ``estimate`` or ``not_supported``),
``value, lower, upper, level`` (percent of GRDP; the interval of an estimate, the stated range of a published
figure), ``basis, bridged_from_year, release, rating, source_id, url, reason``; and the draws behind each row
(:meth:`Estimates.draws`). This is the interface of ``grdp.digital.headline.share_table`` and of the function
returning its draws; until that module exists the adapter builds the same table from what there is:

* a year with a figure published by the method's institution (at the as-of date, the sources' as-of rule) is
  ``published``: ``value`` is the figure, ``lower`` and ``upper`` its stated range (:func:`published_range`;
  the estimates table's own range where it gives one), and its draws are uniform over that range;
* any other account year is a grdp ``estimate`` (:func:`grdp.digital.model.build`, calibrated at the as-of
  date), with the Monte Carlo interval of :func:`grdp.digital.uncertainty.simulate` and its draws;
  ``bridged_from_year`` is the method's latest published year before it.

A published figure's stated range is its rounding half-unit plus a margin for its rating,
``v -/+ (0.5 * 10^-d + m_rating * v)`` with ``d`` the decimals published (``22.0`` read as ``22``: ``d = 0``)
and ``m`` = 1% (green), 5% (amber) and 10% (red) of the value. The amber margin covers the largest revision
between two amber releases of a digital-economy share in ``sources/`` (Viet Nam's GSO share for 2023, 12.33 in
the 2024 release and 12.87 in January 2025 on revised GDP, 4.4%); red (rounded, approximate or of unclear scope)
doubles it. For HCMC's MIC-method 2024 figure (22.0, red) the range is 22.0 -/+ 2.7.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from grdp.digital.methods import METHODS
from grdp.digital.model import DigitalModel, build
from grdp.digital.uncertainty import Simulation, simulate

COLUMNS = ["region", "boundary", "method", "year", "status", "value", "lower", "upper", "level", "basis",
           "bridged_from_year", "release", "rating", "source_id", "url", "reason"]
"""Columns of the estimates table (the interface of ``grdp.digital.headline.share_table``)."""
STATUSES = ("published", "estimate", "not_supported")
RATING_MARGIN = {"green": 0.01, "amber": 0.05, "red": 0.10}
"""Relative half-width of a published figure's stated range by its rating (see the module docstring)."""
FIRST_YEAR = 2020
"""First year of the table: the first year an institution published a share for HCMC."""


def decimals(value: float) -> int:
    """Decimals a figure was published with, read from the value (``22.0`` -> 0, ``21.5`` -> 1, ``18.66`` -> 2)."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def published_range(value: float, rating: str) -> tuple[float, float]:
    """The stated range of a published share: ``v -/+ (0.5 10^-d + m_rating v)`` (module docstring).

    Raises
    ------
    ValueError
        For a rating other than green, amber or red.
    """
    if rating not in RATING_MARGIN:
        raise ValueError(f"unknown rating {rating!r}; expected one of {', '.join(RATING_MARGIN)}")
    half = 0.5 * 10.0 ** -decimals(value) + RATING_MARGIN[rating] * value
    return value - half, value + half


@dataclass
class Estimates:
    """The estimates table of one region and boundary at one as-of date, with the draws behind each row.

    Attributes
    ----------
    table
        One row per method and year (:data:`COLUMNS`).
    draws_of
        ``(method, year) -> draws`` of an estimated share (percent of GRDP).
    components_of
        ``(method, year) -> {component: share of GRDP}`` summing to the table's value (for scenarios with a
        components centre).
    """

    region: str
    boundary: str
    as_of: str
    table: pd.DataFrame
    draws_of: Callable[[str, int], np.ndarray] = field(repr=False)
    components_of: Callable[[str, int], dict[str, float]] = field(repr=False)

    def row(self, method: str, year: int) -> pd.Series | None:
        """The table's row of a method and year (``None`` if the table has none)."""
        rows = self.table[(self.table["method"] == method) & (self.table["year"] == year)]
        return None if rows.empty else rows.iloc[0]

    def draws(self, method: str, year: int, size: int = 4000, seed: int = 0) -> np.ndarray:
        """Draws of the share behind a row: uniform over a published figure's stated range (``size`` of them),
        else the estimate's draws (``draws_of``)."""
        row = self.row(method, year)
        if row is not None and row["status"] == "published":
            lower, upper = self.stated_range(row)
            rng = np.random.default_rng([seed, year, sum(map(ord, method))])
            return rng.uniform(lower, upper, size=size)
        return np.asarray(self.draws_of(method, year), dtype=float)

    @staticmethod
    def stated_range(row: pd.Series) -> tuple[float, float]:
        """A published row's range: the table's, or :func:`published_range` where the table gives none."""
        if np.isfinite(row["lower"]) and np.isfinite(row["upper"]):
            return float(row["lower"]), float(row["upper"])
        return published_range(float(row["value"]), str(row["rating"]))

    def components(self, method: str, year: int) -> dict[str, float]:
        """Each component's share of GRDP in a year, scaled to the table's value."""
        return dict(self.components_of(method, year))


def load_estimates(observations: pd.DataFrame, region: str, boundary: str, as_of: str,
                   methods: list[str] | None = None, *, level: float = 0.9, draws: int = 4000,
                   seed: int = 0) -> Estimates:
    """The estimates table of a region and boundary (the adapter; see the module docstring).

    When ``grdp.digital.headline`` lands, the table line becomes
    ``table = headline.share_table(region, boundary, as_of, observations, methods=methods, level=level,
    draws=draws, seed=seed)`` and ``draws_of`` its draws function; nothing else changes.

    Parameters
    ----------
    observations
        All observations (:func:`grdp.sources.load_observations`).
    region, boundary
        The region (``hcmc``) and boundary (``old`` or ``merged``).
    as_of
        The vintage's as-of date.
    methods
        Methods (default all).
    level
        Level of the estimates' intervals.
    draws, seed
        Monte Carlo draws per year and their seed.

    Returns
    -------
    Estimates
    """
    methods = list(methods or METHODS)
    model = build(region, boundary, as_of, observations)
    simulations: dict[int, Simulation] = {}
    intervals: dict[int, pd.DataFrame] = {}

    def simulation(year: int) -> Simulation:
        if year not in simulations:
            simulations[year] = simulate(model, year, draws=draws, seed=seed, methods=methods)
        return simulations[year]

    def interval(year: int) -> pd.DataFrame:
        if year not in intervals:
            tail = 100 * (1 - level) / 2
            samples = simulation(year).samples
            ends = {m: np.percentile(samples[m]["total"], [tail, 100 - tail]) for m in methods}
            intervals[year] = pd.DataFrame(ends, index=["lower", "upper"]).T
        return intervals[year]

    table = _share_table(model, methods, level, interval)

    def draws_of(method: str, year: int) -> np.ndarray:
        return simulation(year).samples[method]["total"]

    def components_of(method: str, year: int) -> dict[str, float]:
        spec = METHODS[method]
        totals = model.estimate(method, year).component_totals()
        parts = {block: float(totals.get(label, 0.0)) for block, label in spec.components.items()}
        value = float(table[(table["method"] == method) & (table["year"] == year)]["value"].iloc[0])
        scale = value / sum(parts.values())
        return {block: part * scale for block, part in parts.items()}

    return Estimates(region, boundary, as_of, table, draws_of, components_of)


def _share_table(model: DigitalModel, methods: list[str], level: float,
                 interval: Callable[[int], pd.DataFrame]) -> pd.DataFrame:
    """The estimates table from a calibrated model (published figures first, then grdp's estimates)."""
    rows = []
    years = [y for y in model.accounts.years if y >= FIRST_YEAR]
    for method in methods:
        published_years: list[int] = []
        for year in years:
            base = {"region": model.region, "boundary": model.boundary, "method": method, "year": year,
                    "level": level, "reason": ""}
            published = model.published(method, year) if METHODS[method].published else pd.DataFrame()
            if len(published):
                best = published.sort_values(["release", "url"], ascending=[False, True]).iloc[0]
                lower, upper = published_range(float(best["value"]), str(best["rating"]))
                rows.append(base | {"status": "published", "value": float(best["value"]), "lower": lower,
                                    "upper": upper, "basis": "published", "bridged_from_year": np.nan,
                                    "release": pd.Timestamp(best["release"]).date().isoformat(),
                                    "rating": best["rating"], "source_id": best["source_id"], "url": best["url"]})
                published_years.append(year)
                continue
            total = interval(year).loc[method]
            rows.append(base | {"status": "estimate", "value": model.estimate(method, year).share,
                                "lower": float(total["lower"]), "upper": float(total["upper"]),
                                "basis": "grdp estimate: structural model calibrated to the published figures",
                                "bridged_from_year": max(published_years) if published_years else np.nan,
                                "release": "", "rating": "", "source_id": "", "url": ""})
    return pd.DataFrame(rows, columns=COLUMNS)
