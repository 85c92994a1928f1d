"""The target assessment of one region: estimates, starts, projections and targets, for every boundary and scenario.

:func:`assess_region` reads each boundary's estimates table (:mod:`grdp.forecast.estimates`), takes the targets
in force at the as-of date (:func:`grdp.forecast.policy_targets.target_decisions`), computes every scenario's
numbers from the releases of that date (:func:`grdp.forecast.scenarios.resolve_all`), projects every method from
its latest published figure (:mod:`grdp.forecast.history`, :mod:`grdp.forecast.projection`) and assesses the
projections against the targets (:mod:`grdp.forecast.policy_targets`), publishing probabilities only under
:func:`grdp.forecast.probability_calibration.probability_rule`. The notebook ``04_targets_forecast`` calls it and
writes the tables; nothing here is specific to a notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from grdp import sources as src
from grdp.base.method_names import HEADLINE_METHODS
from grdp.digital.measurement import FIRST_YEAR
from grdp.forecast import history as hist
from grdp.forecast import policy_targets as tg
from grdp.forecast.estimates import Estimates, load_estimates
from grdp.forecast.evidence import PATH_COLUMNS, GrdpPath
from grdp.forecast.projection import Projection, agreement_by_year, bands, project_method
from grdp.forecast.scenarios import TREND, Assumptions, Scenario, resolve_all


@dataclass
class Assessment:
    """Everything the target assessment produced for one region (each table is a vintage table; see the
    notebook and ``docs/methods.md``).

    Attributes
    ----------
    decisions, targets
        Every target decision known at the as-of date (:func:`grdp.forecast.policy_targets.target_decisions`), and
        those in force.
    estimates
        The estimates tables of the boundaries assessed.
    history
        Ended years by method, published or estimated (``forecast_history``).
    published
        Figures published by GSO, MIC and HIDS for the region, as selected at the as-of date.
    starts
        The start of each method's projection (``forecast_starts``).
    fits
        One row per boundary, method and model: status, reason, convergence, specification, parameters,
        ensemble weight, start and history (``forecast_fits``).
    bands
        Median and 80%/95% intervals of every projection by open year (``forecast_bands``).
    assessment, headline, crossing, measured
        :func:`grdp.forecast.policy_targets.assess`, :func:`grdp.forecast.policy_targets.headline`,
        :func:`grdp.forecast.policy_targets.crossing`, :func:`grdp.forecast.policy_targets.measured`.
    scenarios
        The scenarios' numbers at the as-of date.
    rules
        The ensemble weighting rule of each boundary and method.
    """

    decisions: pd.DataFrame
    targets: pd.DataFrame
    estimates: pd.DataFrame
    history: pd.DataFrame
    published: pd.DataFrame
    starts: pd.DataFrame
    fits: pd.DataFrame
    bands: pd.DataFrame
    assessment: pd.DataFrame
    headline: pd.DataFrame
    crossing: pd.DataFrame
    measured: pd.DataFrame
    scenarios: list[Assumptions]
    first_open: int
    rules: dict[tuple[str, str], str] = field(default_factory=dict)

    def scenario_table(self) -> pd.DataFrame:
        """Every scenario number with its rule, window and latest release (``forecast_scenarios``)."""
        return pd.concat([a.quantities() for a in self.scenarios], ignore_index=True)

    def scenario_evidence(self) -> pd.DataFrame:
        """Every published figure behind the scenario numbers, with its release (``forecast_scenario_evidence``)."""
        return pd.concat([a.figures() for a in self.scenarios], ignore_index=True)

    def grdp_paths(self, horizon: int) -> pd.DataFrame:
        """Each scenario's GRDP path from 2020 to ``horizon`` (``forecast_grdp_paths``): ``scenario, boundary,
        year, grdp`` (bn VND), ``growth`` (percent on the year before), ``status`` (the accounts' quality of an ended
        year, or ``projected``), ``real_growth, deflator`` (percent, a year grown by a growth target) and ``basis``
        (where the year's level or growth came from: :meth:`grdp.forecast.evidence.GrdpPath.table`)."""
        frames = [a.grdp.table(range(FIRST_YEAR, horizon + 1)).assign(scenario=a.id, boundary=a.boundary)
                  for a in self.scenarios]
        return pd.concat(frames, ignore_index=True)[["scenario", "boundary", *PATH_COLUMNS]]

    def fan_panels(self, boundary: str, scenario: str, model: str = "ensemble") -> list[dict]:
        """Return one :func:`grdp.report.charts.fan_chart` panel per method for a boundary, scenario and model."""
        panels = []
        targets = self.targets[self.targets["boundary"] == boundary]
        marks = targets.assign(value=targets["target"],
                               label=[f"target {v:g}% ({y})" for v, y in zip(targets["target"], targets["year"])])
        for method, past in self.history[self.history["boundary"] == boundary].groupby("method", sort=False):
            band = self.bands[(self.bands["boundary"] == boundary) & (self.bands["method"] == method)
                              & (self.bands["scenario"] == scenario) & (self.bands["model"] == model)]
            if band.empty:
                continue
            published = self.published[(self.published["boundary"] == boundary)
                                       & (self.published["method"] == method)]
            panels.append({"history": past[["year", "share", "lower", "upper"]], "bands": band,
                           "targets": marks[["year", "value", "label"]],
                           "published": published[["year", "value", "institution"]], "title": method})
        return panels


def _trend(assumptions: list[Assumptions]) -> Assumptions:
    return next((a for a in assumptions if a.centre == TREND), assumptions[0])


def assess_region(releases: src.Releases, region: str, methods: list[str], scenarios: list[Scenario],
                  skill: pd.DataFrame, calibration: pd.DataFrame, horizon: int, *, draws: int = 4000, seed: int = 0,
                  level: float = 0.8, estimate_level: float = 0.9,
                  estimates: dict[str, Estimates] | None = None) -> Assessment:
    """Project every method of one region under every scenario and assess the targets in force.

    Parameters
    ----------
    releases
        The vintage's as-of view (:class:`grdp.sources.Releases`).
    region
        Region whose targets are assessed (``hcmc``).
    methods
        Methods to project (the headline assesses GSO and MIC among them; the others are lenses).
    scenarios
        Scenario definitions (each names its boundary).
    skill
        Pooled backtest summary by model, for the ensemble weights.
    calibration
        :func:`grdp.forecast.probability_calibration.calibration_table`, for the probability rule.
    horizon
        Last year projected.
    draws, seed
        Paths per model (and Monte Carlo draws of the estimates) and seed.
    level
        Reported interval level of the projections.
    estimate_level
        Interval level of the estimates table.
    estimates
        Estimates by boundary, if already loaded (:func:`grdp.forecast.estimates.load_estimates`).

    Returns
    -------
    Assessment

    Raises
    ------
    ValueError
        If no scenario is selected or the horizon is not after the first open year.
    """
    if not scenarios:
        raise ValueError("no scenario selected")
    as_of = str(releases.as_of)
    first_open = hist.first_open_year(as_of)
    if horizon < first_open:
        raise ValueError(f"horizon {horizon} is before the first year that has not ended at {as_of} ({first_open})")
    decisions = tg.target_decisions(releases)
    targets = tg.policy_targets(releases, region)
    assumptions = resolve_all(scenarios, releases, region)
    boundaries = list(dict.fromkeys(a.boundary for a in assumptions))
    loaded = dict(estimates or {})
    for boundary in boundaries:
        if boundary not in loaded:
            loaded[boundary] = load_estimates(releases, region, boundary, methods, level=estimate_level, seed=seed)
    projections: list[Projection] = []
    frames: dict[str, list[pd.DataFrame]] = {k: [] for k in ("history", "published", "fits", "measured")}
    rows: dict[str, list[dict]] = {k: [] for k in ("starts", "latest", "achieved")}
    rules: dict[tuple[str, str], str] = {}
    mains = {b: _trend([a for a in assumptions if a.boundary == b]) for b in boundaries}
    paths: dict[str, GrdpPath] = {b: main.grdp for b, main in mains.items()}
    trend = {b: main.id for b, main in mains.items() if main.centre == TREND}
    for boundary in boundaries:
        chosen = [a for a in assumptions if a.boundary == boundary]
        main = mains[boundary]
        est = loaded[boundary]
        needs_components = any(a.centre != TREND for a in chosen)
        for method in methods:
            ended = hist.ended_rows(est, method, first_open)
            if len(ended):
                rows["latest"].append({"boundary": boundary, "method": method,
                                       "last_year": int(ended["year"].iloc[-1]),
                                       "last_share": float(ended["value"].iloc[-1]),
                                       "last_status": str(ended["status"].iloc[-1])})
            rows["achieved"].append(_achieved(loaded, boundary, method, first_open, paths))
            start = hist.start_point(est, method, first_open, lens=method not in HEADLINE_METHODS)
            if start is None:
                rules[(boundary, method)] = f"no figure for any ended year of {method} ({boundary} boundary)"
                continue
            rows["starts"].append(start.row())
            components = est.components(method, start.year) if needs_components else None
            fitted = hist.fit_history(est, method, start)
            made, fit, rule = project_method(start, fitted, hist.history_draws(est, fitted, method), chosen, skill,
                                             horizon, components, draws, seed)
            projections += made
            frames["fits"].append(fit)
            rules[(boundary, method)] = rule
        levels = pd.Series({y: main.grdp.level(y) for y in range(FIRST_YEAR, first_open)})
        frames["history"].append(hist.history_table(est, first_open, levels))
        frames["published"].append(hist.published_history(releases, region, boundary, methods))
        frames["measured"].append(tg.measured(est, targets, first_open, main.grdp))
    groups = agreement_by_year(projections, level)
    fits = pd.concat(frames["fits"], ignore_index=True)
    assessed = tg.assess(projections, targets, first_open, groups, fits, calibration, level)
    measured = pd.concat(frames["measured"], ignore_index=True)
    starts, latest, achieved = (pd.DataFrame(rows[k]) for k in ("starts", "latest", "achieved"))
    headline = tg.headline(assessed, measured, starts, latest, achieved, targets, trend, paths, first_open, level)
    return Assessment(decisions, targets, pd.concat([e.table for e in loaded.values()], ignore_index=True),
                      pd.concat(frames["history"], ignore_index=True),
                      pd.concat(frames["published"], ignore_index=True), starts, fits,
                      bands(projections, first_open, groups), assessed, headline,
                      tg.crossing(projections, targets, groups, level), measured, assumptions, first_open, rules)


def _achieved(estimates: dict[str, Estimates], boundary: str, method: str, first_open: int,
              paths: dict[str, GrdpPath]) -> dict[str, object]:
    """The growth achieved by a method on the boundary itself: its series in the boundary's estimates table over the
    ended years, the published figure of a year, else grdp's estimate (:func:`grdp.forecast.policy_targets.
    achieved_growth` says which)."""
    table = estimates[boundary].table
    rows = table[(table["method"] == method) & table["status"].isin(["published", "estimate"])
                 & (table["year"] < first_open) & table["value"].notna()]
    found: dict[str, object] = {"boundary": boundary, "method": method, "achieved_boundary": boundary}
    return found | tg.achieved_growth(rows[["year", "value", "status"]], paths[boundary])
