"""Quarterly GRDP of a region, benchmarked to its annual sector accounts.

The statistics office publishes the region's quarterly GRDP only as scattered press figures:
year-on-year real growth for some quarters and a few levels. The quarterly series is therefore
built as regional quarterly accounts are built elsewhere (IMF Quarterly National Accounts Manual
2017, ch. 6; Eurostat Handbook on Regional Accounts Methods, 2013, ch. 6): an indicator carries the
quarterly movement and the annual accounts fix the level.

Notation: ``VN[s, q]`` and ``VNr[s, q]`` are national value added of VSIC section ``s`` (and
product taxes less subsidies, ``TAX``) in quarter ``q`` at current and constant 2010 prices (GSO);
``V[s, y]`` is the region's annual value added (:mod:`grdp.accounts`). The regional ratio is

    r[s, y] = V[s, y] / sum_{q in y} VN[s, q],

taken from the nearest account year with all four national quarters (flagged in ``ratio_year``)
when ``y`` has none, and from the last benchmark year for quarters after it.

1. National-structure volume growth, with the weights of the quarter's year on both sides:
   ``gN[q] = sum_s r[s, y(q)] VNr[s, q] / sum_s r[s, y(q)] VNr[s, q-4] - 1``.
2. Volume indicator ``R[q] = R[q-4] (1 + g[q])`` where ``g[q]`` is the region's published
   year-on-year real GRDP growth when there is one and the indicator set is ``"hcmc"``, else
   ``gN[q]``; the four quarters before the first benchmark year start the chain at
   ``sum_s r VNr[s, q]``. A region-specific shock in a base quarter without a published
   successor (HCMC's 2021Q3 lockdown before the unpublished 2022Q3) is carried into that quarter;
   the annual benchmark then spreads the year's excess over its quarters. Chaining the national
   movement from the previous quarter instead was tried and fitted the published growth rates and
   levels worse (:attr:`QuarterlyGRDP.checks`; ``docs/methods.md``).
3. Price ``P[q] = sum_s r VN[s, q] / sum_s r VNr[s, q]``: the region's section deflators are
   assumed equal to the nation's.
4. The nominal indicator ``I[q] = R[q] P[q]`` is benchmarked to annual GRDP with the proportional
   Denton-Cholette method (:func:`grdp.quarterly.td`, Denton 1971, Cholette 1984), which keeps the
   indicator's quarter-to-quarter movement and makes the quarters add up to each year exactly.
   Quarters after the last annual figure are extrapolated with the last benchmark-to-indicator
   ratio and flagged ``nowcast``.
5. Sections: ``Q[s, q] = r[s, y] VN[s, q] * GRDP[q] / sum_s r[s, y] VN[s, q]``, the national
   section pattern scaled pro rata to the regional total (an indicator, not an account).

Published quarterly levels are first estimates that are not revised to the annual accounts; they
are compared with the estimate in :attr:`QuarterlyGRDP.checks`, side by side, never averaged in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from grdp import classification
from grdp import sources as src
from grdp.accounts import SectorAccounts
from grdp.quarterly.disaggregation import TdResult, td

INDICATOR_SETS = {
    "hcmc": "region's published quarterly real growth where available, national section structure elsewhere",
    "national": "national section structure only (the region's published quarterly growth is ignored)",
}
"""Indicator sets for the region's quarterly path, by name."""

BENCHMARK_METHOD = "denton-cholette"
PUBLISHED_GROWTH = "published regional growth (y/y)"
NATIONAL_STRUCTURE = "national structure (y/y)"
_ITEMS = tuple(classification.SECTIONS) + ("TAX",)


