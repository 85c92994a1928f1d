"""Rolling-origin evaluation of the forecasting models, and the skill weights of the ensemble.

For a series ``y[1..n]`` and each origin ``o = n_min, ..., n-1`` every model is fitted on
``y[1..o]`` and forecasts ``h = 1..H`` periods ahead (as far as the data go; Tashman 2000). Each
forecast is scored by

* the scaled absolute error ``q = |y[o+h] - median| / S_o``, where ``S_o`` is the in-sample mean
  absolute error of the one-step naive forecast (seasonal naive, lag ``m``, for quarterly series)
  on ``y[1..o]``; the mean of ``q`` over forecasts is the MASE (Hyndman and Koehler 2006), below 1
  when a model beats the in-sample naive forecast;
* whether ``y[o+h]`` falls inside the central 80% and 95% intervals of the simulated paths; the
  share of forecasts inside is the empirical coverage;
* its probability integral transform ``PIT = #{r: x[r, h] <= y[o+h]} / R``, the predictive distribution
  evaluated at the outcome: uniform on (0, 1) when the forecast distribution is calibrated (Dawid 1984;
  Gneiting, Balabdaoui and Raftery 2007). :mod:`grdp.forecast.probability_calibration` tests it.

Every model is scored at every origin, so all are compared on the same forecasts. A model refused at an
origin (a saturation curve whose ceiling the data do not identify, a sample too short) is scored as what
the ensemble would then use in its place: the equal mixture of the models usable there (the union of their
simulated paths; ``scored_as`` names them, ``status`` stays ``refused``). The *relative MASE* is
``mean(q_model) / mean(q_naive)`` over the (series, origin, horizon) both forecast; below 1 the model
beats the naive forecast.

The scored series fall into two labelled *sets* (:func:`series_set`): ``digital``, the digital-economy
shares (the national GSO and MIC shares by rolling origin and in real time), which resemble the target, and
``sections``, the shares of national GDP of VSIC sections, a second set with many more forecasts.

A model is *judged* on a series only with at least :data:`MIN_FORECASTS` scored forecasts; with
fewer, the table says the sample is too short to judge it. The forecast median is the point
forecast scored, so the MASE and the coverage refer to the same paths the target assessment uses.

Ensemble weights (:func:`skill_weights`): ``w_m = (1 / rMASE_m) / sum_j (1 / rMASE_j)`` with ``rMASE`` the
relative MASE pooled over the annual share series of one set (:func:`pooled_share_skill`): the ``digital``
set where it judges every usable model (at least :data:`MIN_FORECASTS` forecasts each), else the
``sections`` set, and the rule says which and why. A model not judged in the set used gets no weight; if
none is judged the weights are equal, and the rule says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grdp.base.series_sets import SETS
from grdp.forecast.models import MODELS, Forecast, forecast, time_steps

MIN_FORECASTS = 10
"""Fewest scored forecasts for a model to be judged on a series."""

LEVELS = (0.8, 0.95)
"""Interval levels whose coverage is measured."""


def _naive_scale(values: np.ndarray, t: np.ndarray, period: int) -> float:
    """Mean absolute one-step (seasonal) naive error over consecutive observations."""
    lag = period
    pairs = [(i - lag, i) for i in range(lag, len(values)) if t[i] - t[i - lag] == lag]
    if not pairs:
        return float("nan")
    return float(np.mean([abs(values[j] - values[i]) for i, j in pairs]))


def series_set(name: str) -> str:
    """The set of a backtest series: ``digital`` for a digital-economy share (``vn_de_share_*``), else
    ``sections``."""
    return SETS[0] if name.startswith("vn_de_share") else SETS[1]


def stand_ins(results: dict[str, Forecast]) -> dict[str, tuple[np.ndarray, str]]:
    """What each refused model is scored as: the equal mixture of the usable models' paths.

    Parameters
    ----------
    results
        The forecasts of every model from one origin (same periods and number of paths).

    Returns
    -------
    dict
        ``model -> (paths, names)`` for every model: its own paths and name when usable; for a refused
        model the union of the usable models' paths (an equal-weight mixture) and their names joined by
        ``+``. Empty when no model is usable.
    """
    usable = [m for m, r in results.items() if r.usable]
    if not usable:
        return {}
    mixture = np.concatenate([results[m].paths for m in usable], axis=0)
    joined = "+".join(usable)
    return {m: (r.paths, m) if r.usable else (mixture, joined) for m, r in results.items()}


def rolling_origin(data: pd.Series | pd.DataFrame, name: str, scale: str, *, horizon: int = 5,
                   min_train: int | None = None, models: tuple[str, ...] | None = None, draws: int = 1000,
                   seed: int = 0) -> pd.DataFrame:
    """Score every model's forecasts from every origin of one series.

    Parameters
    ----------
    data
        The series (or, for a share, a frame with ``share``, ``numerator`` and ``denominator``),
        indexed as in :func:`grdp.forecast.models.forecast`.
    name
        Name of the series in the output.
    scale
        ``share``, ``level`` or ``rate``.
    horizon
        Largest horizon scored.
    min_train
        Observations in the first training sample; default 5 (annual) or 12 (quarterly), or one less than
        the series' length (at least 3) for a shorter series, so that it is still scored and reported.
    models
        Models to evaluate; default all for the scale.
    draws
        Paths simulated per forecast.
    seed
        Seed of the simulations (each origin and model gets its own stream).

    Returns
    -------
    pandas.DataFrame
        One row per model, origin and horizon: ``series, model, origin, horizon, target, actual,
        forecast, error, scaled_error, in_80, in_95, pit, status`` (refused fits are kept with ``status``
        ``refused`` and no score).
    """
    frame = data if isinstance(data, pd.DataFrame) else None
    values = (frame["share"] if frame is not None else data).dropna().sort_index()
    t, period = time_steps(values.index)
    min_train = min_train or min(5 if period == 1 else 12, max(3, len(values) - 1))
    models = models or MODELS[scale]
    rows = []
    y = values.to_numpy(dtype=float)
    for origin in range(min_train, len(values)):
        train_index = values.index[:origin]
        train = frame.loc[train_index] if frame is not None else values.loc[train_index]
        scale_o = _naive_scale(y[:origin], t[:origin], period)
        steps = min(horizon, len(values) - origin)
        future = values.index[origin:origin + steps]
        # the horizon is counted in periods after the origin, so gaps in the future are respected
        ahead = int(t[origin + steps - 1] - t[origin - 1])
        results = {model: forecast(train, model, ahead, scale=scale, draws=draws,
                                   seed=seed * 7919 + origin * 101 + number) for number, model in enumerate(models)}
        scored = stand_ins(results)
        for model, result in results.items():
            for k, target in enumerate(future):
                h = int(t[origin + k] - t[origin - 1])
                if h > horizon:
                    continue
                row = {"series": name, "model": model, "origin": train_index[-1], "horizon": h, "target": target,
                       "actual": y[origin + k], "status": result.report.status}
                if model in scored:
                    paths, scored_as = scored[model]
                    row |= score(paths[:, h - 1], y[origin + k], scale_o) | {"scored_as": scored_as}
                rows.append(row)
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


COLUMNS = ["series", "model", "origin", "horizon", "target", "actual", "forecast", "error", "scaled_error", "in_80",
           "in_95", "pit", "status", "scored_as"]
"""Columns of a table of scored forecasts."""


def score(paths: np.ndarray, actual: float, scale: float) -> dict[str, float | bool]:
    """Score one forecast's simulated values of one period against the outcome (see the module docstring)."""
    median = float(np.median(paths))
    row: dict[str, float | bool] = {"forecast": median, "error": actual - median,
                                    "scaled_error": abs(actual - median) / scale,
                                    "pit": float((paths <= actual).mean())}
    for level in LEVELS:
        tail = 100 * (1 - level) / 2
        lower, upper = np.percentile(paths, [tail, 100 - tail])
        row[f"in_{round(100 * level)}"] = bool(lower <= actual <= upper)
    return row


