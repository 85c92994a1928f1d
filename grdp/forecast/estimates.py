"""The estimates the target assessment starts from: one adapter onto the digital-economy estimates table.

The assessment reads, for each method, the table of ended years of :func:`load_estimates` (one row per method
and year): ``region, boundary, method, year, status`` (``published``, ``estimate`` or ``not_supported``),
``value, lower, upper, level`` (percent of GRDP; the interval of an estimate, the stated range of a published
figure), ``basis, bridged_from_year, release, rating, source_id, url, reason``; and the draws behind each row
(:meth:`Estimates.draws`). The table is :func:`grdp.digital.headline.share_table` (published figures first;
grdp's estimates bridged from them, with intervals measured out of time) and the draws are
:func:`grdp.digital.headline.share_samples`; both are computed once per run and shared with notebook 02 through
:mod:`grdp.base.run_cache` when the same draws and seed are asked for (:data:`ESTIMATE_DRAWS`).

A published figure's draws are uniform over its stated range: the estimates table's range (the figure times its
error measured from revisions of published figures, :mod:`grdp.digital.measured_errors`) where the table gives
one, else :func:`published_range`, the rounding half-unit plus a margin for its rating,
``v -/+ (0.5 * 10^-d + m_rating * v)`` with ``d`` the decimals published (``22.0`` read as ``22``: ``d = 0``)
and ``m`` = 1% (green), 5% (amber) and 10% (red) of the value (:func:`grdp.digital.figure_error.relative_margin`,
the rule the measurement model and the headline use too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.digital import headline, region_cells
from grdp.digital.figure_error import decimals, relative_margin
from grdp.digital.model import DigitalModel, build
from grdp.digital.registry import METHODS

ESTIMATE_DRAWS = region_cells.DEFAULT_DRAWS
"""Monte Carlo draws behind the estimates (notebook 02's default, so its cached results are reused)."""


def published_range(value: float, rating: str) -> tuple[float, float]:
    """The stated range of a published share: ``v -/+ (0.5 10^-d + m_rating v)`` (module docstring).

    Raises
    ------
    ValueError
        For a rating other than green, amber or red.
    """
    half = value * relative_margin(value, rating, decimals(value))
    return value - half, value + half


@dataclass
class Estimates:
    """The estimates table of one region and boundary at one as-of date, with the draws behind each row.

    Attributes
    ----------
    table
        One row per method and year (columns :data:`grdp.digital.headline.COLUMNS`).
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


def load_estimates(releases: src.Releases, region: str, boundary: str, methods: list[str] | None = None, *,
                   level: float = 0.9, draws: int | None = None, seed: int = 0) -> Estimates:
    """The estimates table of a region and boundary (see the module docstring).

    Parameters
    ----------
    releases
        The vintage's as-of view (:class:`grdp.sources.Releases`).
    region, boundary
        The region (``hcmc``) and boundary (``old`` or ``merged``).
    methods
        Methods (default all).
    level
        Level of the estimates' intervals.
    draws, seed
        Monte Carlo draws per year (default :data:`ESTIMATE_DRAWS`, notebook 02's, so that its results are
        reused) and their seed.

    Returns
    -------
    Estimates
    """
    methods = list(methods or METHODS)
    draws = draws or ESTIMATE_DRAWS
    table = headline.share_table(region, boundary, releases, methods=methods, level=level, draws=draws, seed=seed)
    models: dict[str, DigitalModel] = {}

    def draws_of(method: str, year: int) -> np.ndarray:
        return headline.share_samples(region, boundary, releases, method, year, draws=draws, seed=seed)

    def components_of(method: str, year: int) -> dict[str, float]:
        """The components' split of the year's value: the model's split in that year, or in the last year with
        sector accounts before it (a year after the accounts has no split of its own)."""
        if "model" not in models:
            models["model"] = build(region, boundary, releases)
        model = models["model"]
        split_year = max((y for y in model.accounts.years if y <= year), default=min(model.accounts.years))
        spec = METHODS[method]
        totals = model.estimate(method, split_year).component_totals()
        parts = {block: float(totals.get(label, 0.0)) for block, label in spec.components.items()}
        value = float(table[(table["method"] == method) & (table["year"] == year)]["value"].iloc[0])
        scale = value / sum(parts.values())
        return {block: part * scale for block, part in parts.items()}

    return Estimates(region, boundary, str(releases.as_of), table, draws_of, components_of)