@dataclass(frozen=True)
class QuarterlyGRDP:
    """Quarterly GRDP of one region at current prices, benchmarked to its annual accounts.

    Attributes
    ----------
    region, boundary, as_of, indicators
        What was estimated, with the information available on ``as_of`` and which indicator set.
    table
        One row per quarter (quarterly ``PeriodIndex``): ``grdp`` (bn VND), ``indicator`` (the nominal
        indicator I), ``volume``, ``price``, ``growth_source`` (where the volume growth came from),
        ``ratio_year`` (the account year of the regional ratios) and ``status`` (``benchmarked`` or
        ``nowcast``).
    sections
        Section indicators ``Q[s, q]`` in bn VND (quarters x sections and ``TAX``).
    annual
        The region's annual value added used (years x sections and ``TAX``), from the accounts.
    benchmark
        Annual GRDP the quarters add up to (integer years).
    checks
        Published quarterly figures against the estimate: ``period``, ``variable``, ``published``,
        ``estimate``, ``difference`` (estimate - published; percent for levels, pp for growth),
        ``release``, ``url``.
    fit
        The Denton-Cholette result.
    """

    region: str
    boundary: str
    as_of: str | None
    indicators: str
    table: pd.DataFrame
    sections: pd.DataFrame
    annual: pd.DataFrame
    benchmark: pd.Series
    checks: pd.DataFrame
    fit: TdResult

    @property
    def last_benchmark(self) -> int:
        """The last year with an annual GRDP figure."""
        return int(self.benchmark.index[-1])


def quarterly_grdp(accounts: SectorAccounts, observations: pd.DataFrame, indicators: str = "hcmc",
                   last_year: int | None = None, last_quarter: str | pd.Period | None = None) -> QuarterlyGRDP:
    """Estimate a region's quarterly GRDP at current prices (see the module docstring for the method).

    Parameters
    ----------
    accounts
        The region's annual sector accounts (:func:`grdp.accounts.assemble`); their ``as_of`` selects the
        releases of the quarterly sources too.
    observations
        All observations (:func:`grdp.sources.load_observations`).
    indicators
        ``"hcmc"`` (default) or ``"national"``, see :data:`INDICATOR_SETS`.
    last_year
        Use annual information (benchmarks and regional ratios) up to this year only; later quarters are
        extrapolated. Default: the last year of the accounts. Used for pseudo-real-time backtests.
    last_quarter
        Last quarter to estimate (default: the last quarter of national data).

    Returns
    -------
    QuarterlyGRDP

    Raises
    ------
    ValueError
        Unknown indicator set, no national quarterly data for a quarter or section that is needed, or
        the region having value added in a section the national quarterly data lack.
    """
    if indicators not in INDICATOR_SETS:
        raise ValueError(f"unknown indicator set {indicators!r}; choose from {', '.join(INDICATOR_SETS)}")
    selected = src.as_of(observations, accounts.as_of)
    annual = accounts.wide("value")
    nominal, volume = (_national(selected, basis) for basis in ("current", "constant_2010"))
    first = max(nominal.index[0], volume.index[0])
    first_full = first.year + (1 if first.quarter == 1 else 2)  # the chain starts in a full year of quarters
    years = _benchmark_years(annual[annual.index >= first_full], last_year)
    items = [c for c in _ITEMS if c in nominal.columns and c in annual.columns]
    _check_coverage(annual.loc[list(years)], items)
    annual = annual.loc[annual.index <= years[-1], items]

    start = pd.Period(f"{years[0] - 1}Q1", freq="Q")
    end = pd.Period(last_quarter, freq="Q") if last_quarter is not None else nominal.index[-1]
    periods = pd.period_range(start, end, freq="Q")
    missing = periods.difference(nominal.index.intersection(volume.index))
    if len(missing):
        raise ValueError(f"national quarterly value added (gso_nsdp_gdp_by_section) is missing for "
                         f"{', '.join(map(str, missing))}, needed from {start} to {end}")
    nominal, volume = nominal.loc[periods, items], volume.loc[periods, items]
    ratios = _ratios(annual, nominal)
    ratio_year = np.array([_nearest(ratios.index, min(p.year, years[-1])) for p in periods])
    weights = ratios.loc[ratio_year].to_numpy()

    weighted_nominal = (weights * nominal.to_numpy()).sum(axis=1)
    weighted_volume = (weights * volume.to_numpy()).sum(axis=1)
    lagged_volume = np.full(len(periods), np.nan)
    lagged_volume[4:] = (weights[4:] * volume.to_numpy()[:-4]).sum(axis=1)
    national_growth = weighted_volume / lagged_volume - 1
    published = _published_growth(selected, accounts) if indicators == "hcmc" else pd.Series(dtype=float)

    level = weighted_volume.copy()
    source = np.array([NATIONAL_STRUCTURE] * len(periods), dtype=object)
    for i in range(4, len(periods)):
        growth = national_growth[i]
        if periods[i] in published.index:
            growth, source[i] = published[periods[i]] / 100, PUBLISHED_GROWTH
        level[i] = level[i - 4] * (1 + growth)
    price = weighted_nominal / weighted_volume
    indicator = pd.Series(level * price, index=periods, name="indicator")

    benchmark = annual.loc[list(years)].sum(axis=1)
    keep = periods >= pd.Period(f"{years[0]}Q1", freq="Q")
    fit = td(pd.Series(benchmark.to_numpy(), index=list(years)), indicator[keep], method=BENCHMARK_METHOD)
    grdp_q = fit.values
    table = pd.DataFrame({
        "grdp": grdp_q, "indicator": indicator[keep], "volume": level[keep], "price": price[keep],
        "growth_source": source[keep], "ratio_year": ratio_year[keep],
        "status": np.where(grdp_q.index.year > years[-1], "nowcast", "benchmarked"),
    })
    scale = grdp_q.to_numpy() / weighted_nominal[keep]
    sections = pd.DataFrame(weights[keep] * nominal.to_numpy()[keep] * scale[:, None],
                            index=grdp_q.index, columns=items)
    return QuarterlyGRDP(
        region=accounts.region, boundary=accounts.boundary, as_of=accounts.as_of, indicators=indicators,
        table=table, sections=sections, annual=annual, benchmark=pd.Series(benchmark.to_numpy(), index=list(years),
                                                                          name="grdp"),
        checks=_checks(selected, accounts, table), fit=fit)