def summarise(errors: pd.DataFrame, by: tuple[str, ...] = ("series", "model")) -> pd.DataFrame:
    """Summarise scored forecasts: MASE, coverage and whether the sample can judge the model.

    Parameters
    ----------
    errors
        Output of :func:`rolling_origin` (one or several series concatenated).
    by
        Grouping columns, e.g. ``("series", "model")`` or ``("series", "model", "horizon")``.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns plus ``forecasts`` (scored), ``refused`` (fits refused), ``mase``, ``relative_mase``
        (against the naive forecast on the same forecasts), ``coverage_80``, ``coverage_95``, ``judged`` and
        ``verdict`` (plain words).
    """
    keys = ["series", "origin", "horizon"]
    naive = errors[errors["model"] == "naive"].set_index(keys)["scaled_error"]
    paired_once = naive.index.is_unique  # one naive forecast per series, origin and horizon: pair every row at once
    if paired_once:
        errors = errors.join(naive.rename("naive_error"), on=keys)
    rows = []
    for key, group in errors.groupby(list(by), sort=False):
        scored = group.dropna(subset=["scaled_error"])
        n = len(scored)
        paired = (scored if paired_once else scored.join(naive.rename("naive_error"), on=keys)
                  ).dropna(subset=["naive_error"])
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        row |= {"forecasts": n, "refused": int((group["status"] == "refused").sum()),
                "mase": scored["scaled_error"].mean() if n else np.nan,
                "relative_mase": (paired["scaled_error"].mean() / paired["naive_error"].mean()
                                  if len(paired) and paired["naive_error"].mean() > 0 else np.nan),
                "coverage_80": scored["in_80"].astype(float).mean() if n else np.nan,
                "coverage_95": scored["in_95"].astype(float).mean() if n else np.nan}
        row["judged"] = n >= MIN_FORECASTS
        row["verdict"] = _verdict(row)
        rows.append(row)
    return pd.DataFrame(rows)


