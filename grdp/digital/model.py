"""The calibrated model of one region and the ``estimate`` entry point.

``build(region, boundary, as_of)`` assembles the region's and the national sector accounts, collects
the published digital-economy figures available at ``as_of`` as targets, and calibrates
(:mod:`grdp.digital.calibration`). ``estimate(method, accounts, year)`` then returns one method's
estimate with its components, its numerator and denominator kept apart, and the assumptions made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts import SectorAccounts, assemble
from grdp.digital.calibration import STAGES, Calibration, calibrate
from grdp.digital.inputs import AccountInputs, from_accounts
from grdp.digital.methods import METHODS
from grdp.digital.methods import method as get_method
from grdp.digital.spine import Blocks, Config, Params, evaluate
from grdp.digital.targets import Target, published_targets

REGIONAL_STAGE = {"gso": "regional GSO", "mic": "regional MIC", "hids": "regional HIDS", "none": None}
"""The calibration stage that sets a configuration's regional parameters."""
STAGE_PARAMETERS = {name: names for name, _, names, _, _ in STAGES}
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

    @property
    def accounts(self) -> AccountInputs:
        """The region's account inputs."""
        return self.inputs[self.region]

    def blocks(self, config: Config, params: Params | None = None, va: np.ndarray | None = None,
               publisher_grdp: np.ndarray | None = None) -> Blocks:
        """Evaluate the spine for the region (see :func:`grdp.digital.spine.evaluate`)."""
        return evaluate(config, params if params is not None else self.calibration.arrays(), self.accounts, va,
                        publisher_grdp)

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
        regional = "hids" if spec.config.core.startswith("hids") else spec.config.regional
        stage_name = REGIONAL_STAGE[regional]
        if stage_name and (regional == "hids" or self.region != "vn"):
            stage = self.calibration.stages.get(stage_name)
            if stage is None or not stage.targets:
                names = STAGE_PARAMETERS[stage_name]
                assumptions += (f"no published figure to calibrate {', '.join(names)} on for {self.region} "
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
    for name, spec in METHODS.items():
        implied = np.full(len(inputs.years), np.nan)
        if spec.published:
            family = spec.published.removeprefix("de_share_")
            for i, year in enumerate(inputs.years):
                share = rows[(rows["variable"] == spec.published) & (rows["period"] == str(year))]
                level = rows[(rows["variable"] == f"de_value_added_{family}") & (rows["period"] == str(year))
                             & (rows["unit"] == "bn_VND")]
                if len(share) == 1 and len(level) == 1:
                    implied[i] = 100 * level["value"].iloc[0] / share["value"].iloc[0]
        out[name] = implied
    return out


def build(region: str = "hcmc", boundary: str = "old", as_of: str | date | None = None,
          observations: pd.DataFrame | None = None, exclude_year: tuple[str, int] | None = None) -> DigitalModel:
    """Assemble accounts, collect published figures and calibrate.

    Parameters
    ----------
    region, boundary
        As for :func:`grdp.accounts.assemble` (``"vn"`` with ``"national"`` for the nation).
    as_of
        Use only releases published on or before this date.
    observations
        The observations table; loaded from ``sources/`` when omitted.
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
    obs = observations if observations is not None else src.load_observations()
    inputs = {"vn": from_accounts(assemble("vn", "national", as_of, obs))}
    if region != "vn":
        inputs[region] = from_accounts(assemble(region, boundary, as_of, obs))
    selected = src.as_of(obs, as_of)
    available = obs if as_of is None else obs[obs["release_date"] <= pd.Timestamp(as_of)]
    targets = published_targets(selected, inputs, available)
    calibration = calibrate(inputs, targets, region, exclude_year)
    return DigitalModel(region, boundary, None if as_of is None else str(as_of), inputs, targets, calibration,
                        _publisher_grdp(selected, inputs[region]))


def estimate(method: str, accounts: SectorAccounts, year: int, *, observations: pd.DataFrame | None = None,
             model: DigitalModel | None = None) -> DigitalEstimate:
    """Estimate the digital economy of the accounts' region by one method.

    Parameters
    ----------
    method
        ``"gso"``, ``"mic"``, ``"hids"``, ``"oecd-core"``, ``"oecd-narrow"`` or ``"oecd-broad"``
        (:data:`grdp.digital.methods.METHODS`).
    accounts
        Sector accounts of the region (their region, boundary and as-of date are used).
    year
        A year of the accounts.
    observations
        The observations table (loaded from ``sources/`` when omitted).
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
    model = model or build(accounts.region, accounts.boundary, accounts.as_of, observations)
    return model.estimate(method, year)
