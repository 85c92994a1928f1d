"""Projections of each method's share from its start: every model, the ensemble, under every scenario.

For one method's start ``S`` in year ``T`` (:func:`grdp.forecast.history.start_point`) and its fitted history
(:func:`grdp.forecast.history.fit_history`):

1. every share model of :data:`PROJECTED` is fitted on the history and simulated for ``h = 1..H`` years after
   ``T`` (refused models are kept with their reason). The random walks (:data:`grdp.forecast.models.MEASURED_MODELS`)
   are fitted with the history's known measurement error, the covariance of its joint draws
   (:func:`grdp.forecast.history.history_draws`) on the log-odds scale (:mod:`grdp.forecast.measured_walk`), so
   their paths carry the uncertainty of the start, of the level and of the drift that the history leaves;
2. the saturation curves, fitted to the history's values, take the start's uncertainty as a shift on the
   log-odds scale, ``logit x'[r, h] = logit x[r, h] + logit S[r] - logit S``, ``S[r]`` a draw of the start (from a
   published figure's stated range, or the Monte Carlo draws of a grdp estimate);
3. the usable models are combined into the ensemble (:mod:`grdp.forecast.ensemble`) with the backtest skill
   weights (:func:`grdp.forecast.backtest.skill_weights`);
4. each scenario sets the centre: a ``trend`` scenario keeps each model's paths; a ``components`` scenario
   recentres them on the log-odds scale, ``logit x''[r, h] = logit x'[r, h] + logit c(h) - median_r logit x'[r, h]``,
   on its component path ``c(h)`` (:meth:`grdp.forecast.scenarios.Assumptions.centre_path`, from the start's
   component shares), so the model supplies the spread and the scenario the centre (the median of ``x''`` is
   ``c(h)``, the logit being monotone).

Every step works on the log-odds, so every path, band and probability stays inside (0, 100) under every scenario
(``logit p = log(p / (100 - p))`` for a share ``p`` in percent).

The driver models of :mod:`grdp.forecast.models` (``drivers-uc``, ``drivers-ets``) are not projected: they
forecast GRDP from its own history, which would contradict the scenario's one GRDP path. Each projection
carries its scenario's GRDP path (:class:`grdp.forecast.evidence.GrdpPath`), the only GRDP the bn VND and
nominal-growth arithmetic of :mod:`grdp.forecast.policy_targets` reads.

:func:`agreement_by_year` says, per boundary, method, scenario and year, whether the models agree and into how many
groups they fall (:func:`grdp.forecast.ensemble.agreement`, on their central 80% intervals); :func:`bands`
blanks the ensemble's median and intervals wherever they do not agree, so a mixture of disjoint modes is never
shown as one interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from grdp.forecast import ensemble
from grdp.forecast.backtest import skill_weights
from grdp.forecast.evidence import GrdpPath
from grdp.forecast.history import Start
from grdp.forecast.models import MEASURED_MODELS, Forecast, expit, forecast, logit
from grdp.forecast.scenarios import TREND, Assumptions

PROJECTED = ("naive", "drift", "logistic", "gompertz")
"""The share models projected (and backtested)."""
LEVELS = (0.8, 0.95)
"""Interval levels reported."""
PERCENTILES = (2.5, 10.0, 50.0, 90.0, 97.5)
"""Percentiles of every projection computed once: the median and the ends of the :data:`LEVELS` intervals."""


@dataclass(frozen=True)
class Projection:
    """One method's projected share under one scenario by one model (or the ensemble)."""

    boundary: str
    method: str
    scenario: str
    trend: bool
    model: str
    forecast: Forecast
    start: Start
    grdp: GrdpPath
    """The scenario's GRDP path."""

    def at(self, year: int) -> np.ndarray:
        """The simulated shares in ``year`` (a year after the start)."""
        return self.forecast.paths[:, year - self.start.year - 1]

    @cached_property
    def percentiles(self) -> pd.DataFrame:
        """Percentiles of the paths by year (rows :data:`PERCENTILES`, columns the years), computed once."""
        values = np.percentile(self.forecast.paths, PERCENTILES, axis=0)
        return pd.DataFrame(values, index=list(PERCENTILES), columns=pd.Index(self.forecast.index, dtype=int))

    def interval(self, level: float) -> tuple[pd.Series, pd.Series]:
        """Lower and upper ends of the central ``level`` interval by year."""
        tail = round(100 * (1 - level) / 2, 6)
        if tail not in self.percentiles.index:
            raise ValueError(f"level {level} is not among the levels computed ({', '.join(map(str, LEVELS))})")
        return self.percentiles.loc[tail], self.percentiles.loc[round(100 - tail, 6)]


