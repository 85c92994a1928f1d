"""Projections of each method's share: every model, the ensemble, under every scenario.

For one method's history (:func:`grdp.forecast.history.share_history`):

1. every share model of :mod:`grdp.forecast.models` is fitted and simulated (refused models are kept
   with their reason);
2. the usable models are combined into the ensemble (:mod:`grdp.forecast.ensemble`) with the
   backtest skill weights (:func:`grdp.forecast.backtest.skill_weights`);
3. each scenario (:mod:`grdp.forecast.scenarios`) sets the centre: a ``trend`` scenario keeps each
   model's paths; a ``components`` scenario recentres them, ``x'[r, h] = x[r, h] c(h) / median_r x[r, h]``,
   on its component path ``c(h)``, so the model supplies the spread and the scenario the centre;
4. the uncertainty of the starting point is added: every path is multiplied by
   ``S[r] / S_hat``, a draw of the last year's share from the Monte Carlo simulation of the estimate
   (:func:`grdp.digital.uncertainty.simulate`) over its point value; the level error carries forward.

GRDP, which turns gaps in percentage points into bn VND, is projected with the median path of the
random walk with drift on log GRDP (``trend``) or the scenario's nominal growth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from grdp.digital.model import DigitalModel
from grdp.digital.uncertainty import Simulation
from grdp.forecast import ensemble
from grdp.forecast.backtest import skill_weights
from grdp.forecast.history import component_shares
from grdp.forecast.models import MODELS, Forecast, forecast
from grdp.forecast.scenarios import Scenario

LEVELS = (0.8, 0.95)
"""Interval levels reported."""


@dataclass(frozen=True)
class Projection:
    """One method's projected share under one scenario by one model (or the ensemble)."""

    boundary: str
    method: str
    scenario: str
    model: str
    forecast: Forecast
    grdp: pd.Series
    """Projected GRDP, bn VND, by year (median path or scenario path)."""
    last_year: int
    last_share: float
    last_grdp: float


def grdp_trend(history: pd.Series, horizon: int, seed: int = 0) -> pd.Series:
    """Median path of the random walk with drift on log GRDP (bn VND by year)."""
    result = forecast(history, "drift", horizon, scale="level", draws=4000, seed=seed)
    if not result.usable:
        raise ValueError(f"GRDP cannot be projected: {result.report.reason}")
    return pd.Series(np.median(result.paths, axis=0), index=result.index, name="grdp")


def model_forecasts(history: pd.DataFrame, horizon: int, draws: int, seed: int) -> dict[str, Forecast]:
    """Fit and simulate every share model on one method's history (``year, share, numerator, denominator``)."""
    frame = history.set_index("year")[["share", "numerator", "denominator"]]
    return {m: forecast(frame, m, horizon, scale="share", draws=draws, seed=seed) for m in MODELS["share"]}


def _recentre(result: Forecast, centre: np.ndarray) -> Forecast:
    draws = result.paths * (centre / np.median(result.paths, axis=0))[None, :]
    return Forecast(result.model, result.index, draws, centre.copy(), result.report)


def _with_start(result: Forecast, factors: np.ndarray) -> Forecast:
    return Forecast(result.model, result.index, result.paths * factors[:, None], result.point, result.report)


def project_method(model: DigitalModel, history: pd.DataFrame, scenarios: list[Scenario], skill: pd.DataFrame,
                   horizon: int, start: Simulation, draws: int = 4000,
                   seed: int = 0) -> tuple[list[Projection], pd.DataFrame, str]:
    """Project one method's share under each scenario of the model's boundary.

    Parameters
    ----------
    model
        The calibrated model the history came from (for components and starting-point uncertainty).
    history
        One method's rows of :func:`grdp.forecast.history.share_history`.
    scenarios
        Scenarios to apply; those of another boundary are skipped.
    skill
        Pooled backtest summary by model (``model, mase, judged``) for the ensemble weights.
    horizon
        Years ahead of the last history year.
    start
        Monte Carlo simulation of the last history year (:func:`grdp.digital.uncertainty.simulate`), including
        the method: the uncertainty of the starting point.
    draws, seed
        Paths per model and seed.

    Returns
    -------
    (list of Projection, pandas.DataFrame, str)
        The projections, the fit reports (one row per model) and the ensemble's weighting rule.
    """
    method = str(history["method"].iloc[0])
    last = history.sort_values("year").iloc[-1]
    last_year = int(last["year"])
    results = model_forecasts(history, horizon, draws, seed)
    usable = [m for m, r in results.items() if r.usable]
    weights, rule = skill_weights(skill, usable)
    results[ensemble.NAME] = ensemble.combine(results, weights, rule, seed=seed)
    fits = pd.DataFrame([r.report.row() | {"weight": float(weights.get(m, 0.0))} for m, r in results.items()])
    if start.year != last_year:
        raise ValueError(f"the starting-point simulation is of {start.year}, not of the last history year {last_year}")
    relative = start.samples[method]["total"] / start.point[method]["total"]
    factors = np.random.default_rng([seed, last_year]).choice(relative, size=draws, replace=True)
    grdp_history = history.set_index("year")["denominator"]
    projections = []
    for scenario in scenarios:
        if scenario.boundary != model.boundary:
            continue
        if scenario.centre == "trend":
            grdp = grdp_trend(grdp_history, horizon, seed)
        else:
            years = pd.Index(range(last_year + 1, last_year + horizon + 1))
            grdp = pd.Series(scenario.grdp_path(float(last["denominator"]), horizon), index=years, name="grdp")
            centre = scenario.centre_path(component_shares(model, method, last_year), horizon)
        for name, result in results.items():
            if not result.usable:
                continue
            adjusted = result if scenario.centre == "trend" else _recentre(result, centre)
            projections.append(Projection(model.boundary, method, scenario.id, name, _with_start(adjusted, factors),
                                          grdp, last_year, float(last["share"]),
                                          float(last["denominator"])))
    return projections, fits.assign(boundary=model.boundary, method=method), rule


def bands(projections: list[Projection], levels: tuple[float, ...] = LEVELS) -> pd.DataFrame:
    """Return median and intervals of every projection by year (the fan-chart table).

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, scenario, model, year, median, lower_<L>, upper_<L>, point``.
    """
    frames = []
    for p in projections:
        table = p.forecast.quantiles(levels).rename(columns={"period": "year"})
        table.insert(0, "model", p.model)
        table.insert(0, "scenario", p.scenario)
        table.insert(0, "method", p.method)
        table.insert(0, "boundary", p.boundary)
        table["point"] = p.forecast.point
        frames.append(table)
    return pd.concat(frames, ignore_index=True)
