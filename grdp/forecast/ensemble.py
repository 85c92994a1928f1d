"""The ensemble: a mixture of the models' simulated paths, weighted by backtest skill.

With weights ``w_m`` (:func:`grdp.forecast.backtest.skill_weights`) and ``R`` paths, the ensemble
takes ``round(w_m R)`` paths, drawn without replacement, from each model (the rounding remainder goes
to the largest weights). Its predictive distribution is the mixture ``sum_m w_m F_m``, so its
intervals and probabilities account for the disagreement between models as well as each model's
own uncertainty (a linear opinion pool; Stone 1961, Hall and Mitchell 2007). Its point forecast is
the weighted mean of the models' point forecasts.

A mixture of models that disagree is multimodal, and one interval over it would span values between the
modes that no model expects. :func:`agreement` says whether the models agree in a year (every model's
median inside every other model's central interval) and counts the groups they fall into; the ensemble's
median, interval and probability are presented only where they agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grdp.forecast.models import FitReport, Forecast

NAME = "ensemble"


def allocate(weights: pd.Series, total: int) -> pd.Series:
    """Split ``total`` paths between models in proportion to ``weights`` (largest remainders)."""
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(int)
    remainder = total - counts.sum()
    order = (raw - counts).sort_values(ascending=False, kind="stable").index[:remainder]
    counts[order] += 1
    return counts


def combine(forecasts: dict[str, Forecast], weights: pd.Series, rule: str, seed: int = 0) -> Forecast:
    """Combine usable forecasts into the ensemble.

    Parameters
    ----------
    forecasts
        Forecasts by model name; all must share the same periods and number of paths.
    weights
        Weight of each combined model (index = model names present in ``forecasts``).
    rule
        The weighting rule in words, kept in the report.
    seed
        Seed for picking the paths.

    Returns
    -------
    Forecast
        Named ``ensemble``; its report lists the weights.
    """
    members = [m for m in weights.index if weights[m] > 0]
    missing = [m for m in members if m not in forecasts or not forecasts[m].usable]
    if missing:
        raise ValueError(f"weighted models without a forecast: {', '.join(missing)}")
    first = forecasts[members[0]]
    total = first.paths.shape[0]
    counts = allocate(weights[members], total)
    rng = np.random.default_rng(seed)
    parts = [forecasts[m].paths[rng.choice(total, size=counts[m], replace=False)] for m in members]
    point = sum(weights[m] / weights[members].sum() * forecasts[m].point for m in members)
    report = FitReport(NAME, first.report.n_obs, "ok", "", None, rule,
                       {f"weight.{m}": float(weights[m] / weights[members].sum()) for m in members})
    return Forecast(NAME, first.index, np.vstack(parts), point, report)



def agreement(medians: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[bool, int]:
    """Whether the models agree in one period, and into how many groups they fall.

    Two models are *compatible* when each one's median lies inside the other's central interval
    ``[lower, upper]``; the models *agree* when every pair is compatible. The groups are the connected
    components of the compatibility relation (1 when they agree; e.g. 2 when two models project one value and
    three another).

    Returns
    -------
    (bool, int)
        Whether they agree, and the number of groups.

    Raises
    ------
    ValueError
        If there is no model or the arrays differ in length.
    """
    medians, lower, upper = (np.asarray(a, dtype=float) for a in (medians, lower, upper))
    if medians.size == 0 or not medians.shape == lower.shape == upper.shape:
        raise ValueError("agreement needs at least one model and as many medians as interval ends")
    inside = (medians[None, :] >= lower[:, None]) & (medians[None, :] <= upper[:, None])
    compatible = inside & inside.T
    group = list(range(medians.size))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i
    for i, j in zip(*np.nonzero(compatible)):
        group[root(int(i))] = root(int(j))
    return bool(compatible.all()), len({root(i) for i in range(medians.size)})
