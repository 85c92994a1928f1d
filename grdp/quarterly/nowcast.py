"""Nowcast of the quarterly digital-economy share after the last benchmarked quarter, with an interval.

A quarter is *benchmarked* when its year has a headline share (:mod:`grdp.digital.headline`) and quarterly
information was published for it (national accounts or growth, or the region's own growth). The quarters after the
last benchmarked one ``F`` are either *extrapolated* (published quarterly information, no annual figure yet) or a
*nowcast* (nothing published yet: the vintage's own quarter and the next); in both the quarterly GRDP follows its
indicator with the last benchmark-to-indicator ratio, the indicator itself carried forward by its last
year-on-year movement in a nowcast quarter, and each method's digital value added follows its sections with the
digital content of the last annual figure. Their error has two parts, combined on the log scale:

* **quarterly error**, measured by a pseudo-real-time backtest (as revision studies of quarterly national accounts
  do; IMF QNA Manual 2017, ch. 6 and 12): for ``k = 1, 2, ...`` years back, the whole chain is rerun with the
  information the vintage had, shifted back ``k`` years: annual figures (GRDP benchmarks, headline shares) up to
  ``k`` years before the vintage's last ones, national and regional quarterly figures up to ``F - 4k``, quarters
  estimated up to the vintage's last quarter less ``4k``. Each quarter after ``F - 4k`` that the final run
  benchmarks gives ``e[k, h] = log(nowcast / final)`` at horizon ``h`` (quarters after ``F - 4k``), so an error at
  horizon ``h`` was made with the same information as the vintage's quarter at horizon ``h``. ``s_h`` is the root
  mean square of ``e[., h]`` over the ``n_h`` origins. The annual figures of the truncated runs are the vintage's
  own (the headline of the full vintage), so the backtest measures the quarterly extrapolation, not the annual
  estimation; the national quarterly data are the final ones (quasi-real time);
* **annual uncertainty** of the quarter's year, ``s_A = (log U - log L) / (2 z)`` from the headline interval
  ``[L, U]`` at level ``1 - alpha`` of that year (a year without a headline figure yet takes the last year's: an
  estimate made from it cannot be more certain), ``z = Phi^{-1}(1 - alpha/2)``.

Which extrapolation, ``trend`` or ``hold`` (:mod:`grdp.quarterly.digital_share`), is chosen by the same
backtest, method by method (:func:`choose_extrapolation`): the rule with the lower root mean square error over
every origin and horizon, ``trend`` on a tie.

The interval is ``share * exp(-/+ t s)`` with ``s = sqrt(s_h^2 + s_A^2)`` and ``t`` the Student-t
quantile with ``n_h`` degrees of freedom (``s_h`` is estimated from few errors, so its quantile is
wider than the normal one). It is never narrower than the annual interval of the same year: where it would be
(a quarter's share lower than the year's, a published figure's interval asymmetric), ``t s`` is widened until
``upper - lower`` equals ``U - L`` (``widened``). With fewer than two backtest errors at a horizon no interval is
given.
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
        One row per quarter after the last benchmarked one and method: ``period``, ``method``, ``share``,
        ``lower``, ``upper``, ``level``, ``horizon`` (quarters after the last benchmarked quarter), ``status``
        (``extrapolated`` or ``nowcast``), ``n_errors``, ``sd_extrapolation``, ``sd_annual``, ``annual_year``,
        ``annual_lower``, ``annual_upper`` (the headline interval the interval may not be narrower than),
        ``widened``, ``note``.
    errors
        The backtest errors used (see :func:`backtest`).
    """

    table: pd.DataFrame
    errors: pd.DataFrame


def last_benchmarked(table: pd.DataFrame) -> pd.Period:
    """The last quarter whose share is benchmarked (``status == "benchmarked"``) in a quarterly share table."""
    rows = table[table["status"] == "benchmarked"]
    if rows.empty:
        raise ValueError("no quarter is benchmarked: the nowcast has nothing to start from")
    return max(rows["period"])


