"""Nowcast of the quarterly digital-economy share after the last annual estimate, with an interval.

Quarters after the last annual estimate (``status == "nowcast"`` in
:class:`grdp.quarterly.digital_share.QuarterlyShare`) are extrapolations: the quarterly GRDP follows
its indicator with the last benchmark-to-indicator ratio, and each method's digital value added
follows its sections with the last digital content. Their error has two parts, combined on the log
scale:

* **extrapolation error**, measured by a pseudo-real-time backtest (as revision studies of
  quarterly national accounts do; IMF QNA Manual 2017, ch. 6 and 12): for every year ``Y`` after the
  first benchmark year, the whole chain is rerun with annual information up to ``Y - 1`` only
  (benchmarks, regional ratios, digital content), the quarters of ``Y`` are nowcast, and
  ``e[Y, h] = log(nowcast / final)`` is recorded for horizon ``h`` (quarters after the last
  benchmark). ``s_h`` is the root mean square of ``e[., h]`` over the ``n_h`` years. The annual
  estimates themselves come from the model calibrated with all published figures, so the backtest
  measures the quarterly extrapolation, not the annual estimation;
* **annual-estimate uncertainty** of the last annual share, ``s_A = (log U - log L) / (2 z)`` from the
  Monte Carlo interval ``[L, U]`` at level ``1 - alpha`` (:mod:`grdp.digital.uncertainty`),
  ``z = Phi^{-1}(1 - alpha/2)``: the nowcast inherits the level of the last annual estimate.

Which extrapolation, ``trend`` or ``hold`` (:mod:`grdp.quarterly.digital_share`), is chosen by the same
backtest, method by method (:func:`choose_extrapolation`): the rule with the lower root mean square error over
every origin and horizon, ``trend`` on a tie. No rule wins for every method: where digital content rose
steadily (MIC) the trend is better, where the annual series follows published figures that jump (GSO) holding the
last ratio is.

The interval is ``share * exp(-/+ t s)`` with ``s = sqrt(s_h^2 + s_A^2)`` and ``t`` the Student-t
quantile with ``n_h`` degrees of freedom (``s_h`` is estimated from few errors, so its quantile is
wider than the normal one). With fewer than two backtest errors at a horizon no interval is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from grdp import sources as src
from grdp.accounts import SectorAccounts
from grdp.digital.model import DigitalModel
from grdp.quarterly.digital_share import DEFAULT_TD_METHOD, EXTRAPOLATIONS, QuarterlyShare, quarterly_share
from grdp.quarterly.regional import QuarterlyGRDP, quarterly_grdp

MIN_ERRORS = 2
"""Fewest backtest errors at a horizon for which an interval is given."""


@dataclass(frozen=True)
class Nowcast:
    """Nowcast quarters with intervals.

    Attributes
    ----------
    table
        One row per nowcast quarter and method: ``period``, ``method``, ``share``, ``lower``, ``upper``,
        ``level``, ``horizon`` (quarters after the last annual estimate), ``n_errors``,
        ``sd_extrapolation``, ``sd_annual``, ``note``.
    errors
        The backtest errors used (see :func:`backtest`).
    """

    table: pd.DataFrame
    errors: pd.DataFrame


def backtest(model: DigitalModel, accounts: SectorAccounts, releases: src.Releases, final: QuarterlyShare,
             methods: list[str] | None = None) -> pd.DataFrame:
    """Pseudo-real-time errors of the nowcast: rerun with annual information one year short.

    Parameters
    ----------
    model
        The calibrated digital-economy model (annual estimates).
    accounts
        The region's sector accounts.
    releases
        The as-of view the accounts were assembled from.
    final
        The quarterly shares with every benchmark (the reference the nowcasts are compared with); its
        indicator set and temporal-disaggregation method are reused.
    methods
        Methods to test (default: those of ``final``).

    Returns
    -------
    pandas.DataFrame
        ``origin`` (the last annual year used), ``period``, ``horizon``, ``method``, ``nowcast``, ``final``
        (percent of GRDP), ``error`` (``log(nowcast / final)``).
    """
    return _backtest(model, final, methods, _truncated(accounts, releases, final.grdp))


def _truncated(accounts: SectorAccounts, releases: src.Releases, grdp: QuarterlyGRDP) -> dict[int, QuarterlyGRDP]:
    """The quarterly GRDP of each backtest year ``Y``, rerun with annual information up to ``Y - 1`` only.

    It does not depend on the digital-economy method or the extrapolation rule, so :func:`choose_extrapolation`
    builds it once for both rules.
    """
    years = [int(y) for y in grdp.benchmark.index]
    return {target: quarterly_grdp(accounts, releases, grdp.indicators, last_year=target - 1,
                                   last_quarter=pd.Period(f"{target}Q4", freq="Q")) for target in years[1:]}


def _backtest(model: DigitalModel, final: QuarterlyShare, methods: list[str] | None,
              truncated: dict[int, QuarterlyGRDP]) -> pd.DataFrame:
    """:func:`backtest` on the truncated quarterly GRDP of :func:`_truncated`."""
    methods = list(methods or final.table["method"].unique())
    final_share = final.table.set_index(["period", "method"])["share"]
    frames = []
    for target, grdp_q in truncated.items():
        run = quarterly_share(model, grdp_q, methods, final.td_method, final.extrapolation)
        rows = run.table[[p.year == target for p in run.table["period"]]]
        reference = final_share.loc[list(zip(rows["period"], rows["method"]))].to_numpy()
        frames.append(pd.DataFrame({
            "origin": target - 1, "period": rows["period"].to_numpy(),
            "horizon": [p.quarter for p in rows["period"]], "method": rows["method"].to_numpy(),
            "nowcast": rows["share"].to_numpy(), "final": reference,
            "error": np.log(rows["share"].to_numpy() / reference)}))
    columns = ["origin", "period", "horizon", "method", "nowcast", "final", "error"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def choose_extrapolation(model: DigitalModel, accounts: SectorAccounts, releases: src.Releases,
                         grdp: QuarterlyGRDP, methods: list[str] | None = None, td_method: str = DEFAULT_TD_METHOD,
                         ) -> tuple[QuarterlyShare, pd.DataFrame, pd.DataFrame]:
    """Each method's extrapolation rule chosen by the pseudo-real-time backtest (module docstring).

    Returns
    -------
    tuple
        The quarterly shares with each method's chosen rule, their backtest errors (:func:`backtest`), and the
        choice: ``method``, ``rmse_trend``, ``rmse_hold`` (percent, log scale x 100, over every origin and
        horizon), ``chosen``.
    """
    runs = {rule: quarterly_share(model, grdp, methods, td_method, rule) for rule in EXTRAPOLATIONS}
    truncated = _truncated(accounts, releases, grdp)
    errors = {rule: _backtest(model, run, None, truncated) for rule, run in runs.items()}
    rows = []
    for method in runs["trend"].table["method"].unique():
        rmse = {rule: 100 * float(np.sqrt((e.loc[e["method"] == method, "error"] ** 2).mean()))
                for rule, e in errors.items()}
        chosen = "hold" if rmse["hold"] < rmse["trend"] else "trend"
        rows.append({"method": method, "rmse_trend": rmse["trend"], "rmse_hold": rmse["hold"], "chosen": chosen})
    choice = pd.DataFrame(rows)
    rules = dict(zip(choice["method"], choice["chosen"]))
    # a method's quarters depend only on its own rule; fits, indicators and contents on none: pick from the runs
    share = replace(runs["trend"], extrapolation=rules,
                    table=pd.concat([runs[rule].table[runs[rule].table["method"] == method]
                                     for method, rule in rules.items()], ignore_index=True))
    chosen_errors = pd.concat([errors[rule][errors[rule]["method"] == method] for method, rule in rules.items()],
                              ignore_index=True)
    return share, chosen_errors, choice


def nowcast(share: QuarterlyShare, errors: pd.DataFrame, annual_intervals: pd.DataFrame,
            level: float = 0.9) -> Nowcast:
    """Attach intervals to the nowcast quarters (see the module docstring for the formula).

    Parameters
    ----------
    share
        Quarterly shares including nowcast quarters.
    errors
        Backtest errors from :func:`backtest`.
    annual_intervals
        Monte Carlo intervals of the last annual year (:meth:`grdp.digital.uncertainty.Simulation.intervals`
        at the same ``level``): rows with ``component == "total"`` give ``point``, ``lower``, ``upper`` per
        ``method``.
    level
        Coverage of the interval, strictly between 0 and 1.

    Returns
    -------
    Nowcast

    Raises
    ------
    ValueError
        ``level`` outside (0, 1), or ``annual_intervals`` at another level or missing a method.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    totals = annual_intervals[annual_intervals["component"] == "total"].set_index("method")
    if len(totals) and not np.allclose(totals["level"], level):
        raise ValueError(f"annual_intervals are at level {totals['level'].iloc[0]}, not {level}")
    rows = share.table[share.table["status"] == "nowcast"]
    missing = sorted(set(rows["method"]) - set(totals.index))
    if missing:
        raise ValueError(f"annual_intervals lack method(s) {', '.join(missing)}")
    z = stats.norm.ppf(0.5 + level / 2)
    last = share.grdp.last_benchmark
    records = []
    for _, row in rows.iterrows():
        horizon = (row["period"] - pd.Period(f"{last}Q4", freq="Q")).n
        observed = errors[(errors["method"] == row["method"]) & (errors["horizon"] == horizon)]["error"]
        n = len(observed)
        annual = totals.loc[row["method"]]
        sd_annual = float((np.log(annual["upper"]) - np.log(annual["lower"])) / (2 * z))
        record = {"period": row["period"], "method": row["method"], "share": row["share"], "lower": np.nan,
                  "upper": np.nan, "level": level, "horizon": horizon, "n_errors": n,
                  "sd_extrapolation": np.nan, "sd_annual": sd_annual, "note": ""}
        if n < MIN_ERRORS:
            record["note"] = (f"no interval: {n} backtest error(s) at horizon {horizon}, "
                              f"at least {MIN_ERRORS} needed")
        else:
            sd_extrapolation = float(np.sqrt(np.mean(observed.to_numpy() ** 2)))
            spread = stats.t.ppf(0.5 + level / 2, df=n) * np.hypot(sd_extrapolation, sd_annual)
            record.update(sd_extrapolation=sd_extrapolation, lower=row["share"] * np.exp(-spread),
                          upper=row["share"] * np.exp(spread))
        records.append(record)
    columns = ["period", "method", "share", "lower", "upper", "level", "horizon", "n_errors",
               "sd_extrapolation", "sd_annual", "note"]
    return Nowcast(table=pd.DataFrame(records, columns=columns), errors=errors)

