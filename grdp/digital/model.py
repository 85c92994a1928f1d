"""The calibrated model of one region and the ``estimate`` entry point.

``build(region, boundary, releases)`` assembles the region's and the national sector accounts, collects
the published digital-economy figures of the as-of view ``releases`` as targets, calibrates the national
coefficients (:mod:`grdp.digital.coefficient_calibration`), measures the errors of the inputs
(:mod:`grdp.digital.measured_errors`) and fits the city-specific gap of each method family to the
region's published series (:mod:`grdp.digital.regional_gap`). ``estimate(method, accounts, year)``
then returns one method's estimate (the indicator times the gap's posterior mean) with its
components, its numerator and denominator kept apart, and the assumptions made. Published figures,
where they exist, are the headline (:mod:`grdp.digital.headline`); this estimate is grdp's model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts.assembly import SectorAccounts
from grdp.accounts.shared import DIGITAL_PREFIX, accounts_key, sector_accounts
from grdp.base import run_cache
from grdp.digital.account_arrays import AccountInputs, from_accounts
from grdp.digital.calibration_targets import Target, published_targets
from grdp.digital.coefficient_calibration import Calibration, calibrate
from grdp.digital.measured_errors import ErrorSizes, measure
from grdp.digital.part_evidence import share_bounds
from grdp.digital.published import INSTITUTIONS, Benchmark, benchmark, share_rows
from grdp.digital.regional_gap import FAMILIES, GapFit, fit_gaps
from grdp.digital.registry import METHODS
from grdp.digital.registry import method as get_method
from grdp.digital.spine import Blocks, Config, Params, evaluate

CORE_DETAIL = {"gso": {"C": "26", "G": "4651, 4652", "J": "5820, 61, 62, 631", "S": "951"},
               "oecd": {"C": "261-264, 268", "G": "4651, 4652", "J": "5820, 61, 62, 631", "S": "951"},
               "hids": {"C": "digital part of C", "G": "digital part of G", "J": "all of J"},
               "hids-ict-j": {"C": "digital part of C", "G": "digital part of G", "J": "5820, 61, 62, 631"}}


@dataclass
class DigitalEstimate:
    """One method's estimate for one region and year.

    Attributes
    ----------
    share
        Digital-economy value added as percent of the accounts' GRDP.
    numerator
        Digital-economy value added, bn VND.
    denominator
        The accounts' GRDP, bn VND, and ``denominator_source`` where it comes from.
    publisher_denominator
        The GRDP the publisher divided by, where it can be told (``numerator / share``), else ``nan``.
    components
        One row per component and section: ``component``, ``industry`` (VSIC section), ``detail``,
        ``value`` (bn VND), ``share`` (percent of GRDP). The values add up to ``numerator``.
    published
        The method's published shares for the region and year (value, release, rating, source).
    """

    method: str
    title: str
    region: str
    boundary: str
    year: int
    share: float
    numerator: float
    denominator: float
    denominator_source: str
    publisher_denominator: float
    components: pd.DataFrame
    published: pd.DataFrame
    assumptions: tuple[str, ...]
    parameters: dict[str, float] = field(default_factory=dict)

    def component_totals(self) -> pd.Series:
        """Return the share of GRDP (percent) of each component."""
        return self.components.groupby("component", sort=False)["share"].sum()


@dataclass
class DigitalModel:
    """Accounts, published targets and calibration of one region (and the nation)."""

    region: str
    boundary: str
    as_of: str | None
    inputs: dict[str, AccountInputs]
    targets: list[Target]
    calibration: Calibration
    publisher_grdp: dict[str, np.ndarray]
    """Method name to the GRDP its publisher divided by, per year of the region (``nan`` unknown)."""
    errors: ErrorSizes
    """Measured errors of account cells, margins, GRDP and published figures."""
    benchmarks: dict[str, Benchmark]
    """Published series of the region by method family (``gso``, ``mic``, ``hids``)."""
    gaps: dict[str, GapFit]
    """City-specific gap of each method family with a regional switch (``gso``, ``mic``)."""
    source_key: str = ""
    """Hash of the releases the model was built from (:attr:`grdp.sources.Releases.key`)."""

    @property
    def accounts(self) -> AccountInputs:
        """The region's account inputs."""
        return self.inputs[self.region]

    def gap_points(self, years: tuple[int, ...] | None = None) -> dict[str, np.ndarray]:
        """Posterior mean of each family's log gap in ``years`` (default: every account year)."""
        years = years if years is not None else self.accounts.years
        return {family: fit.point(years) for family, fit in self.gaps.items()}

    def blocks(self, config: Config, params: Params | None = None, va: np.ndarray | None = None,
               publisher_grdp: np.ndarray | None = None, gaps: dict[str, np.ndarray] | None = None) -> Blocks:
        """Evaluate the spine for the region with the gaps' posterior means unless ``gaps`` is given
        (see :func:`grdp.digital.spine.evaluate`)."""
        return evaluate(config, params if params is not None else self.calibration.arrays(), self.accounts, va,
                        publisher_grdp, self.gap_points() if gaps is None else gaps)

    def published(self, method: str, year: int) -> pd.DataFrame:
        """Return the method's published shares for the region and year."""
        variable = get_method(method).published
        rows = [t for t in self.targets if t.variable == variable and t.region == self.region
                and t.years == (year,) and t.industry == "TOTAL"]
        return pd.DataFrame([{"value": t.published, "release": t.release, "rating": t.rating,
                              "source_id": t.source_id, "url": t.url} for t in rows],
                            columns=["value", "release", "rating", "source_id", "url"])

    def estimate(self, method: str, year: int) -> DigitalEstimate:
        """Return the estimate of ``method`` for ``year`` (see :func:`estimate`)."""
        spec = get_method(method)
        row = self.accounts.index(year)
        blocks = self.blocks(spec.config)
        records = []
        for block, label in spec.components.items():
            values = getattr(blocks, block)[0, row]
            for section, value in zip(self.accounts.sections, values):
                if value != 0:
                    detail = CORE_DETAIL[spec.config.core].get(section, "") if block == "core" else ""
                    records.append({"component": label, "industry": section, "detail": detail, "value": value,
                                    "share": 100 * value / self.accounts.grdp[row]})
        numerator = float(blocks.numerator()[0, row])
        assumptions = spec.assumptions
        if spec.config.regional in self.gaps and not self.gaps[spec.config.regional].calibrated:
            assumptions += (f"no evidence of {self.region}'s own ({self.boundary} boundary) conditions the "
                            f"city-specific {spec.config.regional.upper()}-method gap: uncalibrated, the prior of the "
                            "gap (the stated range of the regional intensity) is used",)
        if spec.config.core.startswith("hids"):
            stage = self.calibration.stages.get("regional HIDS")
            if stage is None or not stage.targets:
                assumptions += (f"no published figure to calibrate hids.breadth on for {self.region} "
                                f"({self.boundary} boundary): the centre of its stated range is used",)
        return DigitalEstimate(
            method=method, title=spec.title, region=self.region, boundary=self.boundary, year=year,
            share=float(100 * numerator / self.accounts.grdp[row]), numerator=numerator,
            denominator=float(self.accounts.grdp[row]), denominator_source=self.accounts.grdp_source[row],
            publisher_denominator=float(self.publisher_grdp[method][row]),
            components=pd.DataFrame(records, columns=["component", "industry", "detail", "value", "share"]),
            published=self.published(method, year) if spec.published else pd.DataFrame(),
            assumptions=assumptions, parameters=dict(self.calibration.params))