def model_forecasts(history: pd.DataFrame, history_draws: np.ndarray, horizon: int, draws: int,
                    seed: int) -> dict[str, Forecast]:
    """Fit and simulate every projected model on a history (``share`` by year) and its joint draws ``(S, n)``."""
    return {m: forecast(history["share"], m, horizon, scale="share", draws=draws, seed=seed,
                        history_draws=history_draws) for m in PROJECTED}


def _recentre(result: Forecast, centre: np.ndarray) -> Forecast:
    z = logit(result.paths)
    paths = expit(z + (logit(centre) - np.median(z, axis=0))[None, :])
    return Forecast(result.model, result.index, paths, centre.copy(), result.report)


def _with_start(result: Forecast, shifts: np.ndarray) -> Forecast:
    paths = expit(logit(result.paths) + shifts[:, None])
    return Forecast(result.model, result.index, paths, result.point, result.report)


def project_method(start: Start, history: pd.DataFrame, history_draws: np.ndarray, scenarios: list[Assumptions],
                   skill: pd.DataFrame, horizon_year: int, components: dict[str, float] | None, draws: int = 4000,
                   seed: int = 0) -> tuple[list[Projection], pd.DataFrame, str]:
    """Project one method's share under each scenario of the start's boundary.

    Parameters
    ----------
    start
        The start (:func:`grdp.forecast.history.start_point`).
    history
        The fitted history (:func:`grdp.forecast.history.fit_history`), ending at the start year.
    history_draws
        Joint draws of the history's shares, one column per year (:func:`grdp.forecast.history.history_draws`).
    scenarios
        Resolved scenarios; those of another boundary are skipped.
    skill
        Pooled backtest summary by model (``model, relative_mase, judged``) for the ensemble weights.
    horizon_year
        Last year projected.
    components
        Each component's share of GRDP in the start year (needed only by ``components`` scenarios).
    draws, seed
        Paths per model and seed.

    Returns
    -------
    (list of Projection, pandas.DataFrame, str)
        The projections, the fit reports (one row per model, with the ensemble weight and the history's
        years by status) and the ensemble's weighting rule.
    """
    if int(history.index.max()) != start.year:
        raise ValueError(f"the history of {start.method} ends in {history.index.max()}, not at the start {start.year}")
    horizon = horizon_year - start.year
    results = model_forecasts(history, history_draws, horizon, draws, seed)
    shifts = np.random.default_rng([seed, start.year]).choice(logit(start.draws) - logit(np.array(start.share)),
                                                              size=draws, replace=True)
    results = {m: r if m in MEASURED_MODELS or not r.usable else _with_start(r, shifts) for m, r in results.items()}
    usable = [m for m, r in results.items() if r.usable]
    if not usable:
        reasons = "; ".join(f"{m}: {r.report.reason}" for m, r in results.items())
        fits = pd.DataFrame([r.report.row() | {"weight": 0.0} for r in results.values()])
        return [], _describe(fits, start, history), f"no model can be fitted ({reasons})"
    weights, rule = skill_weights(skill, usable)
    results[ensemble.NAME] = ensemble.combine(results, weights, rule, seed=seed)
    fits = pd.DataFrame([r.report.row() | {"weight": float(weights.get(m, 0.0))} for m, r in results.items()])
    projections = []
    for scenario in scenarios:
        if scenario.boundary != start.boundary:
            continue
        trend = scenario.centre == TREND
        centre = None if trend else scenario.centre_path(components or {}, horizon)
        if centre is not None and not np.all((centre > 0) & (centre < 100)):
            step = int(np.argmax((centre <= 0) | (centre >= 100)))
            year = start.year + 1 + step
            raise ValueError(f"scenario {scenario.id!r} puts {start.method}'s share at {centre[step]:.1f}% in "
                             f"{year} ({start.boundary} boundary), which is not a share of GRDP: its excess growth "
                             "cannot last that long")
        for name, result in results.items():
            if not result.usable:
                continue
            adjusted = result if centre is None else _recentre(result, centre)
            projections.append(Projection(start.boundary, start.method, scenario.id, trend, name, adjusted, start,
                                          scenario.grdp))
    return projections, _describe(fits, start, history), rule