def backtest(model: DigitalModel, accounts: SectorAccounts, releases: src.Releases, final: QuarterlyShare,
             methods: list[str] | None = None, headline: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pseudo-real-time errors of the nowcast: rerun with the vintage's information shifted back by whole years.

    Parameters
    ----------
    model
        The calibrated digital-economy model (the digital content of the sections).
    accounts
        The region's sector accounts.
    releases
        The as-of view the accounts were assembled from.
    final
        The quarterly shares with every benchmark (the reference the nowcasts are compared with); its
        indicator set, temporal-disaggregation method and extrapolation rules are reused.
    methods
        Methods to test (default: those of ``final``).
    headline
        The headline shares ``final`` was benchmarked to (:func:`grdp.quarterly.digital_share.quarterly_share`);
        each truncated run keeps its years up to ``k`` years before the last.

    Returns
    -------
    pandas.DataFrame
        ``origin`` (the last annual year of the truncated run), ``period``, ``horizon`` (quarters after its last
        benchmarked quarter), ``method``, ``nowcast``, ``final`` (percent of GRDP), ``error``
        (``log(nowcast / final)``).
    """
    return _backtest(model, final, methods, _truncated(accounts, releases, final.grdp), headline)


def _truncated(accounts: SectorAccounts, releases: src.Releases, grdp: QuarterlyGRDP) -> dict[int, QuarterlyGRDP]:
    """The quarterly GRDP rerun with the information of ``grdp`` shifted back ``k`` years, by ``k``.

    It does not depend on the digital-economy method or the extrapolation rule, so :func:`choose_extrapolation`
    builds it once for both rules.
    """
    years = [int(y) for y in grdp.benchmark.index]
    published = grdp.published_end if grdp.published_end is not None else grdp.table.index[-1]
    last = grdp.table.index[-1]
    return {k: quarterly_grdp(accounts, releases, grdp.indicators, last_year=years[-1] - k,
                              last_quarter=last - 4 * k, last_indicator=published - 4 * k)
            for k in range(1, len(years))}


def _backtest(model: DigitalModel, final: QuarterlyShare, methods: list[str] | None,
              truncated: dict[int, QuarterlyGRDP], headline: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`backtest` on the truncated quarterly GRDP of :func:`_truncated`."""
    methods = list(methods or final.table["method"].unique())
    reference = final.table.set_index(["period", "method"])
    end = last_benchmarked(final.table)
    last_year = int(final.annual["year"].max())
    frames = []
    for k, grdp_q in truncated.items():
        cut = headline[headline["year"].astype(int) <= last_year - k] if headline is not None else None
        if cut is not None and not len(cut[cut["method"].isin(methods) & cut["value"].notna()]):
            continue
        run = quarterly_share(model, grdp_q, methods, final.td_method, final.extrapolation, headline=cut)
        start = end - 4 * k
        rows = run.table[[p > start for p in run.table["period"]]]
        keys = list(zip(rows["period"], rows["method"]))
        known = [key in reference.index and reference.at[key, "status"] == "benchmarked" for key in keys]
        rows = rows[known]
        if rows.empty:
            continue
        final_share = reference.loc[list(zip(rows["period"], rows["method"])), "share"].to_numpy()
        frames.append(pd.DataFrame({
            "origin": int(run.annual["year"].max()), "period": rows["period"].to_numpy(),
            "horizon": [(p - start).n for p in rows["period"]], "method": rows["method"].to_numpy(),
            "nowcast": rows["share"].to_numpy(), "final": final_share,
            "error": np.log(rows["share"].to_numpy() / final_share)}))
    columns = ["origin", "period", "horizon", "method", "nowcast", "final", "error"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def choose_extrapolation(model: DigitalModel, accounts: SectorAccounts, releases: src.Releases,
                         grdp: QuarterlyGRDP, methods: list[str] | None = None, td_method: str = DEFAULT_TD_METHOD,
                         headline: pd.DataFrame | None = None,
                         ) -> tuple[QuarterlyShare, pd.DataFrame, pd.DataFrame]:
    """Each method's extrapolation rule chosen by the pseudo-real-time backtest (module docstring).

    Returns
    -------
    tuple
        The quarterly shares with each method's chosen rule, their backtest errors (:func:`backtest`), and the
        choice: ``method``, ``rmse_trend``, ``rmse_hold`` (percent, log scale x 100, over every origin and
        horizon), ``chosen``.
    """
    runs = {rule: quarterly_share(model, grdp, methods, td_method, rule, headline=headline) for rule in EXTRAPOLATIONS}
    truncated = _truncated(accounts, releases, grdp)
    errors = {rule: _backtest(model, run, None, truncated, headline) for rule, run in runs.items()}
    rows = []
    for method in runs["trend"].table["method"].unique():
        rmse = {rule: 100 * float(np.sqrt((e.loc[e["method"] == method, "error"].astype(float) ** 2).mean()))
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
    """Attach intervals to the quarters after the last benchmarked one (module docstring for the formula).

    Parameters
    ----------
    share
        Quarterly shares including the quarters after the last benchmarked one.
    errors
        Backtest errors from :func:`backtest`.
    annual_intervals
        The annual intervals at the same ``level``: the headline (:func:`grdp.digital.headline.share_table`:
        ``method``, ``year``, ``value``, ``lower``, ``upper``, ``level``), or the model's Monte Carlo intervals of
        one year (:meth:`grdp.digital.uncertainty.Simulation.intervals`: rows with ``component == "total"`` give
        ``point``, ``lower``, ``upper`` per ``method``), taken for every year.
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
    annual = _annual_intervals(annual_intervals)
    if len(annual) and not np.allclose(annual["level"].astype(float), level):
        raise ValueError(f"annual_intervals are at level {annual['level'].iloc[0]}, not {level}")
    end = last_benchmarked(share.table)
    rows = share.table[[p > end for p in share.table["period"]]]
    missing = sorted(set(rows["method"]) - set(annual["method"]))
    if missing:
        raise ValueError(f"annual_intervals lack method(s) {', '.join(missing)}")
    z = stats.norm.ppf(0.5 + level / 2)
    records = []
    for _, row in rows.iterrows():
        horizon = (row["period"] - end).n
        observed = errors[(errors["method"] == row["method"]) & (errors["horizon"] == horizon)]["error"]
        observed = observed.astype(float)
        n = len(observed)
        own = annual[annual["method"] == row["method"]]
        year = row["period"].year
        years = own["year"][own["year"] <= year]
        chosen = own[own["year"] == (year if year in set(own["year"]) else (years.max() if len(years) else
                                                                           own["year"].max()))].iloc[0]
        sd_annual = float((np.log(chosen["upper"]) - np.log(chosen["lower"])) / (2 * z))
        width = float(chosen["upper"] - chosen["lower"])
        record = {"period": row["period"], "method": row["method"], "share": row["share"], "lower": np.nan,
                  "upper": np.nan, "level": level, "horizon": horizon, "status": row["status"], "n_errors": n,
                  "sd_extrapolation": np.nan, "sd_annual": sd_annual, "annual_year": int(chosen["year"]),
                  "annual_lower": float(chosen["lower"]), "annual_upper": float(chosen["upper"]), "widened": False,
                  "note": ""}
        if n < MIN_ERRORS:
            record["note"] = (f"no interval: {n} backtest error(s) at horizon {horizon}, "
                              f"at least {MIN_ERRORS} needed")
        else:
            sd_extrapolation = float(np.sqrt(np.mean(observed.to_numpy() ** 2)))
            spread = stats.t.ppf(0.5 + level / 2, df=n) * np.hypot(sd_extrapolation, sd_annual)
            floor = float(np.arcsinh(width / (2 * row["share"])))  # share (e^x - e^-x) = width
            widened = bool(floor > spread)
            spread = max(spread, floor)
            record.update(sd_extrapolation=sd_extrapolation, lower=row["share"] * np.exp(-spread),
                          upper=row["share"] * np.exp(spread), widened=widened)
            if widened:
                record["note"] = f"widened to the width of the annual interval of {int(chosen['year'])}"
        records.append(record)
    columns = ["period", "method", "share", "lower", "upper", "level", "horizon", "status", "n_errors",
               "sd_extrapolation", "sd_annual", "annual_year", "annual_lower", "annual_upper", "widened", "note"]
    return Nowcast(table=pd.DataFrame(records, columns=columns), errors=errors)


def _annual_intervals(intervals: pd.DataFrame) -> pd.DataFrame:
    """``method``, ``year``, ``lower``, ``upper``, ``level`` from a headline table or one year's model intervals
    (``year`` -1: every year)."""
    if "component" in intervals:
        totals = intervals[intervals["component"] == "total"]
        return pd.DataFrame({"method": totals["method"].to_numpy(), "year": -1, "lower": totals["lower"].to_numpy(),
                             "upper": totals["upper"].to_numpy(), "level": totals["level"].to_numpy()})
    rows = intervals[intervals["lower"].notna() & intervals["upper"].notna()]
    return pd.DataFrame({"method": rows["method"].to_numpy(), "year": rows["year"].astype(int).to_numpy(),
                         "lower": rows["lower"].astype(float).to_numpy(),
                         "upper": rows["upper"].astype(float).to_numpy(),
                         "level": rows["level"].astype(float).to_numpy()})