def _publisher_grdp(selected: pd.DataFrame, inputs: AccountInputs) -> dict[str, np.ndarray]:
    out = {}
    rows = selected[(selected["region"] == inputs.region) & (selected["frequency"] == "A")
                    & (selected["industry"] == "TOTAL")]
    values: dict[tuple[str, str, str], list[float]] = {}
    for r in rows.itertuples():
        values.setdefault((r.variable, r.period, r.unit), []).append(float(r.value))
    for name, spec in METHODS.items():
        implied = np.full(len(inputs.years), np.nan)
        if spec.published:
            family = spec.published.removeprefix("de_share_")
            for i, year in enumerate(inputs.years):
                share = values.get((spec.published, str(year), "percent"), [])
                level = values.get((f"de_value_added_{family}", str(year), "bn_VND"), [])
                if len(share) == 1 and len(level) == 1:
                    implied[i] = 100 * level[0] / share[0]
        out[name] = implied
    return out


def build(region: str, boundary: str, releases: src.Releases,
          exclude_year: tuple[str, int] | None = None) -> DigitalModel:
    """Assemble accounts, collect published figures, calibrate and fit the city-specific gaps.

    A model built once in a run is reused (:mod:`grdp.base.run_cache`: in memory, and across the
    notebooks of ``grdp run``), keyed by region, boundary, as-of date, ``exclude_year`` and a hash
    of the releases.

    Parameters
    ----------
    region, boundary
        As for :func:`grdp.accounts.assemble` (``"vn"`` with ``"national"`` for the nation).
    releases
        The as-of view (:class:`grdp.sources.Releases`): the model uses only the releases it knows.
    exclude_year
        ``(region, year)`` to leave out of the calibration (held-out evaluation).

    Returns
    -------
    DigitalModel

    Raises
    ------
    ValueError
        If the boundary does not fit the region.
    grdp.accounts.AccountsError
        If the accounts cannot be assembled as of that date.
    """
    if (region == "vn") != (boundary == "national"):
        raise ValueError(f"boundary {boundary!r} does not fit region {region!r} (the nation's boundary is 'national')")
    return run_cache.cached("model", (region, boundary, releases.as_of, exclude_year, releases.key),
                            lambda: _build(region, boundary, releases, exclude_year))