def _benchmark_years(annual: pd.DataFrame, last_year: int | None) -> list[int]:
    """The longest run of consecutive account years ending at ``last_year`` (default: the last).

    ``annual`` holds only years whose previous year has national quarterly data (the chain's start).
    """
    years = sorted(int(y) for y in annual.index if last_year is None or y <= last_year)
    if not years:
        raise ValueError(f"no annual accounts up to {last_year} after the first year of national quarterly data")
    run = [years[-1]]
    for year in reversed(years[:-1]):
        if year != run[0] - 1:
            break
        run.insert(0, year)
    return run


def national_quarterly(observations: pd.DataFrame, as_of: str | None, basis: str = "current") -> pd.DataFrame:
    """National quarterly GDP and value added by section (GSO), quarters x industries, bn VND.

    Parameters
    ----------
    observations
        All observations (:func:`grdp.sources.load_observations`).
    as_of
        Release date to select (:func:`grdp.sources.as_of`); None for the latest.
    basis
        ``"current"`` or ``"constant_2010"`` prices.

    Returns
    -------
    pandas.DataFrame
        Quarterly ``PeriodIndex``; one column per industry code (sections, ``TAX``, aggregates and ``TOTAL``).
    """
    return _national(src.as_of(observations, as_of), basis, None)