def _describe(fits: pd.DataFrame, start: Start, history: pd.DataFrame) -> pd.DataFrame:
    counts = history["status"].value_counts()
    return fits.assign(boundary=start.boundary, method=start.method, start_year=start.year,
                       start_status=start.status, history_from=int(history.index.min()),
                       history_published=int(counts.get("published", 0)),
                       history_estimated=int(counts.get("estimate", 0)))


def agreement_by_year(projections: list[Projection], level: float = 0.8) -> dict[tuple[str, str, str], pd.DataFrame]:
    """Whether the models agree in each year, for each boundary, method and scenario (ensemble not counted).

    Returns
    -------
    dict
        ``(boundary, method, scenario) ->`` frame indexed by year with ``agree`` (bool) and ``groups`` (int), from
        the models' medians and central ``level`` intervals (:func:`grdp.forecast.ensemble.agreement`).
    """
    grouped: dict[tuple[str, str, str], list[Projection]] = {}
    for p in projections:
        if p.model != ensemble.NAME:
            grouped.setdefault((p.boundary, p.method, p.scenario), []).append(p)
    out = {}
    for key, members in grouped.items():
        medians = np.array([p.percentiles.loc[50.0].to_numpy() for p in members])
        lower = np.array([p.interval(level)[0].to_numpy() for p in members])
        upper = np.array([p.interval(level)[1].to_numpy() for p in members])
        found = [ensemble.agreement(medians[:, h], lower[:, h], upper[:, h]) for h in range(medians.shape[1])]
        out[key] = pd.DataFrame(found, columns=["agree", "groups"],
                                index=pd.Index(members[0].forecast.index, dtype=int, name="year"))
    return out


def bands(projections: list[Projection], first_open: int, groups: dict[tuple[str, str, str], pd.DataFrame],
          levels: tuple[float, ...] = LEVELS) -> pd.DataFrame:
    """Return median and intervals of every projection by open year (the fan-chart table).

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, scenario, model, year, median, lower_<L>, upper_<L>, point, models_agree, groups,
        grdp``: years from ``first_open`` on (ended years are never forecast); for the ensemble the median,
        intervals and point are blank in a year where the models do not agree; ``grdp`` is the scenario's GRDP
        path (bn VND).
    """
    frames = []
    for p in projections:
        keep = np.asarray(p.percentiles.columns) >= first_open
        years = np.asarray(p.percentiles.columns)[keep]
        found = groups[(p.boundary, p.method, p.scenario)].loc[years]
        table = {"boundary": p.boundary, "method": p.method, "scenario": p.scenario, "model": p.model, "year": years,
                 "median": p.percentiles.loc[50.0].to_numpy()[keep]}
        for lv in levels:
            lower, upper = p.interval(lv)
            table[f"lower_{round(100 * lv)}"] = lower.to_numpy()[keep]
            table[f"upper_{round(100 * lv)}"] = upper.to_numpy()[keep]
        table["point"] = np.asarray(p.forecast.point, dtype=float)[keep]
        frame = pd.DataFrame(table)
        frame["models_agree"] = found["agree"].to_numpy(bool)
        frame["groups"] = found["groups"].to_numpy(int)
        if p.model == ensemble.NAME:
            blank = ["median", *(c for c in frame.columns if c.startswith(("lower_", "upper_"))), "point"]
            frame.loc[~frame["models_agree"], blank] = np.nan
        frame["grdp"] = [p.grdp.level(int(y)) for y in years]
        frames.append(frame)
    columns = ["boundary", "method", "scenario", "model", "year", "median",
               *(f"{side}_{round(100 * lv)}" for lv in levels for side in ("lower", "upper")), "point", "models_agree",
               "groups", "grdp"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
