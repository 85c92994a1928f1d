"""The target assessment of one region: histories, projections and targets, for every boundary and scenario.

:func:`assess_region` builds the digital-economy model of each boundary the selected scenarios use,
projects every method (:mod:`grdp.forecast.projection`) and assesses the projections against the
region's targets (:mod:`grdp.targets`). The notebook ``04_targets_forecast`` calls it and shows the
tables; nothing here is specific to a notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from grdp import targets as tg
from grdp.digital.model import build
from grdp.digital.uncertainty import Simulation, simulate
from grdp.forecast import history as hist
from grdp.forecast.projection import bands, project_method
from grdp.forecast.scenarios import Scenario

THRESHOLDS = (25.0, 40.0)
"""Shares whose crossing year is projected (HCMC's 2025 and 2030 targets)."""


@dataclass
class Assessment:
    """Everything the target assessment produced for one region.

    Attributes
    ----------
    history
        Each method's estimated share by boundary and year, with the Monte Carlo interval of the last year.
    published
        Shares published by GSO, MIC and HIDS for the region, every release.
    targets
        The region's targets with their legal sources.
    fits
        One row per boundary, method and model: status, reason, convergence, specification, parameters,
        ensemble weight.
    bands
        Median and 80%/95% intervals of every projection by year.
    assessment
        Target years after the history: projected share, probability, gaps and required growth.
    crossing
        Projected crossing year of each threshold.
    measured
        Target years within the history, compared with the estimate.
    scenarios
        The scenarios applied.
    rules
        The ensemble weighting rule applied for each boundary and method.
    """

    history: pd.DataFrame
    published: pd.DataFrame
    targets: pd.DataFrame
    fits: pd.DataFrame
    bands: pd.DataFrame
    assessment: pd.DataFrame
    crossing: pd.DataFrame
    measured: pd.DataFrame
    scenarios: list[Scenario]
    rules: dict[tuple[str, str], str] = field(default_factory=dict)

    def headline(self, model: str = "ensemble", level: float = 0.8) -> pd.DataFrame:
        """Return the trend-scenario assessment of one model, one row per boundary, method and target year."""
        trend_ids = [s.id for s in self.scenarios if s.centre == "trend"]
        trend = self.assessment[(self.assessment["model"] == model) & self.assessment["scenario"].isin(trend_ids)]
        columns = ["boundary", "method", "scenario", "target_year", "target", "last_year", "last_share", "median",
                   "lower", "upper", "probability", "gap_pp", "gap_bn_vnd", "required_excess_growth",
                   "required_digital_growth"]
        return trend[columns].reset_index(drop=True)

    def fan_panels(self, boundary: str, scenario: str, model: str = "ensemble") -> list[dict]:
        """Return one :func:`grdp.plots.fan_chart` panel per method for a boundary, scenario and model."""
        panels = []
        for method, history in self.history[self.history["boundary"] == boundary].groupby("method", sort=False):
            band = self.bands[(self.bands["boundary"] == boundary) & (self.bands["method"] == method)
                              & (self.bands["scenario"] == scenario) & (self.bands["model"] == model)]
            published = self.published[(self.published["boundary"] == boundary) & (self.published["method"] == method)]
            panels.append({"history": history[["year", "share", "lower", "upper"]], "bands": band,
                           "targets": self.targets.assign(value=self.targets["target"], label=[
                               f"target {v:g}% ({y})" for v, y in zip(self.targets["target"], self.targets["year"])]),
                           "published": published[["year", "value", "institution"]], "title": method})
        return panels


def assess_region(observations: pd.DataFrame, as_of: str, region: str, methods: list[str], scenarios: list[Scenario],
                  skill: pd.DataFrame, horizon: int, *, draws: int = 4000, seed: int = 0, level: float = 0.8,
                  mc_draws: int = 20_000) -> Assessment:
    """Project every method of one region under every scenario and assess the targets.

    Parameters
    ----------
    observations
        All observations (:func:`grdp.sources.load_observations`).
    as_of
        Release-date cut-off of the vintage.
    region
        Region whose targets are assessed (``hcmc``).
    methods
        Methods to project.
    scenarios
        Scenarios (each names its boundary).
    skill
        Pooled backtest summary by model, for the ensemble weights.
    horizon
        Last year projected.
    draws, seed, level, mc_draws
        Paths per model, seed, reported interval level, Monte Carlo draws of the starting points.

    Returns
    -------
    Assessment
    """
    if not scenarios:
        raise ValueError("no scenario selected")
    targets = tg.policy_targets(observations, region, as_of)
    histories, published, fits, projections, measured, rules = [], [], [], [], [], {}
    for boundary in dict.fromkeys(s.boundary for s in scenarios):
        model = build(region, boundary, as_of, observations)
        history = hist.share_history(model, methods)
        last_year = int(history["year"].max())
        if horizon <= last_year:
            raise ValueError(f"horizon {horizon} is not after the last year of the {boundary} history ({last_year})")
        chosen = [s for s in scenarios if s.boundary == boundary]
        # one simulation per year serves the history intervals, the targets already estimated and the
        # starting point of every method (each method's draws do not depend on the others simulated with it)
        years = set(history["year"]) | {y for y in targets["year"] if y in model.accounts.years}
        simulations = {int(y): simulate(model, int(y), draws=mc_draws, seed=seed, methods=methods)
                       for y in sorted(years)}
        for method, rows in history.groupby("method", sort=False):
            made, fit, rule = project_method(model, rows, chosen, skill, horizon - last_year, simulations[last_year],
                                             draws, seed)
            projections += made
            fits.append(fit)
            rules[(boundary, str(method))] = rule
        histories.append(_with_intervals(history, simulations, level))
        published.append(hist.published_history(model, methods))
        measured.append(tg.measured(model, targets, simulations, level))
    return Assessment(pd.concat(histories, ignore_index=True), pd.concat(published, ignore_index=True), targets,
                      pd.concat(fits, ignore_index=True), bands(projections), tg.assess(projections, targets, level),
                      tg.crossing(projections, list(THRESHOLDS), level), pd.concat(measured, ignore_index=True),
                      list(scenarios), rules)


def _with_intervals(history: pd.DataFrame, simulations: dict[int, Simulation], level: float) -> pd.DataFrame:
    """Add the Monte Carlo interval of every history year's estimate (``lower``, ``upper``)."""
    frames = []
    for year in sorted(history["year"].unique()):
        intervals = simulations[int(year)].intervals(level)
        totals = intervals[intervals["component"] == "total"][["method", "lower", "upper"]].assign(year=year)
        frames.append(totals)
    return history.merge(pd.concat(frames), on=["method", "year"], how="left")