def _national(selected: pd.DataFrame, basis: str, items: tuple[str, ...] | None = _ITEMS) -> pd.DataFrame:
    """National quarterly value added at one price basis (quarters x industries; ``items`` only if given)."""
    rows = selected[(selected["region"] == "vn") & (selected["frequency"] == "Q") & (selected["variable"] == "grdp")
                    & (selected["price_basis"] == basis)]
    if items is not None:
        rows = rows[rows["industry"].isin(items)]
    if rows.empty:
        raise ValueError(f"no national quarterly value added at {basis} prices in the sources")
    table = rows.pivot(index="period", columns="industry", values="value")
    table.index = pd.PeriodIndex([pd.Period(p, freq="Q") for p in table.index], freq="Q")
    return table.sort_index()


def _check_coverage(annual: pd.DataFrame, items: list[str]) -> None:
    """Fail if the region has value added in a section the national quarterly data do not cover."""
    other = [c for c in annual.columns if c in _ITEMS and c not in items]
    uncovered = annual[other].abs().sum() if other else pd.Series(dtype=float)
    uncovered = uncovered[uncovered > 0]
    if len(uncovered):
        raise ValueError(f"the region has value added in {', '.join(uncovered.index)} but the national quarterly "
                         "data have no such section; its quarterly path cannot be estimated")


def _nearest(years: pd.Index, year: int) -> int:
    """The account year nearest to ``year`` (the later one on a tie)."""
    candidates = np.asarray(years, dtype=int)
    distance = np.abs(candidates - year) - 0.1 * (candidates > year)
    return int(candidates[np.argmin(distance)])


def _ratios(annual: pd.DataFrame, nominal: pd.DataFrame) -> pd.DataFrame:
    """Regional ratios r[s, y] = V[s, y] / sum of the national quarters of y (zero where the nation has none),
    for the account years with all four national quarters in ``nominal``."""
    national = nominal.groupby(nominal.index.year).sum()
    years = [y for y in annual.index if y in national.index and (nominal.index.year == y).sum() == 4]
    if not years:
        raise ValueError("no account year has all four national quarters; the regional ratios cannot be formed")
    return (annual.loc[years] / national.loc[years].replace(0.0, np.nan)).fillna(0.0)


def _published_growth(selected: pd.DataFrame, accounts: SectorAccounts) -> pd.Series:
    """The region's published year-on-year real GRDP growth (percent) by quarter."""
    rows = selected[(selected["region"] == accounts.region) & (selected["boundary"] == accounts.boundary)
                    & (selected["frequency"] == "Q") & (selected["variable"] == "grdp_real_growth")
                    & (selected["industry"] == "TOTAL")]
    return pd.Series(rows["value"].to_numpy(float), index=pd.PeriodIndex(rows["period"], freq="Q")).sort_index()


def _checks(selected: pd.DataFrame, accounts: SectorAccounts, table: pd.DataFrame) -> pd.DataFrame:
    """Published quarterly levels and growth rates against the estimate."""
    rows = selected[(selected["region"] == accounts.region) & (selected["boundary"] == accounts.boundary)
                    & (selected["frequency"] == "Q") & (selected["industry"] == "TOTAL")
                    & (((selected["variable"] == "grdp") & (selected["price_basis"] == "current"))
                       | (selected["variable"] == "grdp_real_growth"))]
    real = table["grdp"] / table["price"]
    records = []
    for _, row in rows.iterrows():
        period = pd.Period(row["period"], freq="Q")
        if period not in table.index:
            continue
        if row["variable"] == "grdp":
            estimate = float(table.at[period, "grdp"])
            difference = 100 * (estimate / row["value"] - 1)
        else:
            if period - 4 not in table.index:
                continue
            estimate = float(100 * (real[period] / real[period - 4] - 1))
            difference = estimate - row["value"]
        records.append({"period": period, "variable": row["variable"], "published": float(row["value"]),
                        "estimate": estimate, "difference": difference, "status": table.at[period, "status"],
                        "release": row["publication_date"], "url": row["url"]})
    columns = ["period", "variable", "published", "estimate", "difference", "status", "release", "url"]
    return pd.DataFrame(records, columns=columns).sort_values(["variable", "period"], ignore_index=True)
