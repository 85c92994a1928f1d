"""Digital-economy targets and the assessment of each projection against them.

Targets are data: the ``de_share_target`` rows of ``sources/policy_targets`` (HCMC 15% 2022, 22% 2024,
25% 2025, 40% 2030 from the HCMC Digital Transformation Programme of July 2020 and Decision
503/QĐ-UBND; Vietnam 20% 2025, 30% 2030 from Decision 411/QĐ-TTg), each with its legal source and URL.

For a projection whose last observed share is ``s_T`` in year ``T``, a target ``s*`` in year
``Y > T`` (``h = Y - T``) and projected paths ``x[r, h]``:

* projected share: median and central intervals of ``x[., h]``;
* probability of reaching the target: ``P = #{r: x[r, h] >= s*} / R``, from the same paths as the
  interval, so ``P`` is below 10% exactly when ``s*`` lies above the upper end of the 80% interval;
* gap: ``s* - median`` in percentage points (positive = shortfall) and ``(s* - median) / 100 * GRDP[Y]``
  in bn VND, with ``GRDP[Y]`` the projected GRDP;
* required excess growth, the annual growth of digital value added *in excess of* GRDP growth that
  takes the share from ``s_T`` to ``s*`` in ``h`` years: ``x* = (s* / s_T)^(1/h) - 1`` (methods note
  §4.2); the required nominal growth of digital value added is ``(1 + g) (1 + x*) - 1`` with ``g``
  the projected annual GRDP growth;
* crossing year of a threshold: for each path the first year ``t`` with ``x[r, t] >= s*`` (the last
  observed year when ``s_T >= s*`` already); the median and interval of that year over paths, with
  paths that never cross by the horizon counted as "later than the horizon".

A target year at or before ``T`` is not forecast: it is compared with the estimate of that year and its
Monte Carlo interval (:func:`measured`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.digital.model import DigitalModel
from grdp.digital.uncertainty import Simulation
from grdp.forecast.projection import Projection

VARIABLE = "de_share_target"


def policy_targets(observations: pd.DataFrame, region: str | None = None, as_of: str | None = None) -> pd.DataFrame:
    """Return the digital-economy share targets with their legal sources.

    Parameters
    ----------
    observations
        All observations (:func:`grdp.sources.load_observations`).
    region
        ``hcmc`` or ``vn``; ``None`` for both.
    as_of
        Only targets published on or before this date.

    Returns
    -------
    pandas.DataFrame
        ``region, year, target`` (percent), ``source`` (the legal instrument and where it was read),
        ``published`` (date), ``url``, ``rating``, ``note``; sorted by region and year.

    Raises
    ------
    ValueError
        If no target is found.
    """
    rows = src.as_of(observations, as_of)
    rows = rows[rows["variable"] == VARIABLE]
    if region is not None:
        rows = rows[rows["region"] == region]
    if rows.empty:
        raise ValueError(f"no {VARIABLE} rows for region {region!r} in the sources (as of {as_of})")
    table = pd.DataFrame({"region": rows["region"], "year": rows["period"].astype(int), "target": rows["value"],
                          "source": rows["publisher"], "published": rows["publication_date"], "url": rows["url"],
                          "rating": rows["rating"], "note": rows["note"]})
    return table.sort_values(["region", "year"]).reset_index(drop=True)


def required_excess_growth(start: float, target: float, years: int) -> float:
    """Annual growth of digital value added in excess of GRDP growth, percent.

    ``100 ((target/start)^(1/years) - 1)``.
    """
    if years < 1:
        raise ValueError(f"years must be at least 1, not {years}")
    if start <= 0 or target <= 0:
        raise ValueError("shares must be positive")
    return 100 * ((target / start) ** (1 / years) - 1)


def required_growth(excess: float, grdp_growth: float) -> float:
    """Nominal growth of digital value added, percent, given the excess and GRDP growth (both percent)."""
    return 100 * ((1 + grdp_growth / 100) * (1 + excess / 100) - 1)


def crossing_years(paths: np.ndarray, years: np.ndarray, threshold: float, last_year: int,
                   last_share: float) -> np.ndarray:
    """First year each path reaches ``threshold`` (``inf`` if never within ``years``).

    Returns ``last_year`` for every path when the last observed share already reaches the threshold.
    """
    if last_share >= threshold:
        return np.full(paths.shape[0], float(last_year))
    reached = paths >= threshold
    first = np.argmax(reached, axis=1)
    return np.where(reached.any(axis=1), years[first].astype(float), np.inf)


def _crossing_summary(crossing: np.ndarray, level: float, end: int) -> dict[str, object]:
    tail = 100 * (1 - level) / 2
    finite = np.isfinite(crossing)

    def pick(q: float) -> float:
        value = np.percentile(np.where(finite, crossing, 1e9), q)
        return float(value) if value < 1e9 else np.nan
    return {"probability_by_end": float(finite.mean()), "crossing_median": pick(50),
            "crossing_lower": pick(tail), "crossing_upper": pick(100 - tail),
            "crossing_note": "" if finite.mean() > 1 - tail / 100 else f"upper end later than {end}"}


def assess(projections: list[Projection], targets: pd.DataFrame, level: float = 0.8) -> pd.DataFrame:
    """Assess every projection against every target year after its history.

    Parameters
    ----------
    projections
        From :func:`grdp.forecast.projection.project_method`.
    targets
        Rows of :func:`policy_targets` for the region.
    level
        Central interval level reported (the 95% interval is always reported too).

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, scenario, model, target_year, target, source, horizon, median, lower, upper,
        lower_95, upper_95, probability, gap_pp, grdp, gap_bn_vnd, last_year, last_share,
        required_excess_growth, grdp_growth, required_digital_growth``.
    """
    rows = []
    for p in projections:
        years = np.asarray(p.forecast.index, dtype=int)
        for target in targets.itertuples():
            h = int(target.year) - p.last_year
            if h < 1 or h > len(years):
                continue
            paths = p.forecast.paths[:, h - 1]
            tail = 100 * (1 - level) / 2
            lower, upper, lower95, upper95 = np.percentile(paths, [tail, 100 - tail, 2.5, 97.5])
            median = float(np.median(paths))
            grdp = float(p.grdp.loc[int(target.year)])
            excess = required_excess_growth(p.last_share, target.target, h)
            grdp_growth = 100 * ((grdp / p.last_grdp) ** (1 / h) - 1)
            rows.append({
                "boundary": p.boundary, "method": p.method, "scenario": p.scenario, "model": p.model,
                "target_year": int(target.year), "target": target.target, "source": target.source, "horizon": h,
                "median": median, "lower": lower, "upper": upper, "lower_95": lower95, "upper_95": upper95,
                "level": level, "probability": float((paths >= target.target).mean()),
                "gap_pp": target.target - median, "grdp": grdp, "gap_bn_vnd": (target.target - median) / 100 * grdp,
                "last_year": p.last_year, "last_share": p.last_share, "required_excess_growth": excess,
                "grdp_growth": grdp_growth, "required_digital_growth": required_growth(excess, grdp_growth)})
    return pd.DataFrame(rows)


def crossing(projections: list[Projection], thresholds: list[float], level: float = 0.8) -> pd.DataFrame:
    """Projected year of crossing each threshold, with its interval, for every projection.

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, scenario, model, threshold, probability_by_end, crossing_median, crossing_lower,
        crossing_upper, crossing_note, level`` (years as numbers; ``nan`` = later than the horizon).
    """
    rows = []
    for p in projections:
        years = np.asarray(p.forecast.index, dtype=int)
        for threshold in thresholds:
            first = crossing_years(p.forecast.paths, years, threshold, p.last_year, p.last_share)
            rows.append({"boundary": p.boundary, "method": p.method, "scenario": p.scenario, "model": p.model,
                         "threshold": threshold} | _crossing_summary(first, level, int(years[-1])) | {"level": level})
    return pd.DataFrame(rows)


def measured(model: DigitalModel, targets: pd.DataFrame, simulations: dict[int, Simulation],
             level: float = 0.8) -> pd.DataFrame:
    """Compare targets of years with an estimate (not a forecast) with that estimate.

    Parameters
    ----------
    model
        The model of the region and boundary.
    targets
        Rows of :func:`policy_targets`.
    simulations
        Monte Carlo simulation of the estimate (:func:`grdp.digital.uncertainty.simulate`) of every target
        year that has an account; its methods are the methods compared.
    level
        Central interval level.

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, target_year, target, source, estimate, lower, upper, probability, met, gap_pp,
        gap_bn_vnd`` where ``probability`` is the Monte Carlo probability that the share reached the target.
    """
    rows = []
    tail = 100 * (1 - level) / 2
    for target in targets.itertuples():
        year = int(target.year)
        if year not in model.accounts.years:
            continue
        simulation = simulations[year]
        grdp = float(model.accounts.grdp[model.accounts.index(year)])
        for method in simulation.samples:
            samples = simulation.samples[method]["total"]
            estimate = simulation.point[method]["total"]
            lower, upper = np.percentile(samples, [tail, 100 - tail])
            rows.append({"boundary": model.boundary, "method": method, "target_year": year, "target": target.target,
                         "source": target.source, "estimate": estimate, "lower": lower, "upper": upper,
                         "level": level, "probability": float((samples >= target.target).mean()),
                         "met": bool(estimate >= target.target), "gap_pp": target.target - estimate,
                         "gap_bn_vnd": (target.target - estimate) / 100 * grdp})
    return pd.DataFrame(rows)
