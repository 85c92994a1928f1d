"""When a probability may be published: the calibration evidence of the models and the rule that reads it.

**Evidence.** The models are scored out of sample on *comparable series*: the annual shares of national GDP
of six VSIC sections (C, G, J, K, M, N) and the national digital-economy shares published by GSO and MIC, by
rolling origin (:func:`grdp.forecast.backtest.rolling_origin`) and, for the national digital-economy shares,
in real time (:func:`realtime_backtest`: from each release, the series as it was known then, scored against
the figures known at the vintage's date). For each model and horizon ``h`` (:func:`calibration_table`):

* ``n`` scored forecasts, the empirical coverage of the central 80% and 95% intervals and the two-sided exact
  binomial p-values of ``k80 ~ Bin(n, 0.80)`` and ``k95 ~ Bin(n, 0.95)``;
* the Kolmogorov-Smirnov p-value of the PIT values against the uniform distribution (a calibrated predictive
  distribution has uniform PIT; Dawid 1984, Gneiting, Balabdaoui and Raftery 2007).

A model is *calibrated at horizon h* when ``n >= N_MIN`` and none of the three tests rejects at ``ALPHA``.
The forecasts of one series from successive origins overlap, so the tests are lenient: passing them is a
necessary condition, not a proof of calibration.

**Rule** (:func:`probability_rule`). The probability of reaching a target in year ``Y`` is published only
for a headline definition (GSO, MIC), under the trend scenario, for the ensemble, and only when

1. the projection starts from a figure the institution published (not from a grdp estimate);
2. every model weighted in the ensemble is calibrated at ``h = Y - T`` (``T`` the start year) on the
   digital-economy series (:data:`grdp.base.series_sets.EVIDENCE_SET`; the section shares of GDP, a second
   set with many more forecasts, are reported but do not license a probability about a digital-economy
   share), which also requires those backtests to reach that horizon;
3. the models agree in ``Y``: every model's median lies inside every other model's central 80% interval
   (:func:`grdp.forecast.ensemble.agreement`), so the ensemble is not a mixture of disjoint modes.

Otherwise the table gives the range across models and scenarios and the reason there is no probability.
A scenario other than the trend is an assumption, not a forecast: the probability of reaching a target under
it would only restate the assumption, so it is never published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from grdp import sources as src
from grdp.base.method_names import HEADLINE_METHODS
from grdp.base.series_sets import EVIDENCE_SET, MIN_CALIBRATION_FORECASTS, SETS
from grdp.forecast import backtest
from grdp.forecast import series as bseries
from grdp.forecast.models import forecast

N_MIN = MIN_CALIBRATION_FORECASTS
"""Fewest scored forecasts at a horizon for a model to be judged calibrated there."""
ALPHA = 0.05
"""Level of the coverage and PIT tests."""
MIN_KNOWN = 3
"""Fewest years known at a release for it to be an origin of the real-time backtest (no model fits fewer)."""


def realtime_backtest(releases: src.Releases, models: tuple[str, ...], *, horizon: int = 5,
                      draws: int = 500, seed: int = 0) -> pd.DataFrame:
    """Score each model's forecasts of the national digital-economy shares from every release, in real time.

    For each release date ``r`` known to the vintage's as-of view ``releases`` of the GSO and MIC national shares,
    the series as known at ``r`` (``releases.at(r)``, :func:`grdp.forecast.series.national_digital_share`; at
    least :data:`MIN_KNOWN` years) is projected to every later year the view knows (up to ``horizon`` years
    ahead) and scored against that year's figure in the view (:func:`grdp.forecast.backtest.score`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`grdp.forecast.backtest.COLUMNS` (``series`` is ``vn_de_share_<method>_realtime``,
        ``origin`` the last year known at the release; a refused model scored as
        :func:`grdp.forecast.backtest.stand_ins` says) plus ``release`` (ISO date), ``scale`` and ``period``.
    """
    rows = []
    for number, method in enumerate(bseries.METHODS):
        try:
            known_now = bseries.national_digital_share(releases, method)
        except ValueError:
            continue
        dates = bseries.national_digital_share_vintages(releases, method)["release_date"]
        for release in sorted(set(dates)):
            known = bseries.national_digital_share(releases.at(release.date().isoformat()), method)
            if len(known) < MIN_KNOWN:
                continue
            last = int(known.index.max())
            targets = [y for y in known_now.index if last < y <= last + horizon]
            if not targets:
                continue
            values = known.to_numpy(float)
            scale = float(np.mean(np.abs(np.diff(values)))) if len(values) > 1 else np.nan
            results = {model: forecast(known, model, max(targets) - last, scale="share", draws=draws,
                                       seed=seed * 7919 + number * 101 + k + release.year)
                       for k, model in enumerate(models)}
            scored = backtest.stand_ins(results)
            for model, result in results.items():
                for year in targets:
                    row = {"series": f"vn_de_share_{method}_realtime", "model": model, "origin": last,
                           "horizon": year - last, "target": year, "actual": float(known_now[year]),
                           "status": result.report.status, "release": release.date().isoformat()}
                    if model in scored:
                        paths, scored_as = scored[model]
                        row |= backtest.score(paths[:, year - last - 1], float(known_now[year]), scale)
                        row["scored_as"] = scored_as
                    rows.append(row)
    columns = [*backtest.COLUMNS, "release"]
    return pd.DataFrame(rows, columns=columns).assign(scale="share", period=1)


def calibration_table(errors: pd.DataFrame) -> pd.DataFrame:
    """The calibration evidence of each model at each horizon, by set of series (see the module docstring).

    Parameters
    ----------
    errors
        Scored forecasts of comparable series (:func:`grdp.forecast.backtest.run_backtests`, optionally with
        :func:`realtime_backtest` rows), with ``series, model, horizon, in_80, in_95, pit``.

    Returns
    -------
    pandas.DataFrame
        ``set`` (:func:`grdp.forecast.backtest.series_set`), ``model, horizon, forecasts, series, coverage_80,
        coverage_95, p_80, p_95, pit_ks_p, calibrated, verdict``.
    """
    scored = errors.dropna(subset=["pit"])
    scored = scored.assign(set=scored["series"].map(backtest.series_set))
    rows = []
    for (name, model, horizon), group in scored.groupby(["set", "model", "horizon"], sort=True):
        n = len(group)
        k80, k95 = int(group["in_80"].astype(bool).sum()), int(group["in_95"].astype(bool).sum())
        p80 = stats.binomtest(k80, n, 0.80).pvalue
        p95 = stats.binomtest(k95, n, 0.95).pvalue
        ks = stats.kstest(group["pit"].to_numpy(float), "uniform").pvalue if n > 1 else np.nan
        calibrated = bool(n >= N_MIN and min(p80, p95, ks) >= ALPHA)
        rows.append({"set": name, "model": model, "horizon": int(horizon), "forecasts": n,
                     "series": group["series"].nunique(), "coverage_80": k80 / n, "coverage_95": k95 / n,
                     "p_80": p80, "p_95": p95, "pit_ks_p": ks, "calibrated": calibrated,
                     "verdict": _verdict(n, k80 / n, k95 / n, p80, p95, ks)})
    columns = ["set", "model", "horizon", "forecasts", "series", "coverage_80", "coverage_95", "p_80", "p_95",
               "pit_ks_p", "calibrated", "verdict"]
    order = {name: i for i, name in enumerate(SETS)}
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("set", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)


def _verdict(n: int, c80: float, c95: float, p80: float, p95: float, ks: float) -> str:
    scores = (f"coverage {100 * c80:.0f}% of 80% (p = {p80:.2f}), {100 * c95:.0f}% of 95% (p = {p95:.2f}), "
              f"PIT uniformity p = {ks:.2f}")
    if n < N_MIN:
        return f"too few forecasts to judge ({n}; at least {N_MIN} needed): {scores}"
    failed = [name for name, p in (("80% coverage", p80), ("95% coverage", p95), ("PIT uniformity", ks))
              if not p >= ALPHA]
    return (f"not calibrated ({', '.join(failed)} rejected at {ALPHA:g}): " if failed else "calibrated: ") + scores


def probability_rule(*, method: str, trend: bool, start_status: str, horizon: int, models: list[str],
                     calibration: pd.DataFrame, agree: bool, groups: int = 1) -> tuple[bool, str]:
    """Whether the ensemble's probability of reaching a target may be published, and why (module docstring).

    Parameters
    ----------
    method
        The definition.
    trend
        Whether the scenario is the trend scenario.
    start_status
        ``published`` or ``estimate``: what the projection starts from.
    horizon
        Years from the start to the target year.
    models
        The models weighted in the ensemble.
    calibration
        :func:`calibration_table`.
    agree, groups
        Whether the models agree in the target year, and the number of groups they fall into.

    Returns
    -------
    (bool, str)
        Whether it is published, and the reason in words (the evidence when it is published).
    """
    if method not in HEADLINE_METHODS:
        return False, "alternative lens: the targets were not set or tracked on this definition"
    if not trend:
        return False, "a scenario is an assumption, not a forecast: no probability is published under it"
    reasons = []
    if start_status != "published":
        reasons.append("the projection starts from a grdp estimate, not from a published figure")
    resembling = calibration[calibration["set"] == EVIDENCE_SET]
    at_h = resembling[resembling["horizon"] == horizon].set_index("model")
    reached = int(resembling["horizon"].max()) if len(resembling) else 0
    evidence = []
    for model in models:
        if model not in at_h.index:
            reasons.append(f"{model}: no backtest on the digital-economy series at horizon {horizon} (they "
                           f"reach {reached} years)")
            continue
        row = at_h.loc[model]
        evidence.append(f"{model}: {row['verdict']}")
        if not row["calibrated"]:
            reasons.append(f"{model} at horizon {horizon} on the digital-economy series: {row['verdict']}")
    if not agree:
        reasons.append(f"the models disagree: a model's median lies outside another's 80% interval "
                       f"({groups} group(s) of compatible models)")
    if reasons:
        return False, "; ".join(reasons)
    return True, f"every weighted model is calibrated at horizon {horizon} and the models agree (" + \
        "; ".join(evidence) + ")"