def _verdict(row: dict) -> str:
    n = row["forecasts"]
    if n == 0:
        return "no forecast: the model was refused at every origin"
    if n < MIN_FORECASTS:
        return f"too short to judge ({n} forecasts; at least {MIN_FORECASTS} needed)"
    relative = row["relative_mase"]
    skill = "is the benchmark" if row.get("model") == "naive" else (
        f"{'beats' if relative < 1 else 'does not beat'} the naive forecast (relative MASE {relative:.2f})")
    return (f"{skill}; MASE {row['mase']:.2f}; "
            f"coverage {100 * row['coverage_80']:.0f}% of 80%, {100 * row['coverage_95']:.0f}% of 95%")


def skill_weights(summary: pd.DataFrame, usable: list[str]) -> tuple[pd.Series, str]:
    """Ensemble weights proportional to inverse relative MASE in one set of series (see the module docstring).

    Parameters
    ----------
    summary
        :func:`pooled_share_skill`: by ``set`` and ``model``, with ``forecasts``, ``relative_mase`` and
        ``judged``.
    usable
        Models that produced a forecast for the series being combined.

    Returns
    -------
    (pandas.Series, str)
        Weights indexed by model (summing to 1) and the rule applied, in words.
    """
    if not usable:
        raise ValueError("no usable model to combine")
    chosen, why = None, []
    for name in SETS:
        rows = summary[(summary["set"] == name) & summary["model"].isin(usable)]
        judged = rows[rows["judged"] & (rows["relative_mase"] > 0)]
        if len(judged) == len(usable) or (name == SETS[-1] and not judged.empty):
            chosen = (name, judged)
            break
        fewest = int(rows["forecasts"].min()) if len(rows) else 0
        why.append(f"the {name} series judge {len(judged)} of the {len(usable)} usable models (fewest forecasts "
                   f"{fewest}; at least {MIN_FORECASTS} needed)")
    if chosen is None:
        weights = pd.Series(1.0 / len(usable), index=usable, name="weight")
        return weights, "equal weights: " + "; ".join(why)
    name, judged = chosen
    inverse = 1.0 / judged.set_index("model")["relative_mase"]
    weights = (inverse / inverse.sum()).rename("weight")
    rule = (f"weights proportional to 1/relative MASE in the pooled rolling-origin backtest of the {name} series, "
            "every model scored at every origin")
    if why:
        rule += " (" + "; ".join(why) + ")"
    left_out = [m for m in usable if m not in weights.index]
    if left_out:
        rule += f"; not judged, so no weight: {', '.join(left_out)}"
    return weights, rule


def run_backtests(series: dict[str, pd.Series | pd.DataFrame], *, horizon: int = 5, draws: int = 1000,
                  seed: int = 0, models: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Run :func:`rolling_origin` on every series of a collection.

    Parameters
    ----------
    series
        Series by name, each with ``attrs["scale"]`` and ``attrs["period"]`` (see
        :func:`grdp.forecast.series.backtest_series`).
    horizon, draws, seed, models
        As for :func:`rolling_origin` (``models`` must apply to every series' scale).

    Returns
    -------
    pandas.DataFrame
        The scored forecasts of every series, with ``scale`` and ``period`` columns added.
    """
    frames = []
    for name, data in series.items():
        scale = data.attrs["scale"]
        frames.append(rolling_origin(data, name, scale, horizon=horizon, models=models, draws=draws, seed=seed)
                      .assign(scale=scale, period=data.attrs["period"]))
    return pd.concat(frames, ignore_index=True)


def pooled_share_skill(errors: pd.DataFrame) -> pd.DataFrame:
    """Summarise the annual share series by set and model (:func:`series_set`): the basis of the ensemble weights.

    Parameters
    ----------
    errors
        Scored forecasts (:func:`run_backtests`, optionally with real-time rows, which carry a ``release``; the
        forecasts of one release are paired with that release's naive forecast).

    Returns
    -------
    pandas.DataFrame
        ``set`` and the columns of :func:`summarise` by model.
    """
    shares = errors[(errors["scale"] == "share") & (errors["period"] == 1)]
    if shares.empty:
        raise ValueError("no annual share series in the backtest: the ensemble weights need one")
    if "release" in shares.columns:
        release = shares["release"].fillna("").astype(str)
        shares = shares.assign(series=shares["series"].where(release == "", shares["series"] + "@" + release))
    frames = [summarise(group, by=("model",)).assign(set=name)
              for name, group in shares.groupby(shares["series"].map(series_set), sort=False)]
    table = pd.concat(frames, ignore_index=True)
    order = {name: i for i, name in enumerate(SETS)}
    table = table.sort_values("set", key=lambda c: c.map(order), kind="stable")
    return table[["set", *(c for c in table.columns if c != "set")]].reset_index(drop=True)