def account_inputs(region: str, boundary: str, releases: src.Releases) -> AccountInputs:
    """The region's sector accounts (:func:`grdp.accounts.shared.sector_accounts`) as arrays (cached, like them)."""
    _, key = accounts_key(region, boundary, releases)
    return run_cache.cached("accounts", key, lambda: from_accounts(sector_accounts(region, boundary, releases)))


def digital_releases(releases: src.Releases) -> src.Releases:
    """The digital-economy releases of a view (variables ``de_*``): all that targets and benchmarks read."""
    return releases.subset(releases.known["variable"].str.startswith(DIGITAL_PREFIX))


def _build(region: str, boundary: str, releases: src.Releases, exclude_year: tuple[str, int] | None) -> DigitalModel:
    inputs = {"vn": account_inputs("vn", "national", releases)}
    if region != "vn":
        inputs[region] = account_inputs(region, boundary, releases)
    digital = digital_releases(releases)
    targets = published_targets(digital.selected, inputs, digital.known)
    calibration = calibrate(inputs, targets, region, exclude_year)
    errors = measure(releases)
    shares = share_rows(digital)
    benchmarks = {family: benchmark(shares, region, boundary, family) for family in INSTITUTIONS}
    if exclude_year is not None and exclude_year[0] == region:
        benchmarks = {f: replace(b, table=b.table[b.table["year"] != exclude_year[1]].reset_index(drop=True))
                      for f, b in benchmarks.items()}
    bounds = {f: share_bounds(shares, region, boundary, f) for f in FAMILIES}
    gaps = fit_gaps(inputs[region], calibration.arrays(), {f: benchmarks[f] for f in FAMILIES},
                    errors.sd["published"] ** 2, bounds)
    return DigitalModel(region, boundary, releases.as_of, inputs, targets, calibration,
                        _publisher_grdp(digital.selected, inputs[region]), errors, benchmarks, gaps, releases.key)


def estimate(method: str, accounts: SectorAccounts, year: int, releases: src.Releases, *,
             model: DigitalModel | None = None) -> DigitalEstimate:
    """Estimate the digital economy of the accounts' region by one method.

    Parameters
    ----------
    method
        ``"gso"``, ``"mic"``, ``"hids"``, ``"oecd-core"``, ``"oecd-narrow"`` or ``"oecd-broad"``
        (:data:`grdp.digital.registry.METHODS`).
    accounts
        Sector accounts of the region (their region, boundary and as-of date are used).
    year
        A year of the accounts.
    releases
        The as-of view the accounts were assembled from.
    model
        A calibrated model of the same region, to avoid calibrating again.

    Returns
    -------
    DigitalEstimate
        Components by industry, numerator, denominator (with its source), share, published figures
        and the assumptions made.

    Raises
    ------
    KeyError
        For an unknown method or a year without accounts.
    """
    model = model or build(accounts.region, accounts.boundary, releases)
    return model.estimate(method, year)
